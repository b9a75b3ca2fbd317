package dev.duel.engine.cpu;

import dev.duel.bench.GemmShape;
import java.util.Locale;

/**
 * The SGEMM tile's row count, 4 against 8, on each GEMM shape in one JVM ({@link GemmDriverAB}: the
 * 4-row time over the 8-row time per shape, with a 95% interval). This is what chose
 * {@link SgemmKernel#ROWS}: one row count for every shape, because no reference shape ran much faster
 * with the other (docs/benchmarks.md).
 *
 * <p>It lives in the engine's package, in the bench jar, to call the package-private {@link GemmDriver}
 * with a given row count. How to run: {@code java --add-modules jdk.incubator.vector -cp
 * bench/target/duel-bench.jar dev.duel.engine.cpu.TileRowsExperiment [shapes=reference] [rounds=12]}
 */
public final class TileRowsExperiment {
  private TileRowsExperiment() {}

  public static void main(String[] args) {
    String list = args.length > 0 ? args[0] : "reference";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    System.out.printf(Locale.ROOT, "# %d-bit vectors, %d threads, default rows %d; 4-row time / 8-row time per shape%n",
        SgemmKernel.F.vectorBitSize(), CpuPool.threads(), SgemmKernel.ROWS);
    for (GemmShape s : GemmShape.parseList(list)) {
      if (!GemmDriverAB.packed(s)) continue;
      GemmDriverAB.compare(s, rounds, "8 rows", (sh, pa, pb, c) -> run(8, sh, pa, pb, c),
          "4 rows", (sh, pa, pb, c) -> run(4, sh, pa, pb, c));
    }
  }

  private static void run(int rows, GemmShape s, Sgemm.MatrixA pa, Sgemm.MatrixB pb, float[] c) {
    GemmDriver.gemm(rows, s.m(), s.n(), s.k(), 1f, pa, pb, 0f, c, 0, s.n());
  }
}
