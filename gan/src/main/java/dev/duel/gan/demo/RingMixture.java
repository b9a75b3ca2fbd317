package dev.duel.gan.demo;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;

/**
 * The 2-D mixture of Gaussians on a ring (Metz et al. 2017, "Unrolled GANs"): {@code modes} equally
 * weighted components N(μ_k, std²·I) with μ_k = radius·(cos 2πk/modes, sin 2πk/modes).
 *
 * <p>Quality and coverage (as in Srivastava et al. 2017, VEEGAN): a sample is of high quality when it
 * lies within 3·std of its nearest mode; a mode is covered when at least {@code minPerMode} high-quality
 * samples have it as their nearest mode.
 */
public record RingMixture(int modes, double radius, double std) {
  public RingMixture {
    if (modes < 1 || !(radius > 0) || !(std > 0)) {
      throw new IllegalArgumentException("RingMixture: need modes >= 1, radius > 0, std > 0; got " + modes + ", " + radius + ", " + std);
    }
  }

  /** The demo's ring: 8 modes, radius 2, std 0.02 (Metz et al.'s setting). */
  public static RingMixture standard() {
    return new RingMixture(8, 2.0, 0.02);
  }

  public double centerX(int k) {
    return radius * Math.cos(2 * Math.PI * k / modes);
  }

  public double centerY(int k) {
    return radius * Math.sin(2 * Math.PI * k / modes);
  }

  /** n samples, row-major n×2 (x0, y0, x1, y1, ...): a uniform mode plus N(0, std²·I) noise. */
  public float[] sample(Backend backend, Generator rng, int n) {
    float[] u = rng.uniform(backend, 0f, 1f, n).toArray();
    float[] eps = rng.normal(backend, 0f, (float) std, n, 2).toArray();
    float[] xy = new float[2 * n];
    for (int i = 0; i < n; i++) {
      int k = Math.min(modes - 1, (int) (u[i] * modes));
      xy[2 * i] = (float) (centerX(k) + eps[2 * i]);
      xy[2 * i + 1] = (float) (centerY(k) + eps[2 * i + 1]);
    }
    return xy;
  }

  /**
   * @param modesCovered     modes with at least minPerMode high-quality samples
   * @param perMode          high-quality samples per mode
   * @param highQualityShare share of all samples within 3·std of their nearest mode
   * @param samples          samples scored (non-finite ones count as low quality)
   */
  public record Coverage(int modesCovered, int[] perMode, double highQualityShare, int samples) {
    /**
     * The entropy of the nearest-mode assignments of the high-quality samples, in units of log(modes):
     * H = −Σ_k p_k·log p_k / log K with p_k = perMode[k] / Σ perMode. 1 when the high-quality samples are
     * spread evenly over the K modes, 0 when they all sit on one (or there are none). Read it with
     * {@link #highQualityShare()}: a blob between two modes has few high-quality samples whatever H is.
     */
    public double modeEntropy() {
      long total = 0;
      for (int c : perMode) total += c;
      if (total == 0 || perMode.length < 2) return 0;
      double h = 0;
      for (int c : perMode) {
        if (c == 0) continue;
        double p = (double) c / total;
        h -= p * Math.log(p);
      }
      return h / Math.log(perMode.length);
    }
  }

  /** Scores n×2 samples (row-major). */
  public Coverage coverage(float[] xy, int minPerMode) {
    if (xy.length % 2 != 0) throw new IllegalArgumentException("RingMixture.coverage: " + xy.length + " floats are not n×2 points");
    int n = xy.length / 2;
    int[] perMode = new int[modes];
    int good = 0;
    double limit = 3 * std;
    for (int i = 0; i < n; i++) {
      double x = xy[2 * i], y = xy[2 * i + 1];
      int best = -1;
      double bestD = Double.POSITIVE_INFINITY;
      for (int k = 0; k < modes; k++) {
        double d = Math.hypot(x - centerX(k), y - centerY(k));
        if (d < bestD) { bestD = d; best = k; }
      }
      if (best >= 0 && bestD <= limit) {   // NaN distances never pass
        perMode[best]++;
        good++;
      }
    }
    int covered = 0;
    for (int c : perMode) if (c >= minPerMode) covered++;
    return new Coverage(covered, perMode, n == 0 ? 0 : (double) good / n, n);
  }
}
