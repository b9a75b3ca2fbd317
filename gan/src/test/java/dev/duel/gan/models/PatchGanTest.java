package dev.duel.gan.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.Tensor;
import dev.duel.gan.loss.GanLoss;
import dev.duel.gan.loss.GanLosses;
import dev.duel.gan.loss.GradientPenalty;
import dev.duel.gan.loss.R1;
import dev.duel.gan.loss.Regularizer;
import dev.duel.nn.Init;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The PatchGAN: its logit map per size, its receptive field, and the six losses and two penalties on a map. */
class PatchGanTest {
  private static PatchGan d(int channels, int side, String norm) {
    Generator init = new Generator(5);
    PatchGan d = new PatchGan(Devices.cpu(), init, channels, side, side, 4, norm, false);
    Init.dcgan(d, init);
    return d;
  }

  @ParameterizedTest(name = "{0}×{0}, {1} channels: {2} strided layers, {3}×{3} logits")
  @CsvSource({"28, 2, 1, 12", "28, 6, 1, 12", "32, 2, 1, 14", "32, 6, 1, 14", "64, 6, 2, 14", "256, 6, 3, 30"})
  void returnsAMapOfPatchLogits(int side, int channels, int layers, int out) {
    PatchGan d = side == 256 ? new PatchGan(Devices.cpu(), new Generator(5), channels, side, side, 1, "batch", false) : d(channels, side, "batch");
    assertEquals(layers, d.stridedLayers());
    assertEquals(out, PatchGan.outputSide(side, layers));
    try (GradMode off = GradMode.disabled()) {
      Tensor logits = d.score(new Generator(1).uniform(Devices.cpu(), -1f, 1f, 2, channels, side, side), null);
      assertArrayEquals(new int[] {2, 1, out, out}, logits.shape());
    }
  }

  /** R = 16, 34, 70; and for L = 1 the logit at (0, 0) moves exactly when a pixel inside its 16×16 window moves. */
  @Test
  void receptiveFieldIsWhatTheLayersSay() {
    assertEquals(16, PatchGan.receptiveField(1));
    assertEquals(34, PatchGan.receptiveField(2));
    assertEquals(70, PatchGan.receptiveField(3));
    PatchGan d = d(2, 28, "none");
    try (GradMode off = GradMode.disabled()) {
      float[] x = new Generator(2).uniform(Devices.cpu(), -1f, 1f, 1, 2, 28, 28).toArray();
      float base = d.score(Tensor.of(x, 1, 2, 28, 28), null).toArray()[0];
      // Logit (0, 0) reads conv1 outputs −1 … 2, which read conv0 outputs −2 … 4, which read input rows/cols
      // 2·(−2) − 1 … 2·4 + 2 = −5 … 10 (16 of them, the padding included): pixel 10 is inside, 11 outside.
      for (int[] p : new int[][] {{10, 10, 1}, {11, 0, 0}, {0, 11, 0}, {0, 0, 1}}) {
        float[] moved = x.clone();
        moved[p[0] * 28 + p[1]] += 0.5f;
        float v = d.score(Tensor.of(moved, 1, 2, 28, 28), null).toArray()[0];
        assertEquals(p[2] == 1, v != base, "pixel (" + p[0] + ", " + p[1] + ") inside the patch: " + (p[2] == 1));
      }
    }
  }

  /** Every --loss takes N×1×H'×W' maps and gives a finite scalar whose gradient reaches D. */
  @Test
  void everyLossAcceptsAPatchMap() {
    for (String name : GanLosses.NAMES) {
      GanLoss loss = GanLosses.byName(name);
      PatchGan d = d(2, 28, "batch");
      Tensor real = new Generator(3).uniform(Devices.cpu(), -1f, 1f, 4, 2, 28, 28);
      Tensor fake = new Generator(4).uniform(Devices.cpu(), -1f, 1f, 4, 2, 28, 28);
      Tensor ld = loss.discriminatorLoss(d.score(real, null), d.score(fake, null), 1f);
      assertEquals(0, ld.dim(), name + " L_D is a scalar");
      assertTrue(Float.isFinite(ld.item()), name);
      ld.backward();
      assertNotNull(d.namedParameters().get("0.weight").grad(), name + ": L_D reaches D");
      Tensor lg = loss.generatorLoss(d.score(fake, null));
      assertEquals(0, lg.dim());
      assertTrue(Float.isFinite(lg.item()), name);
    }
  }

  /** WGAN-GP's penalty and R1 on pairs, through a layer-normalised PatchGAN (second derivatives through the map). */
  @Test
  void gradientPenaltiesWorkOnAPatchMap() {
    for (Regularizer r : new Regularizer[] {new GradientPenalty(10f), new R1(10f)}) {
      PatchGan d = d(2, 28, "layer");
      Tensor real = new Generator(3).uniform(Devices.cpu(), -1f, 1f, 4, 2, 28, 28);
      Tensor fake = new Generator(4).uniform(Devices.cpu(), -1f, 1f, 4, 2, 28, 28);
      Tensor p = r.penalty(d, real, fake, null, new Generator(9));
      assertEquals(0, p.dim());
      assertTrue(Float.isFinite(p.item()) && p.item() > 0f, r.name() + " = " + p.item());
      p.backward();
      double norm = 0;
      for (float v : d.namedParameters().get("2.weight").grad().toArray()) norm += (double) v * v;
      assertTrue(norm > 0 && Double.isFinite(norm), r.name() + ": the penalty's gradient reaches D's weights");
    }
  }
}
