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
    store(c00, c01, alpha, beta, c, cOff, ldc, 0);
    store(c10, c11, alpha, beta, c, cOff, ldc, 1);
    store(c20, c21, alpha, beta, c, cOff, ldc, 2);
    store(c30, c31, alpha, beta, c, cOff, ldc, 3);
  }

  /** Row i of the tile: C = alpha·acc + beta·C, without reading C when beta = 0. */
  private static void store(FloatVector v0, FloatVector v1, float alpha, float beta,
                            float[] c, int cOff, int ldc, int i) {
    int at = cOff + i * ldc;
    if (alpha != 1f) {
      v0 = v0.mul(alpha);
      v1 = v1.mul(alpha);
    }
    if (beta == 0f) {
      v0.intoArray(c, at);
      v1.intoArray(c, at + L);
    } else if (beta == 1f) {
      v0.add(FloatVector.fromArray(F, c, at)).intoArray(c, at);
      v1.add(FloatVector.fromArray(F, c, at + L)).intoArray(c, at + L);
    } else {
      FloatVector vb = FloatVector.broadcast(F, beta);
      FloatVector.fromArray(F, c, at).fma(vb, v0).intoArray(c, at);
      FloatVector.fromArray(F, c, at + L).fma(vb, v1).intoArray(c, at + L);
    }
  }
}
