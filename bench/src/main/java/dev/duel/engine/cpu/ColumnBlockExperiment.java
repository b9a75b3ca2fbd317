package dev.duel.engine.cpu;

import dev.duel.bench.GemmShape;
import java.util.Locale;

/**
 * The column block of a deep product ({@link GemmDriver#bBlockFloats}: nb = floats / k columns of B packed at
 * once, A packed again for every column block) at its default against a larger one, per shape in one JVM
 * ({@link GemmDriverAB}: the product's time with the larger block over its time with the default, with a 95%
 * interval). Only shapes whose k×n exceeds the default are run; the results are bit-identical.
 *
 * <p>How to run: {@code java --add-modules jdk.incubator.vector -cp bench/target/duel-bench.jar
 * dev.duel.engine.cpu.ColumnBlockExperiment [shapes=NN:2048x2048x2048] [floats=4194304] [rounds=12]}
 */
public final class ColumnBlockExperiment {
  private ColumnBlockExperiment() {}

  public static void main(String[] args) {
    String list = args.length > 0 ? args[0] : "NN:2048x2048x2048";
    int larger = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 22;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 12;
    int standard = GemmDriver.bBlockFloats;
    System.out.printf(Locale.ROOT, "# %d-bit vectors, %d-row tile, %d threads; B blocks of %d floats: time / %d floats%n",
        SgemmKernel.F.vectorBitSize(), SgemmKernel.ROWS, CpuPool.threads(), larger, standard);
    for (GemmShape s : GemmShape.parseList(list)) {
      if (!GemmDriverAB.packed(s) || (long) s.k() * s.n() <= standard) continue;
      GemmDriverAB.compare(s, rounds, "default", (sh, pa, pb, c) -> {
        GemmDriver.bBlockFloats = standard;
        GemmDriver.gemm(sh.m(), sh.n(), sh.k(), 1f, pa, pb, 0f, c, 0, sh.n());
      }, "larger", (sh, pa, pb, c) -> {
        GemmDriver.bBlockFloats = larger;
        GemmDriver.gemm(sh.m(), sh.n(), sh.k(), 1f, pa, pb, 0f, c, 0, sh.n());
      });
    }
    GemmDriver.bBlockFloats = standard;
  }
}
