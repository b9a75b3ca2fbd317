package dev.duel.engine.cpu;

import dev.duel.bench.GemmShape;
import java.util.Locale;

/**
 * A compute task's KC slices in groups ({@link GemmDriver#sliceGroup}: each B panel runs through the group's
 * slices before the next, so the strip of C they accumulate into is read back from L1/L2) against one slice
 * at a time (the order before groups: a slice swept the whole row block before the next read C again), per
 * shape in one JVM ({@link GemmDriverAB}: the product's time with groups over its time without, with a 95%
 * interval). Only shapes deeper than one slice (k > KC) are run; the results are bit-identical.
 *
 * <p>How to run: {@code java --add-modules jdk.incubator.vector -cp bench/target/duel-bench.jar
 * dev.duel.engine.cpu.SliceGroupExperiment [shapes=the reference shapes] [rounds=12]}
 */
public final class SliceGroupExperiment {
  private SliceGroupExperiment() {}

  public static void main(String[] args) {
    String list = args.length > 0 ? args[0] : "reference";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    int groups = GemmDriver.sliceGroup;
    System.out.printf(Locale.ROOT, "# %d-bit vectors, %d-row tile, %d threads; slices in groups of %d: time / one slice at a time%n",
        SgemmKernel.F.vectorBitSize(), SgemmKernel.ROWS, CpuPool.threads(), groups);
    for (GemmShape s : GemmShape.parseList(list)) {
      if (!GemmDriverAB.packed(s) || s.k() <= GemmDriver.KC) continue;
      GemmDriverAB.compare(s, rounds, "single", (sh, pa, pb, c) -> {
        GemmDriver.sliceGroup = 1;
        GemmDriver.gemm(sh.m(), sh.n(), sh.k(), 1f, pa, pb, 0f, c, 0, sh.n());
      }, "groups", (sh, pa, pb, c) -> {
        GemmDriver.sliceGroup = groups;
        GemmDriver.gemm(sh.m(), sh.n(), sh.k(), 1f, pa, pb, 0f, c, 0, sh.n());
      });
    }
    GemmDriver.sliceGroup = groups;
  }
}
