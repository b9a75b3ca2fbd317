package dev.duel.engine.cpu;

import dev.duel.bench.GemmShape;
import java.util.Locale;

/**
 * An edge panel of at most L columns (n = 100 leaves 4 past three full 32-column panels with AVX-512)
 * multiplied by {@link SgemmKernel#narrowTile} (one vector of columns) against the full tile it replaced,
 * per shape in one JVM ({@link GemmDriverAB}: the product's time with narrow edge tiles over its time with
 * full ones, with a 95% interval). Only shapes whose n leaves such an edge are run.
 *
 * <p>How to run: {@code java --add-modules jdk.incubator.vector -cp bench/target/duel-bench.jar
 * dev.duel.engine.cpu.EdgeTileExperiment [shapes=the reference shapes] [rounds=12]}
 */
public final class EdgeTileExperiment {
  private EdgeTileExperiment() {}

  public static void main(String[] args) {
    String list = args.length > 0 ? args[0] : "reference";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    System.out.printf(Locale.ROOT, "# %d-bit vectors, %d-row tile, %d threads; narrow edge tiles' time / full edge tiles' time%n",
        SgemmKernel.F.vectorBitSize(), SgemmKernel.ROWS, CpuPool.threads());
    for (GemmShape s : GemmShape.parseList(list)) {
      int edge = s.n() % SgemmKernel.NR;
      if (!GemmDriverAB.packed(s) || edge == 0 || edge > SgemmKernel.L) continue;
      GemmDriverAB.compare(s, rounds, "full", (sh, pa, pb, c) -> {
        GemmDriver.narrowEdges = false;
        GemmDriver.gemm(sh.m(), sh.n(), sh.k(), 1f, pa, pb, 0f, c, 0, sh.n());
      }, "narrow", (sh, pa, pb, c) -> {
        GemmDriver.narrowEdges = true;
        GemmDriver.gemm(sh.m(), sh.n(), sh.k(), 1f, pa, pb, 0f, c, 0, sh.n());
      });
    }
    GemmDriver.narrowEdges = true;
  }
}
