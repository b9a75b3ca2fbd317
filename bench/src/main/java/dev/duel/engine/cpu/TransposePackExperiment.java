package dev.duel.engine.cpu;

import static dev.duel.engine.cpu.SgemmKernel.NR;

import dev.duel.bench.GemmShape;
import java.util.Arrays;
import java.util.Locale;

/**
 * Packing a transposed B (the NT products) by {@link SgemmTranspose}'s register transposes against the
 * scalar copy it replaced, on each NT shape in one JVM ({@link GemmDriverAB}: the product's time with the
 * register transposes over its time with the scalar copy, with a 95% interval).
 *
 * <p>How to run: {@code java --add-modules jdk.incubator.vector -cp bench/target/duel-bench.jar
 * dev.duel.engine.cpu.TransposePackExperiment [shapes=the reference NT shapes] [rounds=12]}
 */
public final class TransposePackExperiment {
  private TransposePackExperiment() {}

  public static void main(String[] args) {
    String list = args.length > 0 ? args[0] : "reference";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    System.out.printf(Locale.ROOT, "# %d-bit vectors, %d threads; register transposes' time / scalar copy's time per NT shape%n",
        SgemmKernel.F.vectorBitSize(), CpuPool.threads());
    if (!SgemmTranspose.packs()) throw new IllegalStateException("no register transpose for " + SgemmKernel.L + "-lane vectors");
    for (GemmShape s : GemmShape.parseList(list)) {
      if (!s.transB() || s.transA() || !GemmDriverAB.packed(s)) continue;
      ScalarTransposedB scalar = new ScalarTransposedB();
      GemmDriverAB.compare(s, rounds, "scalar", (sh, pa, pb, c) -> {
        scalar.b = pb.b;
        scalar.ldb = pb.ld;
        GemmDriver.gemm(sh.m(), sh.n(), sh.k(), 1f, pa, scalar, 0f, c, 0, sh.n());
      }, "registers", (sh, pa, pb, c) -> GemmDriver.gemm(sh.m(), sh.n(), sh.k(), 1f, pa, pb, 0f, c, 0, sh.n()));
    }
  }

  /** The scalar copy that packed a transposed B before SgemmTranspose: each of a panel's NR rows of b read contiguously. */
  private static final class ScalarTransposedB implements GemmDriver.BPacker {
    float[] b;
    int ldb;

    @Override
    public void packB(int p0, int kc, int j0, int nc, int qFrom, int qTo, float[] bp, int bpOff) {
      for (int q = qFrom; q < qTo; q++) {
        int col = q * NR, cols = Math.min(NR, nc - col), panel = bpOff + q * kc * NR;
        if (cols < NR) Arrays.fill(bp, panel, panel + kc * NR, 0f);
        for (int j = 0; j < cols; j++) {
          int src = (j0 + col + j) * ldb + p0;
          for (int p = 0, d = panel + j; p < kc; p++, d += NR) bp[d] = b[src + p];
        }
      }
    }
  }
}
