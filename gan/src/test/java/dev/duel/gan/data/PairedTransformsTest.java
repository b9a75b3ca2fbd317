package dev.duel.gan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PairedTransformsTest {
  /** A 1×1×4×5 image: −1 in columns 0..2, +1 in columns 3..4 (a vertical step between x = 2 and 3). */
  static float[] step() {
    float[] a = new float[20];
    for (int y = 0; y < 4; y++) for (int x = 0; x < 5; x++) a[y * 5 + x] = x < 3 ? -1f : 1f;
    return a;
  }

  @Test
  void edgesDrawTheSobelOutline() {
    // Gray g = 0 left, 1 right; Gx at x = 2 and x = 3 is (1 − 0)·(1 + 2 + 1) = 4, elsewhere 0; Gy = 0.
    PairedTransforms.Pair p = PairedTransforms.edges(step(), 1, 1, 4, 5, 0.5f);
    assertEquals(1, p.inputChannels());
    float[] want = new float[20];
    for (int y = 0; y < 4; y++) for (int x = 0; x < 5; x++) want[y * 5 + x] = x == 2 || x == 3 ? -1f : 1f;
    assertArrayEquals(want, p.input());
    assertArrayEquals(want, PairedTransforms.edges(step(), 1, 1, 4, 5, 3.99f).input());
    float[] none = new float[20];
    Arrays.fill(none, 1f);
    assertArrayEquals(none, PairedTransforms.edges(step(), 1, 1, 4, 5, 4.01f).input(), "m = 4 is not above 4.01");
    assertArrayEquals(none, PairedTransforms.edges(step(), 1, 1, 4, 5, 4f).input(), "a line needs m strictly above the threshold");

    // RGB: the same step in every channel has luma equal to the step, so the same sketch.
    float[] rgb = new float[60];
    for (int ch = 0; ch < 3; ch++) System.arraycopy(step(), 0, rgb, ch * 20, 20);
    PairedTransforms.Pair q = PairedTransforms.edges(rgb, 1, 3, 4, 5, 0.5f);
    assertArrayEquals(want, q.input());
    assertSame(rgb, q.target());
    assertThrows(IllegalArgumentException.class, () -> PairedTransforms.edges(new float[40], 1, 2, 4, 5, 0.5f));
  }

  @Test
  void inpaintCutsOneSquarePerImage() {
    int n = 3, c = 2, h = 7, w = 9;
    float[] x = new float[n * c * h * w];
    Arrays.fill(x, 0.5f);
    PairedTransforms.Pair p = PairedTransforms.inpaint(x, n, c, h, w, 3, new SplitMix64(5));
    assertEquals(0.5f, x[0], "the input is not modified");
    for (int i = 0; i < n; i++) {
      int minY = h, maxY = -1, minX = w, maxX = -1, holes = 0;
      for (int y = 0; y < h; y++)
        for (int xx = 0; xx < w; xx++) {
          float a = p.input()[((i * c) * h + y) * w + xx], b = p.input()[((i * c + 1) * h + y) * w + xx];
          assertEquals(a, b, "every channel has the same hole");
          if (a == 0f) { holes++; minY = Math.min(minY, y); maxY = Math.max(maxY, y); minX = Math.min(minX, xx); maxX = Math.max(maxX, xx); }
        }
      assertEquals(9, holes);
      assertEquals(2, maxY - minY);
      assertEquals(2, maxX - minX);
    }
    assertArrayEquals(p.input(), PairedTransforms.inpaint(x, n, c, h, w, 3, new SplitMix64(5)).input(), "same seed, same holes");
    assertFalse(Arrays.equals(p.input(), PairedTransforms.inpaint(x, n, c, h, w, 3, new SplitMix64(6)).input()));
    float[] all = PairedTransforms.inpaint(x, n, c, h, w, 50, new SplitMix64(1)).input();
    for (float v : all) assertEquals(0f, v, "a hole larger than the image covers it");
  }

  @Test
  void superResolutionAveragesBlocksThenRepeats() {
    // 1×1×3×3: blocks {0,1,3,4}, {2,5}, {6,7}, {8}.
    float[] x = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f};
    float[] in = PairedTransforms.superResolution(x, 1, 1, 3, 3).input();
    float a = (0.1f + 0.2f + 0.4f + 0.5f) / 4, b = (0.3f + 0.6f) / 2, c = (0.7f + 0.8f) / 2, d = 0.9f;
    assertArrayEquals(new float[] {a, a, b, a, a, b, c, c, d}, in, 1e-6f);
    float[] one = PairedTransforms.superResolution(new float[] {0.25f}, 1, 1, 1, 1).input();
    assertArrayEquals(new float[] {0.25f}, one);
  }

  @Test
  void denoiseAddsGaussianNoiseOfTheGivenSigma() {
    int n = 40000;
    float[] zero = new float[n];
    assertArrayEquals(zero, PairedTransforms.denoise(zero, 1, 1, 200, 200, 0f, new SplitMix64(3)).input());
    float[] in = PairedTransforms.denoise(zero, 1, 1, 200, 200, 0.1f, new SplitMix64(3)).input();
    double mean = 0, sq = 0;
    for (float v : in) { mean += v; sq += v * v; }
    mean /= n;
    double sd = Math.sqrt(sq / n - mean * mean);
    assertEquals(0, mean, 0.003, "mean within 6 standard errors");
    assertEquals(0.1, sd, 0.003);
    float[] ones = new float[n];
    Arrays.fill(ones, 1f);
    for (float v : PairedTransforms.denoise(ones, 1, 1, 200, 200, 0.5f, new SplitMix64(3)).input()) assertTrue(v >= -1f && v <= 1f);
    assertThrows(IllegalArgumentException.class, () -> PairedTransforms.denoise(zero, 1, 1, 200, 200, Float.NaN, new SplitMix64(3)));
  }
}
