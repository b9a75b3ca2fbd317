package dev.duel.engine.cpu;

import dev.duel.bench.GemmShape;
import java.util.Arrays;
import java.util.Locale;

/**
 * Packing A by {@link SgemmPanelA}'s vectors (a copy per k step for a transposed A, mr×mr register
 * transposes for a row-major one) against the scalar loops they replaced, per shape in one JVM
 * ({@link GemmDriverAB}: the product's time with the vectors over its time with the scalar loops, with
 * a 95% interval).
 *
 * <p>How to run: {@code java --add-modules jdk.incubator.vector -cp bench/target/duel-bench.jar
 * dev.duel.engine.cpu.PackAExperiment [shapes=the reference shapes] [rounds=12]}
 */
public final class PackAExperiment {
  private PackAExperiment() {}

  public static void main(String[] args) {
    String list = args.length > 0 ? args[0] : "reference";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    int mr = SgemmKernel.ROWS;
    System.out.printf(Locale.ROOT, "# %d-bit vectors, %d-row tile, %d threads; vector packing's time / scalar packing's time%n",
        SgemmKernel.F.vectorBitSize(), mr, CpuPool.threads());
    if (!SgemmPanelA.packs(mr)) throw new IllegalStateException("no vector packing of " + mr + "-row panels on this JVM");
    for (GemmShape s : GemmShape.parseList(list)) {
      if (!GemmDriverAB.packed(s)) continue;
      ScalarA scalar = new ScalarA();
      GemmDriverAB.compare(s, rounds, "scalar", (sh, pa, pb, c) -> {
        scalar.trans = pa.trans;
        scalar.a = pa.a;
        scalar.lda = pa.ld;
        GemmDriver.gemm(sh.m(), sh.n(), sh.k(), 1f, scalar, pb, 0f, c, 0, sh.n());
      }, "vectors", (sh, pa, pb, c) -> GemmDriver.gemm(sh.m(), sh.n(), sh.k(), 1f, pa, pb, 0f, c, 0, sh.n()));
    }
  }

  /** The scalar loops that packed A before SgemmPanelA. */
  private static final class ScalarA implements GemmDriver.APacker {
    boolean trans;
    float[] a;
    int lda;

    @Override
    public void packA(int i0, int mc, int p0, int kc, int mr, float[] ap, int apOff) {
      for (int r = 0, panel = apOff; r < mc; r += mr, panel += kc * mr) {
        int rows = Math.min(mr, mc - r);
        if (rows < mr) Arrays.fill(ap, panel, panel + kc * mr, 0f);
        if (trans) {
          int src = p0 * lda + i0 + r;
          for (int p = 0, d = panel; p < kc; p++, src += lda, d += mr) {
            for (int i = 0; i < rows; i++) ap[d + i] = a[src + i];
          }
        } else {
          for (int i = 0; i < rows; i++) {
            int src = (i0 + r + i) * lda + p0;
            for (int p = 0; p < kc; p++) ap[panel + p * mr + i] = a[src + p];
          }
        }
      }
    }
  }
}
