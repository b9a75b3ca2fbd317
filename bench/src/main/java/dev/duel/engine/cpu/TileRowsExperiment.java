package dev.duel.engine.cpu;

import dev.duel.bench.GemmShape;
import java.util.Locale;

/**
 * The SGEMM tile's row count, one against another (4 against 8 by default, or 8 against 12), on each GEMM shape
 * in one JVM ({@link GemmDriverAB}: the second count's time over the first's per shape, with a 95% interval).
 * This is what chose {@link SgemmKernel#ROWS} (docs/benchmarks.md).
 *
 * <p>It lives in the engine's package, in the bench jar, to call the package-private {@link GemmDriver}
 * with a given row count. How to run: {@code java --add-modules jdk.incubator.vector -cp
 * bench/target/duel-bench.jar dev.duel.engine.cpu.TileRowsExperiment [shapes=reference] [rounds=12] [rows=8,4]}
 */
public final class TileRowsExperiment {
  private TileRowsExperiment() {}

  public static void main(String[] args) {
    String list = args.length > 0 ? args[0] : "reference";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    String[] pair = (args.length > 2 ? args[2] : "8,4").split(",");
    int rowsA = Integer.parseInt(pair[0].trim()), rowsB = Integer.parseInt(pair[1].trim());
    System.out.printf(Locale.ROOT, "# %d-bit vectors, %d threads, default rows %d; %d-row time / %d-row time per shape%n",
        SgemmKernel.F.vectorBitSize(), CpuPool.threads(), SgemmKernel.ROWS, rowsB, rowsA);
    for (GemmShape s : GemmShape.parseList(list)) {
      if (!GemmDriverAB.packed(s)) continue;
      GemmDriverAB.compare(s, rounds, rowsA + " rows", (sh, pa, pb, c) -> run(rowsA, sh, pa, pb, c),
          rowsB + " rows", (sh, pa, pb, c) -> run(rowsB, sh, pa, pb, c));
    }
  }

  private static void run(int rows, GemmShape s, Sgemm.MatrixA pa, Sgemm.MatrixB pb, float[] c) {
    GemmDriver.gemm(rows, s.m(), s.n(), s.k(), 1f, pa, pb, 0f, c, 0, s.n());
  }
}
