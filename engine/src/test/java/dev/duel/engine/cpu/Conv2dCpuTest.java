package dev.duel.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.duel.engine.ConvShape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Conv2dCpu} forward, backwardData and backwardFilter, by every internal path (batched, per
 * image, split sums, direct loops) and through the public methods, against float64 direct loops, at odd
 * shapes (stride 1 and 2, padding 0/1/2, R ≠ S, sizes 1, 3, 17, more output channels than one GEMM
 * row block) and at dcgan28's shapes with a small batch. Outputs start as NaN, so a method that does
 * not overwrite every element fails. Fresh random inputs per run; the seed is in every failure message.
 */
class Conv2dCpuTest {
  static final long SEED = Long.getLong("duel.test.seed", System.nanoTime());

  static {
    System.out.println("Conv2dCpuTest seed " + SEED + " (rerun with -Dduel.test.seed=" + SEED + ")");
  }

  private final SplittableRandom rnd = new SplittableRandom(SEED);

  /** ConvShape(n, c, h, w, k, r, s, strideH, strideW, padH, padW). */
  static final ConvShape[] ODD = {
      new ConvShape(1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0),
      new ConvShape(1, 3, 1, 1, 2, 1, 1, 1, 1, 0, 0),
      new ConvShape(2, 3, 5, 7, 4, 3, 2, 1, 1, 0, 0),
      new ConvShape(3, 3, 17, 17, 5, 3, 3, 1, 1, 1, 1),
      new ConvShape(2, 1, 17, 3, 3, 1, 3, 2, 1, 0, 2),
      new ConvShape(1, 17, 9, 11, 33, 4, 2, 2, 2, 2, 1),
      new ConvShape(3, 2, 6, 6, 3, 4, 4, 2, 2, 1, 1),
      new ConvShape(2, 5, 7, 7, 130, 3, 3, 2, 1, 2, 0),
      new ConvShape(2, 2, 3, 3, 3, 3, 3, 1, 1, 2, 2),
      new ConvShape(1, 4, 8, 5, 6, 2, 5, 3, 2, 1, 2),
  };

  /** dcgan28's D conv1 / G's last ConvTranspose2d, and D conv2 / G's first ConvTranspose2d, small batch. */
  static final ConvShape[] DCGAN = {
      new ConvShape(3, 1, 28, 28, 64, 4, 4, 2, 2, 1, 1),
      new ConvShape(2, 64, 14, 14, 128, 4, 4, 2, 2, 1, 1),
  };

  @Test
  void oddShapes() {
    for (ConvShape s : ODD) checkAll(s);
  }

  @Test
  void dcganShapes() {
    for (ConvShape s : DCGAN) checkAll(s);
  }

  /**
   * 4×4 stride-2 shapes for {@link PhaseWinograd} with each tile forced: phase channels C' = 4C not a multiple of the
   * lanes, K not a multiple of the lanes or of a packed panel, padding 0, 1 and 2, odd and unequal sizes, outputs
   * that leave the last tile partly empty, and a batch of one.
   */
  static final ConvShape[] WINOGRAD = {
      new ConvShape(2, 3, 9, 11, 5, 4, 4, 2, 2, 1, 2),
      new ConvShape(1, 5, 14, 14, 33, 4, 4, 2, 2, 1, 1),
      new ConvShape(2, 8, 16, 16, 20, 4, 4, 2, 2, 0, 0),
      new ConvShape(3, 4, 12, 10, 7, 4, 4, 2, 2, 2, 1),
      new ConvShape(2, 9, 30, 30, 40, 4, 4, 2, 2, 1, 1),
  };

  @Test
  void winogradTiles() {
    try {
      for (int tile : new int[] {4, 7}) {
        PhaseWinograd.tileOverride = tile;
        for (ConvShape s : WINOGRAD) checkAll(s);
      }
    } finally {
      PhaseWinograd.tileOverride = 0;
    }
  }

  @Test
  void backwardDataOverSeveralImageChunks() {
    // C·R·S·P·Q = 1024·1024 floats: one image per gcol chunk, three chunks.
    checkAll(new ConvShape(3, 64, 64, 64, 2, 4, 4, 2, 2, 1, 1));
  }

  /**
   * The per-image forms stack images into one GEMM (7×7 outputs: 49 rows leave part of the last row tile idle);
   * 11 images leave a group of one at the end.
   */
  @Test
  void perImageFormsStackImages() {
    assertTrue(Conv2dCpu.imagesPerGemm(11, 49, 49 * 12) >= Math.min(2, 11 / (2 * CpuPool.threads())));
    checkAll(new ConvShape(11, 8, 14, 14, 12, 4, 4, 2, 2, 1, 1));
    checkAll(new ConvShape(9, 3, 9, 9, 5, 3, 3, 2, 2, 1, 1));   // 5×5 outputs: 25 rows
  }

