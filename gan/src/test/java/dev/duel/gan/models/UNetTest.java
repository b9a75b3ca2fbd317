package dev.duel.gan.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.Tensor;
import dev.duel.nn.Dropout;
import dev.duel.nn.Init;
import dev.duel.nn.Module;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** pix2pix's U-Net: shapes and depth per size, state names, dropout placement, and that every skip is wired. */
class UNetTest {
  private static UNet unet(int cin, int cout, int h, int w, int width, Generator dropout) {
    Generator init = new Generator(7);
    UNet g = new UNet(Devices.cpu(), init, dropout, cin, cout, h, w, width);
    Init.dcgan(g, init);
    return g;
  }

  private static Tensor input(int n, int c, int h, int w) {
    return new Generator(11).uniform(Devices.cpu(), -1f, 1f, n, c, h, w);
  }

  @ParameterizedTest(name = "{0}→{1} channels, {2}×{3}: depth {4}, padded to {5}")
  @CsvSource({"1, 1, 28, 28, 5, 32", "3, 3, 28, 28, 5, 32", "1, 3, 28, 28, 5, 32", "1, 1, 32, 32, 5, 32", "3, 3, 32, 32, 5, 32",
      "3, 3, 64, 64, 6, 64", "1, 1, 20, 28, 5, 32", "3, 3, 8, 8, 3, 8"})
  void outputHasTheInputsSizeAndTheTargetsChannels(int cin, int cout, int h, int w, int depth, int side) {
    UNet g = unet(cin, cout, h, w, 4, new Generator(3));
    assertEquals(depth, g.depth());
    assertEquals(side, g.paddedSide());
    try (GradMode off = GradMode.disabled()) {
      Tensor y = g.forward(input(2, cin, h, w));
      assertArrayEquals(new int[] {2, cout, h, w}, y.shape());
      for (float v : y.toArray()) assertTrue(v > -1f && v < 1f, "tanh output " + v);
    }
  }

  /** The paper's unet_256: 8 levels, encoder channels 64·(1, 2, 4, 8, 8, 8, 8, 8) at width 64 (built at width 2 here). */
  @Test
  void twoFiftySixIsTheEightLevelUNet() {
    UNet g = unet(3, 3, 256, 256, 2, null);
    assertEquals(8, g.depth());
    Map<String, Tensor> p = g.namedParameters();
    int[] expected = {1, 2, 4, 8, 8, 8, 8, 8};
    for (int i = 0; i < 8; i++) assertEquals(2 * expected[i], p.get("down." + i + ".conv.weight").size(0), "down." + i + " channels");
    assertEquals(2 * 4, p.get("up.1.conv.weight").size(0), "up.1 takes [d_2, e_1]: 2·c_1 = 2·(2·2) channels");
    assertEquals(3, p.get("up.0.conv.weight").size(1), "up.0 makes C_out channels");
  }

  @Test
  void stateNamesArePyTorchStyleAndOnlyTheOuterConvsHaveBiases() {
    UNet g = unet(1, 1, 28, 28, 4, new Generator(3));
    Map<String, Tensor> s = g.stateDict();
    for (String k : new String[] {"down.0.conv.weight", "down.0.conv.bias", "down.1.conv.weight", "down.1.norm.weight",
        "down.1.norm.running_mean", "down.4.conv.weight", "up.4.conv.weight", "up.4.norm.running_var", "up.0.conv.weight", "up.0.conv.bias"}) {
      assertTrue(s.containsKey(k), k + " in " + s.keySet());
    }
    for (String k : new String[] {"down.1.conv.bias", "down.4.norm.weight", "up.1.conv.bias", "up.0.norm.weight"}) {
      assertFalse(s.containsKey(k), k + " should not exist");
    }
  }

  /** Dropout sits in the decoder blocks whose output is at most 8×8 (32×32: up.2, up.3, up.4), only in training. */
  @Test
  void dropoutIsTheInnermostDecoderBlocksNoise() {
    UNet g = unet(1, 1, 32, 32, 4, new Generator(3));
    Map<String, Module> up = g.children().get("up").children();
    for (int i = 0; i < 5; i++) {
      boolean has = up.get(Integer.toString(i)).children().get("dropout") instanceof Dropout;
      assertEquals(i >= 2, has, "up." + i + " dropout");
    }
    try (GradMode off = GradMode.disabled()) {
      Tensor x = input(2, 1, 32, 32);
      assertFalse(java.util.Arrays.equals(g.forward(x).toArray(), g.forward(x).toArray()), "training: two draws of the noise differ");
      g.eval();
      assertArrayEquals(g.forward(x).toArray(), g.forward(x).toArray(), "eval: deterministic");
    }
  }

  /**
   * Zeroing encoder block i's skip changes G(x), for every i: the decoder reads every skip. In training
   * mode (batch statistics; built without dropout, so deterministic): at initialisation the running
   * statistics are (0, 1) and the N(0, 0.02) weights shrink each level's signal, so in eval mode the deep
   * skips' share of the output is ~1e-6, real but below a meaningful threshold.
   */
  @ParameterizedTest(name = "{0}×{0}")
  @CsvSource({"28", "32", "64"})
  void everySkipReachesTheOutput(int side) {
    UNet g = unet(1, 1, side, side, 4, null);
    try (GradMode off = GradMode.disabled()) {
      Tensor x = input(2, 1, side, side);
      float[] full = g.forward(x).toArray();
      for (int i = 0; i < g.depth() - 1; i++) {
        float[] cut = g.forwardWithSkips(x, i).toArray();
        double diff = 0;
        for (int k = 0; k < full.length; k++) diff = Math.max(diff, Math.abs(full[k] - cut[k]));
        assertTrue(diff > 1e-3, "cutting skip " + i + " changed G(x) by only " + diff);
      }
    }
  }

  /** A gradient of a loss on G(x) reaches the weights of every encoder block. */
  @Test
  void aGradientReachesEveryEncoderBlock() {
    UNet g = unet(1, 1, 28, 28, 4, null);
    Tensor y = g.forward(input(4, 1, 28, 28));
    y.square().mean().backward();
    for (Map.Entry<String, Tensor> e : g.namedParameters().entrySet()) {
      if (!e.getKey().startsWith("down.") || !e.getKey().endsWith("conv.weight")) continue;
      Tensor grad = e.getValue().grad();
      double norm = 0;
      for (float v : grad.toArray()) norm += (double) v * v;
      assertTrue(norm > 0 && Double.isFinite(norm), e.getKey() + " gets no gradient (norm² " + norm + ")");
    }
  }

  @Test
  void refusesSizesItCannotPadAndWrongInputs() {
    assertThrows(IllegalArgumentException.class, () -> unet(1, 1, 4, 4, 4, null));
    assertThrows(IllegalArgumentException.class, () -> unet(1, 1, 2048, 2048, 4, null));
    UNet g = unet(1, 1, 28, 28, 4, null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.forward(input(1, 3, 28, 28)));
    assertTrue(e.getMessage().contains("N×1×28×28"), e.getMessage());
  }
}
