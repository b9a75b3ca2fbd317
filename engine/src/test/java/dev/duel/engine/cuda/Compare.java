package dev.duel.engine.cuda;

import java.util.Locale;
import java.util.SplittableRandom;

/** Comparisons of CUDA results with the CPU backend's: NaN only matches NaN, infinities only themselves. */
final class Compare {
  private Compare() {}

  /** Elementwise tolerance: relative 1e-5 (|values| below 1e-3 are judged at 1e-3·1e-5). */
  static final double ELEMENTWISE = 1e-5;
  /** GEMM and convolution: 1e-4 relative to the sum of the magnitudes of each output's terms. */
  static final double GEMM = 1e-4;

  static float[] uniform(SplittableRandom rng, int n, double lo, double hi) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * rng.nextDouble());
    return a;
  }

  /** |got − want| ≤ tol·max(|want|, 1e-3) for every element. */
  static void elementwise(String what, float[] want, float[] got, double tol) {
    double[] bound = new double[want.length];
    for (int i = 0; i < want.length; i++) bound[i] = Math.max(Math.abs(want[i]), 1e-3);
    close(what, want, bound, got, tol);
  }

  /** |got − want| ≤ tol·(|want| + bound[i]), bound = Σ|terms| of each output (a sum, product or convolution). */
  static void summed(String what, float[] want, float[] bound, float[] got, double tol) {
    double[] b = new double[want.length];
    for (int i = 0; i < want.length; i++) b[i] = Math.abs(want[i]) + Math.abs(bound[i]);
    close(what, want, b, got, tol);
  }

  static void bitwise(String what, float[] want, float[] got) {
    check(what, want.length, got.length);
    for (int i = 0; i < want.length; i++) {
      if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
        throw new AssertionError(String.format(Locale.ROOT, "%s: element %d is %s, the CPU backend gives %s (bitwise)",
            what, i, got[i], want[i]));
      }
    }
  }

  private static void close(String what, float[] want, double[] bound, float[] got, double tol) {
    check(what, want.length, got.length);
    for (int i = 0; i < want.length; i++) {
      float w = want[i], g = got[i];
      if (Float.isNaN(w) || Float.isInfinite(w)) {
        if (Float.compare(w, g) != 0 && !(Float.isNaN(w) && Float.isNaN(g))) fail(what, i, w, g, Double.NaN, 0);
        continue;
      }
      double err = Math.abs((double) g - w), allowed = tol * bound[i];
      if (!(err <= allowed)) fail(what, i, w, g, err, allowed);
    }
  }

  private static void check(String what, int want, int got) {
    if (want != got) throw new AssertionError(what + ": " + got + " elements, the CPU backend gives " + want);
  }

  private static void fail(String what, int i, float want, float got, double err, double allowed) {
    throw new AssertionError(String.format(Locale.ROOT, "%s: element %d is %.9g, the CPU backend gives %.9g (error %.3g > %.3g)",
        what, i, got, want, err, allowed));
  }
}
