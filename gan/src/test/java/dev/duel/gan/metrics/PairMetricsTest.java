package dev.duel.gan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** L1, PSNR and SSIM against hand-worked values, a direct float64 SSIM, and numpy's numbers. */
class PairMetricsTest {

  @Test
  void l1IsTheMeanAbsoluteErrorOnTheUnitScale() {
    // [0, 1] values: x = 0, 0.5, 1, 0.75; y = 1, 0.5, 0.5, 0.75 → |d| = 1, 0, 0.5, 0 → 0.375
    assertEquals(0.375, PairMetrics.l1(new float[] {-1, 0, 1, 0.5f}, new float[] {1, 0, 0, 0.5f}), 1e-15);
  }

  @Test
  void psnrIsPerImageAndIdenticalImagesCountAsOneHundredDecibels() {
    // image 0: every pixel 0 vs 0.5 on [0, 1] → MSE 0.25 → 10·log10(4) = 6.0206 dB; image 1: identical → 100 dB
    float[] x = {-1, -1, -1, -1, 0.3f, 0.3f, 0.3f, 0.3f};
    float[] y = {0, 0, 0, 0, 0.3f, 0.3f, 0.3f, 0.3f};
    assertEquals((10 * Math.log10(4) + 100) / 2, PairMetrics.psnr(x, y, 2), 1e-12);
    assertEquals(10 * Math.log10(4), PairMetrics.psnr(Arrays.copyOf(x, 4), Arrays.copyOf(y, 4), 1), 1e-12);
  }

  @Test
  void ssimOfConstantImagesIsTheLuminanceTerm() {
    // every window has σ = 0, so SSIM = (2ab + C1) / (a² + b² + C1) with a = 0.25, b = 0.75, C1 = 1e−4:
    // (0.375 + 0.0001) / (0.625 + 0.0001) = 0.3751 / 0.6251
    float[] x = new float[13 * 12], y = new float[13 * 12];
    Arrays.fill(x, -0.5f);
    Arrays.fill(y, 0.5f);
    assertEquals(0.3751 / 0.6251, PairMetrics.ssim(x, y, 1, 1, 13, 12), 1e-12);
    assertEquals(1.0, PairMetrics.ssim(x, x, 1, 1, 13, 12), 1e-12);
  }

  @Test
  void ssimOfAnImageAndItsNegativeIsNegative() {
    // an 11×11 checkerboard of 0.75 / 0.25 (one window) and y = 1 − x: μ_y = 1 − μ_x, σ_y² = σ_x² = σ², σ_xy = −σ²
    float[] x = new float[11 * 11], y = new float[11 * 11];
    for (int i = 0; i < x.length; i++) { x[i] = (i % 2 == 0) ? 0.5f : -0.5f; y[i] = -x[i]; }
    double[] g = PairMetrics.gaussian();
    double s2 = 0, mean = 0;  // the window's weighted mean and variance of the checkerboard
    for (int i = 0; i < 11; i++) for (int j = 0; j < 11; j++) mean += g[i] * g[j] * ((((i * 11 + j) % 2) == 0) ? 0.75 : 0.25);
    for (int i = 0; i < 11; i++) for (int j = 0; j < 11; j++) {
      double v = ((((i * 11 + j) % 2) == 0) ? 0.75 : 0.25) - mean;
      s2 += g[i] * g[j] * v * v;
    }
    double mu = mean, muY = 1 - mean, c1 = 1e-4, c2 = 9e-4;
    double expected = ((2 * mu * muY + c1) * (-2 * s2 + c2)) / ((mu * mu + muY * muY + c1) * (2 * s2 + c2));
    assertEquals(expected, PairMetrics.ssim(x, y, 1, 1, 11, 11), 1e-12);
    assertTrue(expected < -0.9, "an image and its negative score near −1: " + expected);
  }

  /** SSIM straight from its definition: each 11×11 window's weighted moments, no separable filtering. */
  static double directSsim(float[] x, float[] y, int h, int w) {
    double[] g = PairMetrics.gaussian();
    double sum = 0;
    for (int i = 0; i + 11 <= h; i++)
      for (int j = 0; j + 11 <= w; j++) {
        double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
        for (int u = 0; u < 11; u++)
          for (int v = 0; v < 11; v++) {
            double wt = g[u] * g[v], a = (x[(i + u) * w + j + v] + 1.0) / 2, b = (y[(i + u) * w + j + v] + 1.0) / 2;
            mx += wt * a; my += wt * b; xx += wt * a * a; yy += wt * b * b; xy += wt * a * b;
          }
        double vx = xx - mx * mx, vy = yy - my * my, cxy = xy - mx * my;
        sum += ((2 * mx * my + 1e-4) * (2 * cxy + 9e-4)) / ((mx * mx + my * my + 1e-4) * (vx + vy + 9e-4));
      }
    return sum / ((h - 10) * (w - 10));
  }

  @Test
  void ssimAgreesWithTheDirectDefinitionOn28x28AndOddSizes() {
    SplittableRandom r = new SplittableRandom(7);
    for (int[] hw : new int[][] {{28, 28}, {11, 11}, {12, 29}, {32, 32}}) {
      int h = hw[0], w = hw[1];
      float[] x = new float[h * w], y = new float[h * w];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (r.nextDouble() * 2 - 1);
        y[i] = (float) Math.max(-1, Math.min(1, x[i] + r.nextGaussian() * 0.3));
      }
      assertEquals(directSsim(x, y, h, w), PairMetrics.ssim(x, y, 1, 1, h, w), 1e-12, h + "×" + w);
    }
  }

  static float[] pattern(int count, int a, int b, int m) {
    float[] v = new float[count];
    for (int i = 0; i < count; i++) v[i] = (float) (((long) i * a + b) % m / (m - 1.0) * 2.0 - 1.0);
    return v;
  }

  /** The numbers of gan/src/test/python/pair_metrics_reference.py (numpy, float64, a 2-D sliding window), run once. */
  @Test
  void matchesTheNumpyReference() {
    check(2, 1, 28, 28, 0.168029048859483, 13.733154949350428, 0.650855081924789);
    check(1, 3, 13, 17, 0.168092894728884, 13.723878343757377, 0.654714055356729);
  }

  static void check(int n, int c, int h, int w, double l1, double psnr, double ssim) {
    int count = n * c * h * w;
    float[] x = pattern(count, 37, 11, 256), y0 = pattern(count, 53, 7, 97), y = new float[count];
    for (int i = 0; i < count; i++) y[i] = 0.5f * x[i] + 0.5f * y0[i];
    PairMetrics.Scores s = PairMetrics.of(x, y, n, c, h, w);
    assertEquals(l1, s.l1(), 1e-12);
    assertEquals(psnr, s.psnr(), 1e-10);
    assertEquals(ssim, s.ssim(), 1e-12);
    assertEquals(n, s.count());
  }

  @Test
  void imagesSmallerThanTheWindowAndMismatchedSizesAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PairMetrics.of(new float[100], new float[100], 1, 1, 10, 10));
    assertTrue(e.getMessage().contains("at least 11×11"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PairMetrics.of(new float[121], new float[120], 1, 1, 11, 11));
  }
}