  @Test
  void imagesPerGemmFillsTheLastRowTileWithinItsScratch() {
    int mr = SgemmKernel.ROWS, many = 1 << 20;
    int g = Conv2dCpu.imagesPerGemm(many, 49, 49 * 128);
    assertEquals(0, g * 49 % mr, "49-row images stacked to whole tiles");
    for (int smaller = 1; smaller < g; smaller++) assertTrue(smaller * 49 % mr != 0, "the fewest images that fill the tiles");
    assertEquals(1, Conv2dCpu.imagesPerGemm(many, 64, 64 * 128), "64 rows already fill their tiles");
    assertEquals(2, Conv2dCpu.imagesPerGemm(many, 49, 49 * 1024), "gcol of 49×1024 floats: two images within the scratch");
    assertEquals(1, Conv2dCpu.imagesPerGemm(2, 49, 49 * 128), "a batch too small to give each thread two groups");
  }

  /**
   * Few output pixels for many weights (N·P·Q < 8·K, a U-Net's bottleneck): AUTO takes the batched forward and
   * backwardData, and backwardFilter's GEMM the way round that needs no transpose of gw, even with CRS > K; with
   * many pixels per weight (dcgan28's 64 → 128 layer) the per-image forms and the transposed GEMM stay.
   */
  @Test
  void fewPixelsForManyWeightsTakeTheBatchedForms() {
    assumeTrue(CpuPool.threads() <= 32, "dcgan28's batch of 64 has enough images for at most 32 threads");
    ConvShape bottleneck = new ConvShape(16, 256, 2, 2, 256, 4, 4, 2, 2, 1, 1);
    assertTrue(Conv2dCpu.fewPixels(bottleneck));
    assertEquals(Conv2dCpu.Path.BATCHED, Conv2dCpu.forwardForm(bottleneck));
    assertEquals(Conv2dCpu.Path.BATCHED, Conv2dCpu.backwardDataForm(bottleneck));
    assertFalse(Conv2dCpu.filterTransposed(16, 256 * 16, 256), "N·P·Q = 16 against CRS = 4096, K = 256");
    ConvShape dcgan = new ConvShape(64, 64, 14, 14, 128, 4, 4, 2, 2, 1, 1);
    assertFalse(Conv2dCpu.fewPixels(dcgan));
    assertEquals(Conv2dCpu.Path.PER_IMAGE, Conv2dCpu.forwardForm(dcgan));
    assertEquals(Conv2dCpu.Path.PER_IMAGE, Conv2dCpu.backwardDataForm(dcgan));
    assertTrue(Conv2dCpu.filterTransposed(64 * 49, 64 * 16, 128));
    // The new choices' numbers: CRS = 256 > K = 8 with N·P·Q = 4 (gw straight, no transpose), and N·P·Q = 20 < 8·K.
    ConvShape straight = new ConvShape(4, 16, 2, 2, 8, 4, 4, 2, 2, 1, 1);
    assertFalse(Conv2dCpu.filterTransposed(4, 256, 8));
    checkAll(straight);
    checkAll(new ConvShape(5, 32, 4, 4, 16, 4, 4, 2, 2, 1, 1));
  }

  @Test
  void backwardFilterWithTheSumSplitOverThreads() {
    // N·P·Q = 2156: the sum is split into partial products; K·C·R·S = 8·16 is a single tile.
    checkAll(new ConvShape(11, 1, 28, 28, 8, 4, 4, 2, 2, 1, 1));
    checkAll(new ConvShape(16, 17, 9, 9, 5, 3, 3, 1, 1, 1, 1)); // N·P·Q = 1296, C·R·S = 153 > K
  }

  /**
   * Few output channels, where AUTO takes the direct loops: pix2pix's PatchGAN logit layer (64 → 1, 4×4,
   * stride 1, padding 1, on 13×13), and K = 2, 4 with stride 2 and uneven padding.
   */
  @Test
  void fewOutputChannelsTakeTheDirectLoops() {
    checkAll(new ConvShape(3, 64, 13, 13, 1, 4, 4, 1, 1, 1, 1));
    checkAll(new ConvShape(2, 5, 9, 7, 2, 3, 4, 2, 2, 1, 2));
    checkAll(new ConvShape(2, 3, 6, 11, Conv2dCpu.DIRECT_MAX_K, 4, 4, 1, 2, 0, 1));
    // DirectConv's edges at stride 1: images shorter than a vector (the last several read from a copy), rows wider
    // than a vector (column blocks and a tail), fewer than 8 output rows, a tap count that is not a multiple of 8.
    checkAll(new ConvShape(5, 1, 2, 2, 1, 2, 2, 1, 1, 0, 0));
    checkAll(new ConvShape(2, 3, 20, 37, 2, 4, 4, 1, 1, 1, 1));
    checkAll(new ConvShape(3, 4, 6, 9, 3, 3, 3, 1, 1, 1, 1));
  }

