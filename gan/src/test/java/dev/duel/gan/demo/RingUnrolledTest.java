package dev.duel.gan.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Autograd;
import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.Losses;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.nn.Sequential;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The unrolled GAN (Metz et al. 2017): the functional D is the module D, G's gradient goes through the K
 * unrolled D steps (it matches finite differences of L_G^K, and differs from the gradient that treats
 * the unrolled D as a constant), and the collapse measure tells a blob from a spread.
 */
class RingUnrolledTest {
  private final Backend cpu = Devices.cpu();

  private RingGan.Config small(int k, float eta) {
    RingGan.Config d = RingGan.Config.defaults();
    return new RingGan.Config(d.ring(), 3, 8, 16, 1, d.dLr(), d.gLr(), d.wganLr(), d.dSteps(), d.gpWeight(), d.mbKernels(), d.mbDim(),
        d.evalSamples(), d.minPerMode(), 0, 7L, k, eta);
  }

  @Test
  void functionalForwardIsTheModulesForward() {
    DiscriminatorNet d = RingNets.discriminator(cpu, new Generator(3), 8, 0, 4);
    Tensor x = new Generator(4).normal(cpu, 0f, 1f, 5, 2);
    assertArrayEquals(d.forward(x).toArray(), RingUnrolled.forward(x, d.parameters().toArray(new Tensor[0])).toArray(), 1e-6f);
  }

  /**
   * dL_G^K/dθ_G for one G weight against a central difference of L_G^K with the same draws (the Philox
   * stream restarted), K = 3, η = 0.5 (large, so the look-ahead matters); and the "frozen" gradient that
   * detaches the unrolled parameters from G is further from the difference than the full one.
   */
  @Test
  void generatorGradientFlowsThroughTheUnrolledSteps() {
    RingGan.Config cfg = small(3, 0.5f);
    Sequential g = RingNets.generator(cpu, new Generator(1), cfg.latent(), cfg.width());
    DiscriminatorNet d = RingNets.discriminator(cpu, new Generator(2), cfg.width(), 0, 4);
    Tensor w = g.parameters().get(0);                                       // G's first weight, width×latent
    Tensor lossG = RingUnrolled.generatorLoss(g, d, cfg, cpu, new Generator(9));
    float full = Autograd.grad(lossG, new Tensor[] {w}, false)[0].toArray()[0];

    double eps = 1e-2;
    double up = lossAt(g, d, cfg, w, eps), down = lossAt(g, d, cfg, w, -eps);
    double fd = (up - down) / (2 * eps);
    assertEquals(fd, full, 2e-3 + 0.03 * Math.abs(fd), "full unrolled gradient vs finite difference");

    // The same loss with the unrolled θ^K detached from G (the "no second term" gradient).
    Tensor frozenLoss = frozenUnrolledLoss(g, d, cfg, new Generator(9));
    float frozen = Autograd.grad(frozenLoss, new Tensor[] {w}, false)[0].toArray()[0];
    assertEquals(lossG.item(), frozenLoss.item(), 1e-6, "same draws, same value");
    assertTrue(Math.abs(frozen - fd) > 3 * Math.abs(full - fd),
        "the look-ahead term matters here: frozen " + frozen + ", full " + full + ", finite difference " + fd);
  }

  private double lossAt(Sequential g, DiscriminatorNet d, RingGan.Config cfg, Tensor w, double delta) {
    float[] v = w.toArray();
    float old = v[0];
    set(w, v, (float) (old + delta));
    double loss = RingUnrolled.generatorLoss(g, d, cfg, cpu, new Generator(9)).item();   // the unroll needs grad mode on
    set(w, v, old);
    return loss;
  }

  private void set(Tensor w, float[] v, float first) {
    try (GradMode off = GradMode.disabled()) {
      v[0] = first;
      w.assign(Tensor.of(cpu, v, w.shape()));
    }
  }

  /** As RingUnrolled.generatorLoss, but the fakes of the unrolled steps are detached: θ^K does not depend on G. */
  private Tensor frozenUnrolledLoss(Sequential g, DiscriminatorNet d, RingGan.Config cfg, Generator rng) {
    Tensor[] theta = d.parameters().toArray(new Tensor[0]);
    for (int k = 0; k < cfg.unrollSteps(); k++) {
      Tensor real = Tensor.of(cpu, cfg.ring().sample(cpu, rng, cfg.batch()), cfg.batch(), 2);
      Tensor fake = g.forward(rng.normal(cpu, 0f, 1f, cfg.batch(), cfg.latent())).detach();
      Tensor lossD = Losses.bceWithLogits(RingUnrolled.forward(real, theta), 1f).add(Losses.bceWithLogits(RingUnrolled.forward(fake, theta), 0f));
      Tensor[] grads = Autograd.grad(lossD, theta, false);
      Tensor[] next = new Tensor[theta.length];
      for (int i = 0; i < theta.length; i++) next[i] = theta[i].sub(grads[i].mul(cfg.unrollLr())).detach().requiresGrad(true);
      theta = next;
    }
    return Losses.bceWithLogits(RingUnrolled.forward(g.forward(rng.normal(cpu, 0f, 1f, cfg.batch(), cfg.latent())), theta), 1f);
  }

  @Test
  void modeEntropyIsOneWhenEvenZeroOnOneModeOrNone() {
    assertEquals(1.0, new RingMixture.Coverage(8, new int[] {5, 5, 5, 5, 5, 5, 5, 5}, 1, 40).modeEntropy(), 1e-12);
    assertEquals(0.0, new RingMixture.Coverage(1, new int[] {0, 0, 40, 0, 0, 0, 0, 0}, 1, 40).modeEntropy(), 1e-12);
    assertEquals(0.0, new RingMixture.Coverage(0, new int[8], 0, 40).modeEntropy(), 1e-12);
    assertEquals(1.0 / 3, new RingMixture.Coverage(2, new int[] {10, 10, 0, 0, 0, 0, 0, 0}, 1, 20).modeEntropy(), 1e-12); // log 2 / log 8
  }

  /**
   * docs/math.md's claim (seed 1, 1000 G steps): vanilla's high-quality samples, if any, sit on one mode
   * (entropy < 0.3); the unrolled G's spread over the ring (entropy > 0.6).
   */
  @Test
  void unrolledSpreadsWhereVanillaCollapses() {
    RingGan.Config cfg = RingGan.Config.defaults().withSteps(1000, 0);
    RingGan.Result vanilla = RingGan.train(cfg, RingGan.Method.VANILLA, cpu, null);
    RingGan.Result unrolled = RingGan.train(cfg, RingGan.Method.UNROLLED, cpu, null);
    assertTrue(vanilla.coverage().modeEntropy() < 0.3, "vanilla entropy " + vanilla.coverage().modeEntropy());
    assertTrue(unrolled.coverage().modeEntropy() > 0.6, "unrolled entropy " + unrolled.coverage().modeEntropy());
  }
}
