package dev.duel.engine.cpu;

import dev.duel.bench.GemmShape;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The SGEMM tile's row count, 4 against 8, on each GEMM shape in one JVM: for every shape that takes the
 * packed path, alternating ~20 ms bursts of the driver with 4-row and 8-row tiles (order swapped each
 * round, so a slow spell of the machine reaches both alike), then the geometric mean of the per-round
 * time ratios 4-row / 8-row with a 95% interval (Student's t on the log ratios), and each tile's best
 * GFLOP/s. This is what chose {@link SgemmKernel#ROWS}: one row count for every shape, because no
 * reference shape ran faster with the other (docs/benchmarks.md).
 *
 * <p>It lives in the engine's package, in the bench jar, to call {@link GemmDriver#gemm(int, int, int,
 * int, float, GemmDriver.APacker, GemmDriver.BPacker, float, float[], int, int)} with a given row count.
 * How to run: {@code java --add-modules jdk.incubator.vector -cp bench/target/duel-bench.jar
 * dev.duel.engine.cpu.TileRowsExperiment [shapes=reference] [rounds=12]}
 */
public final class TileRowsExperiment {
  private TileRowsExperiment() {}

  public static void main(String[] args) {
    String list = args.length > 0 ? args[0] : "reference";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    if (rounds < 2) throw new IllegalArgumentException("rounds=" + rounds + ": at least 2 for an interval");
    System.out.printf(Locale.ROOT, "# %d-bit vectors, %d threads, default rows %d; 4-row time / 8-row time per shape%n",
        SgemmKernel.F.vectorBitSize(), CpuPool.threads(), SgemmKernel.ROWS);
    for (GemmShape s : GemmShape.parseList(list)) {
      if (SgemmSkinny.handles(s.m(), s.n(), s.k()) || (long) s.m() * s.n() * s.k() < Sgemm.SMALL_WORK) continue;
      compare(s, rounds);
    }
  }

  private static void compare(GemmShape s, int rounds) {
    SplittableRandom rnd = new SplittableRandom(42);
    float[] a = new float[s.m() * s.k()], b = new float[s.k() * s.n()], c = new float[s.m() * s.n()];
    for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextDouble(-1, 1);
    for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextDouble(-1, 1);
    Sgemm.MatrixA pa = new Sgemm.MatrixA();
    Sgemm.MatrixB pb = new Sgemm.MatrixB();
    pa.set(s.transA(), a, 0, s.lda());
    pb.set(s.transB(), b, 0, s.ldb());
    int reps = Math.max(1, (int) (0.02 * 150e9 / s.flops()));   // ~20 ms at 150 GFLOP/s
    for (int w = 0; w < 20; w++) {
      for (int rows : new int[] {4, 8}) GemmDriver.gemm(rows, s.m(), s.n(), s.k(), 1f, pa, pb, 0f, c, 0, s.n());
    }
    double[] logRatio = new double[rounds];
    double best4 = Double.MAX_VALUE, best8 = Double.MAX_VALUE;
    for (int r = 0; r < rounds; r++) {
      double t4 = 0, t8 = 0;
      for (int rows : r % 2 == 0 ? new int[] {4, 8} : new int[] {8, 4}) {
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) GemmDriver.gemm(rows, s.m(), s.n(), s.k(), 1f, pa, pb, 0f, c, 0, s.n());
        double t = (System.nanoTime() - t0) / 1e9 / reps;
        if (rows == 4) t4 = t;
        else t8 = t;
      }
      logRatio[r] = Math.log(t4 / t8);
      best4 = Math.min(best4, t4);
      best8 = Math.min(best8, t8);
    }
    double mean = 0, var = 0;
    for (double x : logRatio) mean += x / rounds;
    for (double x : logRatio) var += (x - mean) * (x - mean) / (rounds - 1);
    double half = tQuantile975(rounds - 1) * Math.sqrt(var / rounds);
    System.out.printf(Locale.ROOT, "%-16s 4/8 %.3f (%.3f–%.3f)   best GFLOP/s: 4 rows %6.1f, 8 rows %6.1f%n", s,
        Math.exp(mean), Math.exp(mean - half), Math.exp(mean + half), s.flops() / best4 / 1e9, s.flops() / best8 / 1e9);
  }

  /** Student's t 97.5% quantile for df degrees of freedom (table to 30, then the normal's 1.96). */
  private static double tQuantile975(int df) {
    double[] t = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
        2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    return df <= t.length ? t[df - 1] : 1.96;
  }
}