  @Test
  void emptyBatch() {
    ConvShape s = new ConvShape(0, 2, 5, 5, 3, 3, 3, 1, 1, 1, 1);
    float[] gw = new float[3 * 2 * 9];
    Arrays.fill(gw, Float.NaN);
    Conv2dCpu.backwardFilter(s, new float[0], new float[0], gw);
    for (float v : gw) assertTrue(v == 0f, "gw of an empty batch must be 0");
    Conv2dCpu.forward(s, new float[0], new float[54], new float[0]);
    Conv2dCpu.backwardData(s, new float[0], new float[54], new float[0]);
  }

  @Test
  void tooSmallArraysNameTheTensor() {
    ConvShape s = new ConvShape(2, 3, 5, 5, 4, 3, 3, 1, 1, 1, 1);
    var e = assertThrows(IllegalArgumentException.class,
        () -> Conv2dCpu.forward(s, new float[2 * 3 * 25], new float[4 * 27], new float[10]));
    assertTrue(e.getMessage().contains("y must hold"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Conv2dCpu.backwardFilter(s, new float[2 * 3 * 25], new float[2 * 4 * 25], new float[5]));
    assertTrue(e.getMessage().contains("gw must hold"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Conv2dCpu.forward(s, new float[2 * 3 * 25], new float[4 * 27], new float[3], new float[2 * 4 * 25]));
    assertTrue(e.getMessage().contains("bias must hold 4"), e.getMessage());
  }

  // ---- the float64 reference and the comparison -------------------------------------------------

  private void checkAll(ConvShape s) {
    int n = s.n(), c = s.c(), h = s.h(), w = s.w(), k = s.k(), r = s.r(), t = s.s(), p = s.p(), q = s.q();
    float[] x = random(n * c * h * w), wt = random(k * c * r * t), gy = random(n * k * p * q);
    double[] yRef = new double[n * k * p * q], yMag = new double[yRef.length];
    double[] gxRef = new double[x.length], gxMag = new double[x.length];
    double[] gwRef = new double[wt.length], gwMag = new double[wt.length];
    int[] gxTerms = new int[x.length];
    for (int in = 0; in < n; in++)
      for (int ik = 0; ik < k; ik++)
        for (int ip = 0; ip < p; ip++)
          for (int iq = 0; iq < q; iq++) {
            int yi = ((in * k + ik) * p + ip) * q + iq;
            for (int ic = 0; ic < c; ic++)
              for (int ir = 0; ir < r; ir++)
                for (int is = 0; is < t; is++) {
                  int ih = ip * s.strideH() + ir - s.padH(), iw = iq * s.strideW() + is - s.padW();
                  if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                  int xi = ((in * c + ic) * h + ih) * w + iw, wi = ((ik * c + ic) * r + ir) * t + is;
                  double fy = (double) x[xi] * wt[wi], fx = (double) gy[yi] * wt[wi], fw = (double) gy[yi] * x[xi];
                  yRef[yi] += fy;
                  yMag[yi] += Math.abs(fy);
                  gxRef[xi] += fx;
                  gxMag[xi] += Math.abs(fx);
                  gxTerms[xi]++;
                  gwRef[wi] += fw;
                  gwMag[wi] += Math.abs(fw);
                }
          }
    for (Conv2dCpu.Path path : Conv2dCpu.Path.values()) {
      float[] y = nans(yRef.length), gx = nans(x.length), gw = nans(wt.length);
      Conv2dCpu.forward(s, x, wt, y, path);
      Conv2dCpu.backwardData(s, gy, wt, gx, path);
      Conv2dCpu.backwardFilter(s, x, gy, gw, path);
      boolean winogradY = path == Conv2dCpu.Path.WINOGRAD ? PhaseWinograd.eligible(s)
          : path == Conv2dCpu.Path.AUTO && Conv2dCpu.winogradForward(s);
      boolean winogradGw = path == Conv2dCpu.Path.WINOGRAD ? PhaseWinograd.eligible(s)
          : path == Conv2dCpu.Path.AUTO && Conv2dCpu.winogradFilter(s);
      compare(s, path + " forward y", y, yRef, yMag, c * r * t, winogradY ? p * q : 0);
      compare(s, path + " backwardData gx", gx, gxRef, gxMag, k * r * t);
      compare(s, path + " backwardFilter gw", gw, gwRef, gwMag, n * p * q, winogradGw ? r * t : 0);
      // With a bias fused into the output's write: the same sums plus bias[channel], bit for bit.
      float[] bk = random(k), bc = random(c), yb = nans(y.length), gxb = nans(gx.length);
      Conv2dCpu.forward(s, x, wt, bk, yb, path);
      Conv2dCpu.backwardData(s, gy, wt, bc, gxb, path);
      assertPlusBias(s, path + " forward y + bias", y, bk, p * q, yb);
      assertPlusBias(s, path + " backwardData gx + bias", gx, bc, h * w, gxb);
      // And the activation applied as the output is written: leaky_relu(y + bias), bit for bit.
      float[] ya = nans(y.length);
      Conv2dCpu.forward(s, x, wt, bk, dev.duel.engine.UnaryOp.LEAKY_RELU, 0.2f, ya, path);
      for (int e = 0; e < ya.length; e++) {
        float want = yb[e] > 0f ? yb[e] : 0.2f * yb[e];
        if (Float.floatToIntBits(want) != Float.floatToIntBits(ya[e])) {
          fail("seed " + SEED + ": " + s + " " + path + " leaky_relu(y + bias)[" + e + "] = " + ya[e] + ", want " + want);
        }
      }
    }
    float[] y = nans(yRef.length), gx = nans(x.length), gw = nans(wt.length);
    Conv2dCpu.forward(s, x, wt, y);
    Conv2dCpu.backwardData(s, gy, wt, gx);
    Conv2dCpu.backwardFilter(s, x, gy, gw);
    compare(s, "public forward y", y, yRef, yMag, c * r * t, Conv2dCpu.winogradForward(s) ? p * q : 0);
    compare(s, "public backwardData gx", gx, gxRef, gxMag, k * r * t);
    compare(s, "public backwardFilter gw", gw, gwRef, gwMag, n * p * q, Conv2dCpu.winogradFilter(s) ? r * t : 0);
  }

  /** got[e] = plain[e] + bias[channel of e] exactly, for an N×C×plane tensor. */
  private static void assertPlusBias(ConvShape s, String what, float[] plain, float[] bias, int plane, float[] got) {
    for (int e = 0; e < plain.length; e++) {
      float want = plain[e] + bias[e / plane % bias.length];
      if (Float.floatToIntBits(want) != Float.floatToIntBits(got[e])) {
        fail("seed " + SEED + ": " + s + " " + what + "[" + e + "] = " + got[e] + ", want " + want);
      }
    }
  }

  /** |got − ref| ≤ 2·eps·sqrt(terms + 1)·Σ|term| for every element; NaN fails. */
  private static void compare(ConvShape s, String what, float[] got, double[] ref, double[] mag, int terms) {
    compare(s, what, got, ref, mag, terms, 0);
  }

  /**
   * With winogradPlane > 0 the output came from {@link PhaseWinograd}, whose transforms mix each tile's values before
   * and after the sums: its rounding error is bounded by the tile's largest magnitudes, not by each element's own,
   * times the transforms' growth (Lavin and Gray 2016; ~10⁻⁵ of the largest output for F(7, 2) in float32). So the
   * tolerance takes the largest magnitude of the element's plane (winogradPlane elements, a superset of its tile)
   * and 32 times the direct paths' factor (8 was exceeded by F(7, 2) with C = 1 in a run of this test).
   */
  private static void compare(ConvShape s, String what, float[] got, double[] ref, double[] mag, int terms,
                              int winogradPlane) {
    double eps = Math.ulp(1f);
    for (int i = 0; i < ref.length; i++) {
      double scale = mag[i];
      if (winogradPlane > 0) {
        int plane0 = i / winogradPlane * winogradPlane;
        for (int e = plane0; e < plane0 + winogradPlane; e++) scale = Math.max(scale, 32 * mag[e]);
      }
      double tol = 2 * eps * Math.sqrt(terms + 1) * scale + 1e-30;
      if (!(Math.abs(got[i] - ref[i]) <= tol)) {
        fail("seed " + SEED + ": " + s + " " + what + "[" + i + "] = " + got[i] + ", float64 reference " + ref[i]
            + ", tolerance " + tol);
      }
    }
  }

  private float[] random(int size) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) v[i] = (float) (rnd.nextDouble() * 2 - 1);
    return v;
  }

  private static float[] nans(int size) {
    float[] v = new float[size];
    Arrays.fill(v, Float.NaN);
    return v;
  }
}
