package dev.duel.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.GradCheck.Options;
import dev.duel.engine.GradCheck.Result;
import dev.duel.engine.cpu.Conv2dCpu;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CPU's Winograd forms of a 4×4 stride-2 convolution (forward by F(7×7, 2×2), weight gradient by F(2×2, 7×7);
 * AUTO takes them for 7×7 outputs with 32+ channels) through autograd, on shapes small enough for float64 finite
 * differences: the channel threshold is lowered to 1 for these tests. conv2d's forward and weight gradient, and
 * conv_transpose2d, whose data gradient is that forward and whose weight gradient is the same correlation, against
 * their float64 references ({@link RefCheck}); and the gradient penalty's second derivatives through conv2d, as
 * WGAN-GP takes them ({@link GradCheck#checkSecondOrder}). The forward's tolerance is 1e-4 of the largest output
 * (RefCheck's default 1e-5 is below F(7, 2)'s float32 rounding with two channels).
 */
class WinogradConvGradTest {
  private final Backend cpu = Devices.cpu();
  private int savedChannels;

  @BeforeEach
  void lowerTheThreshold() {
    savedChannels = Conv2dCpu.winogradChannels;
    Conv2dCpu.winogradChannels = 1;
  }

  @AfterEach
  void restoreTheThreshold() {
    Conv2dCpu.winogradChannels = savedChannels;
  }

  @Test
  void theShapesTakeWinograd() {
    ConvShape s = new ConvShape(2, 3, 14, 14, 4, 4, 4, 2, 2, 1, 1);   // conv2d's, and conv_transpose2d's data gradient
    assertTrue(Conv2dCpu.winogradForward(s) && Conv2dCpu.winogradFilter(s), "the tests below would not reach Winograd");
    assertTrue(Conv2dCpu.winogradForward(new ConvShape(2, 2, 14, 14, 3, 4, 4, 2, 2, 1, 1)));
  }

  @Test
  void conv2dAgainstFloat64() {
    RefCheck c = new RefCheck(cpu, "winograd conv2d").fwdTol(1e-4);
    c.run(t -> Convolution.conv2d(t[0], t[1], t[2], 2, 1), n -> NdOps.conv2d(n[0], n[1], n[2], 2, 1),
        c.uniform(2, 3, 14, 14), c.uniform(4, 3, 4, 4), c.uniform(4));
  }

  @Test
  void convTranspose2dAgainstFloat64() {
    RefCheck c = new RefCheck(cpu, "winograd conv_transpose2d").fwdTol(1e-4);
    c.run(t -> Convolution.convTranspose2d(t[0], t[1], t[2], 2, 1, 0),
        n -> NdOps.convTranspose2d(n[0], n[1], n[2], 2, 1, 0), c.uniform(2, 4, 7, 7), c.uniform(4, 3, 4, 4), c.uniform(3));
  }

  @Test
  void gradientPenaltyThroughConv2d() {
    RefCheck c = new RefCheck(cpu, "winograd gp conv2d");
    Tensor[] in = {c.uniform(2, 2, 14, 14).toTensor(cpu).requiresGrad(true),
        c.uniform(3, 2, 4, 4).toTensor(cpu).requiresGrad(true), c.uniform(3).toTensor(cpu).requiresGrad(true)};
    // D(x) = tanh(conv2d(x, W, b)) summed with fixed weights; P = ‖∇ₓ D‖²
    Result r = GradCheck.checkSecondOrder("winograd conv2d", t -> Convolution.conv2d(t[0], t[1], t[2], 2, 1).tanh(), in,
        new int[] {0}, Options.defaults().withTolerance(5e-3));
    String where = r.summary() + " " + r.inputs() + " " + TestSeeds.replay();
    assertTrue(r.finite(), "NaN/Inf: " + where);
    assertTrue(r.inputs().stream().anyMatch(e -> e.scale() > 0), "all second derivatives are zero: " + where);
    assertTrue(r.passed(), where);
  }
}
