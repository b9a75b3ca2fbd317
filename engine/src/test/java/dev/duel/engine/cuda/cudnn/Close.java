package dev.duel.engine.cuda.cudnn;

import java.util.SplittableRandom;

/** Comparison helpers: float results against float64 references, NaN never passing. */
final class Close {
  private Close() {}

  static float[] random(SplittableRandom rng, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) (rng.nextDouble() * 2 - 1);
    return a;
  }

  /** |got − want| ≤ tol·(1 + bound[i]) elementwise, where bound is Σ|terms| of each reference sum. */
  static void assertClose(String what, double[] want, double[] bound, float[] got, double tol) {
    if (want.length != got.length) throw new AssertionError(what + ": length " + got.length + " != " + want.length);
    for (int i = 0; i < want.length; i++) {
      double err = Math.abs(got[i] - want[i]);
      double allowed = tol * (1 + bound[i]);
      if (!(err <= allowed)) {   // also fails on NaN
        throw new AssertionError(String.format(java.util.Locale.ROOT,
            "%s: element %d is %.9g, reference %.9g (error %.3g > %.3g)", what, i, got[i], want[i], err, allowed));
      }
    }
  }

  /** Same, with each element's own magnitude as the bound. */
  static void assertClose(String what, double[] want, float[] got, double tol) {
    double[] bound = new double[want.length];
    for (int i = 0; i < want.length; i++) bound[i] = Math.abs(want[i]);
    assertClose(what, want, bound, got, tol);
  }
}
