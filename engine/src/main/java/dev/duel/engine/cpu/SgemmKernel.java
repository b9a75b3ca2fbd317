package dev.duel.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SGEMM micro-kernel: one MR×NR tile of C from an A micro-panel and a B micro-panel.
 *
 * <pre>
 *   ap: kc×MR, ap[aOff + p·MR + i] = op(A)[i, p]      (MR rows of A, packed column by column)
 *   bp: kc×NR, bp[bOff + p·NR + j] = op(B)[p, j]      (NR columns of B, packed row by row)
 *   C[i, j] = alpha·Σ_p ap[p, i]·bp[p, j] + beta·C[i, j]   for i < MR, j < NR; beta = 0 never reads C
 * </pre>
 *
 * NR = 2 vectors of the preferred species (16 floats with AVX2, 32 with AVX-512), MR = 4: eight
 * vector accumulators; each k step is 2 vector loads of B, 4 broadcasts of A and 8 FMAs.
 *
 * <p>Why this tile (measured on the 2-core Zen 3 here, AVX2, 16 ymm registers): an FMA-only loop
 * runs at the 116 GFLOP/s per-core peak, but every load costs, so the ratio of loads to FMAs sets the
 * speed. Tiles with a better ratio (6×16, 4×24: 12 accumulators) leave C2 a register short; it spills
 * an accumulator to the stack, a store and a load on the FMA chain every step, and they ran at a
 * third of this one. 4×16 reaches ~75 GFLOP/s per core on L1-resident panels, about what gcc -O2
 * makes of a 6×16 intrinsics kernel here. Broadcasting A in registers (permutes) or loading A
 * pre-broadcast were no faster; aligned off-heap (MemorySegment) panels ran at a third of the speed.
 */
final class SgemmKernel {
  private SgemmKernel() {}

  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  /** Floats per vector. */
  static final int L = F.length();
  static final int MR = 4;
  static final int NR = 2 * L;

  /** The full MR×NR tile at c[cOff], rows ldc apart. */
  static void tile(int kc, float[] ap, int aOff, float[] bp, int bOff,
                   float alpha, float beta, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * MR;
      int bi = bOff + p * NR;
      FloatVector b0 = FloatVector.fromArray(F, bp, bi);
      FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
      FloatVector a = FloatVector.broadcast(F, ap[ai]);
      c00 = a.fma(b0, c00);
      c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(F, ap[ai + 1]);
      c10 = a.fma(b0, c10);
      c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(F, ap[ai + 2]);
      c20 = a.fma(b0, c20);
      c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(F, ap[ai + 3]);
      c30 = a.fma(b0, c30);
      c31 = a.fma(b1, c31);
    }
    // The epilogue is one branch on beta and straight-line vector code, no helper calls and no branch on
    // alpha: with a three-way beta branch in a helper called per row, C2's compile of this method ran past
    // its node budget in some JVMs and not others (NodeCountInliningCutoff, depending on which betas the
    // profile had seen by then), left a row's store out of line with its vectors boxed, and ran the whole
    // GEMM at half speed for that JVM's life: issue 17's JVM lottery (docs/benchmarks.md).
    FloatVector va = FloatVector.broadcast(F, alpha);
    int r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
    if (beta == 0f) {                      // C = alpha·acc, C never read
      c00.mul(va).intoArray(c, r0);
      c01.mul(va).intoArray(c, r0 + L);
      c10.mul(va).intoArray(c, r1);
      c11.mul(va).intoArray(c, r1 + L);
      c20.mul(va).intoArray(c, r2);
      c21.mul(va).intoArray(c, r2 + L);
      c30.mul(va).intoArray(c, r3);
      c31.mul(va).intoArray(c, r3 + L);
    } else {                               // C = alpha·acc + beta·C
      FloatVector vb = FloatVector.broadcast(F, beta);
      c00.fma(va, FloatVector.fromArray(F, c, r0).mul(vb)).intoArray(c, r0);
      c01.fma(va, FloatVector.fromArray(F, c, r0 + L).mul(vb)).intoArray(c, r0 + L);
      c10.fma(va, FloatVector.fromArray(F, c, r1).mul(vb)).intoArray(c, r1);
      c11.fma(va, FloatVector.fromArray(F, c, r1 + L).mul(vb)).intoArray(c, r1 + L);
      c20.fma(va, FloatVector.fromArray(F, c, r2).mul(vb)).intoArray(c, r2);
      c21.fma(va, FloatVector.fromArray(F, c, r2 + L).mul(vb)).intoArray(c, r2 + L);
      c30.fma(va, FloatVector.fromArray(F, c, r3).mul(vb)).intoArray(c, r3);
      c31.fma(va, FloatVector.fromArray(F, c, r3 + L).mul(vb)).intoArray(c, r3 + L);
    }
  }
}
