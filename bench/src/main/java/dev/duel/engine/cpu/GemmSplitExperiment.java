package dev.duel.engine.cpu;

import dev.duel.bench.GemmShape;
import java.util.Locale;

/**
 * How a product is spread over the threads, on each GEMM shape in one JVM ({@link GemmDriverAB}): the
 * shared path (B packed once into one buffer that every thread reads, {@link GemmDriver}'s Job) against
 * the private split (C cut into one block per thread along the larger of m and n, each thread packing
 * its own A and B, {@link GemmDriver#privateParts}). Prints the private time over the shared time per
 * shape with a 95% interval. This is what made the cut the default within {@link GemmDriver#SPLIT_COPY_FLOATS} (docs/benchmarks.md).
 *
 * <p>How to run: {@code java --add-modules jdk.incubator.vector -cp bench/target/duel-bench.jar
 * dev.duel.engine.cpu.GemmSplitExperiment [shapes=reference] [rounds=12]}
 */
public final class GemmSplitExperiment {
  private GemmSplitExperiment() {}

  public static void main(String[] args) {
    String list = args.length > 0 ? args[0] : "reference";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    System.out.printf(Locale.ROOT, "# %d-bit vectors, %d threads, rows %d, split copy budget %d floats by default;"
            + " private split's time / shared packing's time per shape%n",
        SgemmKernel.F.vectorBitSize(), CpuPool.threads(), SgemmKernel.ROWS, GemmDriver.SPLIT_COPY_FLOATS);
    if (CpuPool.threads() < 2) throw new IllegalStateException("one thread: both ways are the same serial loop");
    for (GemmShape s : GemmShape.parseList(list)) {
      if (!GemmDriverAB.packed(s)) continue;
      GemmDriverAB.compare(s, rounds, "shared", (sh, pa, pb, c) -> run(0, sh, pa, pb, c),
          "private", (sh, pa, pb, c) -> run(Long.MAX_VALUE, sh, pa, pb, c));
    }
  }

  private static void run(long splitCopy, GemmShape s, Sgemm.MatrixA pa, Sgemm.MatrixB pb, float[] c) {
    GemmDriver.gemm(SgemmKernel.ROWS, splitCopy, s.m(), s.n(), s.k(), 1f, pa, pb, 0f, c, 0, s.n());
  }
}
