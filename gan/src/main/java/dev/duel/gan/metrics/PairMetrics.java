package dev.duel.gan.metrics;

/**
 * Full-reference image metrics of image-to-image models: each output x compared with its target y.
 *
 * <p>Inputs are N×C×H×W floats in [−1, 1], the range of a Tanh generator and of {@code ImageDataset}; every
 * metric first maps a pixel to v = (x + 1) / 2 ∈ [0, 1] (values outside are not clipped), so the data
 * range is L = 1. All sums run in double.
 *
 * <ul>
 *   <li><b>L1</b> = mean over all N·C·H·W pixels of |v_x − v_y| (half of the L1 loss measured in [−1, 1]).</li>
 *   <li><b>PSNR</b> = mean over images of 10·log10(L² / MSE_i), MSE_i the mean squared error of image i
 *       over its C·H·W pixels; an MSE below 1e−10 counts as 1e−10 (100 dB), so identical images give
 *       a finite value.</li>
 *   <li><b>SSIM</b> (Wang, Bovik, Sheikh, Simoncelli 2004): over an 11×11 Gaussian window of σ = 1.5
 *       (weights w normalised to sum 1), with μ_x = Σ w·x, σ_x² = Σ w·x² − μ_x², σ_xy = Σ w·x·y − μ_x·μ_y,
 *       SSIM = ((2 μ_x μ_y + C1)(2 σ_xy + C2)) / ((μ_x² + μ_y² + C1)(σ_x² + σ_y² + C2)), C1 = (0.01 L)²,
 *       C2 = (0.03 L)². Borders: only windows that lie wholly inside the image count ("valid"), as in
 *       Wang's ssim_index.m and scikit-image's crop of (11 − 1)/2 = 5 pixels: a 28×28 image gives an
 *       18×18 map. The score is the map's mean, averaged over channels and then images. Images smaller
 *       than 11×11 are refused.</li>
 * </ul>
 */
public final class PairMetrics {
  public static final int WINDOW = 11;
  public static final double SIGMA = 1.5, K1 = 0.01, K2 = 0.03, MIN_MSE = 1e-10;

  /** The scores of one set of pairs. */
  public record Scores(double l1, double psnr, double ssim, int count) {}

  private PairMetrics() {}

  /** L1, PSNR and SSIM of n outputs against their targets, both n×c×h×w in [−1, 1]. */
  public static Scores of(float[] outputs, float[] targets, int n, int c, int h, int w) {
    check(outputs, targets, n, c, h, w);
    return new Scores(l1(outputs, targets), psnr(outputs, targets, n), ssim(outputs, targets, n, c, h, w), n);
  }

  /** Mean |v_x − v_y| over every pixel, v = (x + 1)/2. */
  public static double l1(float[] x, float[] y) {
    if (x.length != y.length || x.length == 0) throw new IllegalArgumentException("L1 of " + x.length + " and " + y.length + " pixels");
    double s = 0;
    for (int i = 0; i < x.length; i++) s += Math.abs((double) x[i] - y[i]);
    return s / 2 / x.length;
  }

  /** Mean over the n images of 10·log10(1 / max(MSE_i, 1e−10)) on the [0, 1] scale. */
  public static double psnr(float[] x, float[] y, int n) {
    if (x.length != y.length || n < 1 || x.length % n != 0) throw new IllegalArgumentException("PSNR of " + x.length + " and " + y.length + " pixels in " + n + " images");
    int per = x.length / n;
    double total = 0;
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int k = i * per; k < (i + 1) * per; k++) {
        double d = ((double) x[k] - y[k]) / 2;
        s += d * d;
      }
      total += 10 * Math.log10(1 / Math.max(s / per, MIN_MSE));
    }
    return total / n;
  }

  /** Mean SSIM over the n images (each the mean over its c channels of its valid SSIM map's mean). */
  public static double ssim(float[] x, float[] y, int n, int c, int h, int w) {
    check(x, y, n, c, h, w);
    double[] g = gaussian();
    int hw = h * w;
    double[] a = new double[hw], b = new double[hw];
    double total = 0;
    for (int p = 0; p < n * c; p++) {
      for (int k = 0; k < hw; k++) {
        a[k] = ((double) x[p * hw + k] + 1) / 2;
        b[k] = ((double) y[p * hw + k] + 1) / 2;
      }
      total += ssimPlane(a, b, h, w, g);
    }
    return total / (n * c);
  }

  /** The mean of the valid SSIM map of two h×w planes in [0, 1]. */
  static double ssimPlane(double[] a, double[] b, int h, int w, double[] g) {
    int oh = h - WINDOW + 1, ow = w - WINDOW + 1;
    double[] aa = new double[h * w], bb = new double[h * w], ab = new double[h * w];
    for (int k = 0; k < h * w; k++) {
      aa[k] = a[k] * a[k];
      bb[k] = b[k] * b[k];
      ab[k] = a[k] * b[k];
    }
    double[] ma = blur(a, h, w, g), mb = blur(b, h, w, g), saa = blur(aa, h, w, g), sbb = blur(bb, h, w, g), sab = blur(ab, h, w, g);
    double c1 = K1 * K1, c2 = K2 * K2, sum = 0;
    for (int k = 0; k < oh * ow; k++) {
      double mx = ma[k], my = mb[k];
      double vx = saa[k] - mx * mx, vy = sbb[k] - my * my, cov = sab[k] - mx * my;
      sum += ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
    }
    return sum / (oh * ow);
  }

  /** The valid Gaussian filtering of an h×w plane: (h − 10)×(w − 10), rows then columns (the window is separable). */
  private static double[] blur(double[] v, int h, int w, double[] g) {
    int ow = w - WINDOW + 1, oh = h - WINDOW + 1;
    double[] rows = new double[h * ow];
    for (int y = 0; y < h; y++)
      for (int x = 0; x < ow; x++) {
        double s = 0;
        for (int k = 0; k < WINDOW; k++) s += g[k] * v[y * w + x + k];
        rows[y * ow + x] = s;
      }
    double[] out = new double[oh * ow];
    for (int y = 0; y < oh; y++)
      for (int x = 0; x < ow; x++) {
        double s = 0;
        for (int k = 0; k < WINDOW; k++) s += g[k] * rows[(y + k) * ow + x];
        out[y * ow + x] = s;
      }
    return out;
  }

  /** The 1-D Gaussian g_k ∝ exp(−(k − 5)² / (2σ²)), k = 0..10, summing to 1; the 2-D window is g_i·g_j. */
  static double[] gaussian() {
    double[] g = new double[WINDOW];
    double s = 0;
    for (int k = 0; k < WINDOW; k++) {
      double d = k - (WINDOW - 1) / 2.0;
      g[k] = Math.exp(-d * d / (2 * SIGMA * SIGMA));
      s += g[k];
    }
    for (int k = 0; k < WINDOW; k++) g[k] /= s;
    return g;
  }

  private static void check(float[] x, float[] y, int n, int c, int h, int w) {
    if (n < 1 || c < 1 || (long) n * c * h * w != x.length || x.length != y.length)
      throw new IllegalArgumentException("pair metrics: " + n + "×" + c + "×" + h + "×" + w + " images need " + (long) n * c * h * w
          + " floats each, got " + x.length + " and " + y.length);
    if (h < WINDOW || w < WINDOW)
      throw new IllegalArgumentException("SSIM needs images of at least " + WINDOW + "×" + WINDOW + " (its Gaussian window), got " + h + "×" + w);
  }
}
