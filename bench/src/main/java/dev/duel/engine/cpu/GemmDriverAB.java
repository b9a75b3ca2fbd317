package dev.duel.engine.cpu;

import dev.duel.bench.GemmShape;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Two ways of running one GEMM shape through {@link GemmDriver}, A/B'd in one JVM: alternating ~20 ms
 * bursts of each (order swapped each round, so a slow spell of the machine reaches both alike), then the
 * geometric mean of the per-round time ratios B / A with a 95% interval (Student's t on the log ratios),
 * and each side's best GFLOP/s. {@link TileRowsExperiment} and {@link GemmSplitExperiment} are built on it.
 */
final class GemmDriverAB {
  private GemmDriverAB() {}

  /** One way to run the product: C = op(A)·op(B) with the packers given. */
  interface Variant {
    void run(GemmShape s, Sgemm.MatrixA pa, Sgemm.MatrixB pb, float[] c);
  }

  /** Prints one line for shape s: "label B/A ratio (interval)   best GFLOP/s: nameA x, nameB y". */
  static void compare(GemmShape s, int rounds, String nameA, Variant a, String nameB, Variant b) {
    if (rounds < 2) throw new IllegalArgumentException("rounds=" + rounds + ": at least 2 for an interval");
    SplittableRandom rnd = new SplittableRandom(42);
    float[] am = new float[s.m() * s.k()], bm = new float[s.k() * s.n()], c = new float[s.m() * s.n()];
    for (int i = 0; i < am.length; i++) am[i] = (float) rnd.nextDouble(-1, 1);
    for (int i = 0; i < bm.length; i++) bm[i] = (float) rnd.nextDouble(-1, 1);
    Sgemm.MatrixA pa = new Sgemm.MatrixA();
    Sgemm.MatrixB pb = new Sgemm.MatrixB();
    pa.set(s.transA(), am, 0, s.lda());
    pb.set(s.transB(), bm, 0, s.ldb());
    int reps = Math.max(1, (int) (0.02 * 150e9 / s.flops()));   // ~20 ms at 150 GFLOP/s
    Ratio r = ratio(rounds, 20, reps, () -> a.run(s, pa, pb, c), () -> b.run(s, pa, pb, c));
    System.out.printf(Locale.ROOT, "%-18s %s/%s %s   best GFLOP/s: %s %6.1f, %s %6.1f%n", s, nameB, nameA, r,
        nameA, s.flops() / r.bestA() / 1e9, nameB, s.flops() / r.bestB() / 1e9);
  }

  /**
   * B's time over A's: the geometric mean of the per-round ratios with its 95% interval (Student's t on the log
   * ratios), and each side's best time per call in seconds.
   */
  record Ratio(double mean, double lo, double hi, double bestA, double bestB) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%.3f (%.3f–%.3f)", mean, lo, hi);
    }
  }

  /**
   * Times a and b in alternating bursts of reps calls (order swapped each round, so a slow spell of the machine
   * reaches both alike) after warm calls of each, over the given rounds.
   */
  static Ratio ratio(int rounds, int warm, int reps, Runnable a, Runnable b) {
    if (rounds < 2) throw new IllegalArgumentException("rounds=" + rounds + ": at least 2 for an interval");
    for (int w = 0; w < warm; w++) {
      a.run();
      b.run();
    }
    double[] logRatio = new double[rounds];
    double bestA = Double.MAX_VALUE, bestB = Double.MAX_VALUE;
    for (int r = 0; r < rounds; r++) {
      double ta = 0, tb = 0;
      for (int side = 0; side < 2; side++) {
        boolean isA = (side == 0) == (r % 2 == 0);
        Runnable v = isA ? a : b;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) v.run();
        double t = (System.nanoTime() - t0) / 1e9 / reps;
        if (isA) ta = t;
        else tb = t;
      }
      logRatio[r] = Math.log(tb / ta);
      bestA = Math.min(bestA, ta);
      bestB = Math.min(bestB, tb);
    }
    double mean = 0, var = 0;
    for (double x : logRatio) mean += x / rounds;
    for (double x : logRatio) var += (x - mean) * (x - mean) / (rounds - 1);
    double half = tQuantile975(rounds - 1) * Math.sqrt(var / rounds);
    return new Ratio(Math.exp(mean), Math.exp(mean - half), Math.exp(mean + half), bestA, bestB);
  }

  /** Whether the shape takes the driver at all (not SgemmSkinny's, not Sgemm's small serial loop). */
  static boolean packed(GemmShape s) {
    return !SgemmSkinny.handles(s.m(), s.n(), s.k()) && (long) s.m() * s.n() * s.k() >= Sgemm.SMALL_WORK;
  }

  /** Student's t 97.5% quantile for df degrees of freedom (table to 30, then the normal's 1.96). */
  private static double tQuantile975(int df) {
    double[] t = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
        2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    return df <= t.length ? t[df - 1] : 1.96;
  }
}
