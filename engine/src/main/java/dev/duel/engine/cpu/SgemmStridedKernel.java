package dev.duel.engine.cpu;

import static dev.duel.engine.cpu.SgemmKernel.F;
import static dev.duel.engine.cpu.SgemmKernel.L;
import static dev.duel.engine.cpu.SgemmKernel.NR;

import jdk.incubator.vector.FloatVector;

/**
 * {@link SgemmKernel}'s 4- and 8-row tiles with A's and B's strides per k step as arguments, for {@link SgemmInPlace},
 * which reads Aᵀ (stride lda) and B (stride ldb) where they lie: the k-th step's mr floats of A at a[aOff + p·aStride],
 * its NR floats of B at b[bOff + p·bStride]. The same FMA chains and epilogue as the packed tiles, so the same floats.
 * They are separate methods, not the packed tiles with strides passed in: with the strides as arguments the packed path
 * ran NN:64x100x128 and NT:64x6272x100 0.89–0.91× as fast (paired against the constant-stride build, session 22).
 */
final class SgemmStridedKernel {
  private SgemmStridedKernel() {}

  /** The full mr×NR tile, mr = 4 or 8, at c[cOff], rows ldc apart. */
  static void tile(int mr, int kc, float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                   float alpha, float beta, float[] c, int cOff, int ldc) {
    if (mr == 8) tile8(kc, a, aOff, aStride, b, bOff, bStride, alpha, beta, c, cOff, ldc);
    else tile4(kc, a, aOff, aStride, b, bOff, bStride, alpha, beta, c, cOff, ldc);
  }

  /** The left vector of the mr×NR tile into edge[i·NR + j] ({@link SgemmKernel#narrowTile}'s contract), mr = 4 or 8. */
  static void narrowTile(int mr, int kc, float[] a, int aOff, int aStride, float[] b, int bOff, int bStride, float[] edge) {
    if (mr == 8) narrow8(kc, a, aOff, aStride, b, bOff, bStride, edge);
    else narrow4(kc, a, aOff, aStride, b, bOff, bStride, edge);
  }

  /** SgemmKernel.tile4 with A's k-th step at a[aOff + p·aStride + i] and B's at b[bOff + p·bStride + j]. */
  static void tile4(int kc, float[] ap, int aOff, int aStride, float[] bp, int bOff, int bStride,
                    float alpha, float beta, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * aStride;
      int bi = bOff + p * bStride;
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

  /** SgemmKernel.tile8 with tile4's strides. */
  static void tile8(int kc, float[] ap, int aOff, int aStride, float[] bp, int bOff, int bStride,
                    float alpha, float beta, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * aStride;
      int bi = bOff + p * bStride;
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
      a = FloatVector.broadcast(F, ap[ai + 4]);
      c40 = a.fma(b0, c40);
      c41 = a.fma(b1, c41);
      a = FloatVector.broadcast(F, ap[ai + 5]);
      c50 = a.fma(b0, c50);
      c51 = a.fma(b1, c51);
      a = FloatVector.broadcast(F, ap[ai + 6]);
      c60 = a.fma(b0, c60);
      c61 = a.fma(b1, c61);
      a = FloatVector.broadcast(F, ap[ai + 7]);
      c70 = a.fma(b0, c70);
      c71 = a.fma(b1, c71);
    }
    FloatVector va = FloatVector.broadcast(F, alpha);
    int r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
    if (beta == 0f) {
      c00.mul(va).intoArray(c, r0);
      c01.mul(va).intoArray(c, r0 + L);
      c10.mul(va).intoArray(c, r1);
      c11.mul(va).intoArray(c, r1 + L);
      c20.mul(va).intoArray(c, r2);
      c21.mul(va).intoArray(c, r2 + L);
      c30.mul(va).intoArray(c, r3);
      c31.mul(va).intoArray(c, r3 + L);
      c40.mul(va).intoArray(c, r4);
      c41.mul(va).intoArray(c, r4 + L);
      c50.mul(va).intoArray(c, r5);
      c51.mul(va).intoArray(c, r5 + L);
      c60.mul(va).intoArray(c, r6);
      c61.mul(va).intoArray(c, r6 + L);
      c70.mul(va).intoArray(c, r7);
      c71.mul(va).intoArray(c, r7 + L);
    } else {
      FloatVector vb = FloatVector.broadcast(F, beta);
      c00.fma(va, FloatVector.fromArray(F, c, r0).mul(vb)).intoArray(c, r0);
      c01.fma(va, FloatVector.fromArray(F, c, r0 + L).mul(vb)).intoArray(c, r0 + L);
      c10.fma(va, FloatVector.fromArray(F, c, r1).mul(vb)).intoArray(c, r1);
      c11.fma(va, FloatVector.fromArray(F, c, r1 + L).mul(vb)).intoArray(c, r1 + L);
      c20.fma(va, FloatVector.fromArray(F, c, r2).mul(vb)).intoArray(c, r2);
      c21.fma(va, FloatVector.fromArray(F, c, r2 + L).mul(vb)).intoArray(c, r2 + L);
      c30.fma(va, FloatVector.fromArray(F, c, r3).mul(vb)).intoArray(c, r3);
      c31.fma(va, FloatVector.fromArray(F, c, r3 + L).mul(vb)).intoArray(c, r3 + L);
      c40.fma(va, FloatVector.fromArray(F, c, r4).mul(vb)).intoArray(c, r4);
      c41.fma(va, FloatVector.fromArray(F, c, r4 + L).mul(vb)).intoArray(c, r4 + L);
      c50.fma(va, FloatVector.fromArray(F, c, r5).mul(vb)).intoArray(c, r5);
      c51.fma(va, FloatVector.fromArray(F, c, r5 + L).mul(vb)).intoArray(c, r5 + L);
      c60.fma(va, FloatVector.fromArray(F, c, r6).mul(vb)).intoArray(c, r6);
      c61.fma(va, FloatVector.fromArray(F, c, r6 + L).mul(vb)).intoArray(c, r6 + L);
      c70.fma(va, FloatVector.fromArray(F, c, r7).mul(vb)).intoArray(c, r7);
      c71.fma(va, FloatVector.fromArray(F, c, r7 + L).mul(vb)).intoArray(c, r7 + L);
    }
  }

  static void narrow4(int kc, float[] ap, int aOff, int aStride, float[] bp, int bOff, int bStride, float[] edge) {
    FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * aStride;
      FloatVector b0 = FloatVector.fromArray(F, bp, bOff + p * bStride);
      c0 = FloatVector.broadcast(F, ap[ai]).fma(b0, c0);
      c1 = FloatVector.broadcast(F, ap[ai + 1]).fma(b0, c1);
      c2 = FloatVector.broadcast(F, ap[ai + 2]).fma(b0, c2);
      c3 = FloatVector.broadcast(F, ap[ai + 3]).fma(b0, c3);
    }
    c0.intoArray(edge, 0);
    c1.intoArray(edge, NR);
    c2.intoArray(edge, 2 * NR);
    c3.intoArray(edge, 3 * NR);
  }

  static void narrow8(int kc, float[] ap, int aOff, int aStride, float[] bp, int bOff, int bStride, float[] edge) {
    FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * aStride;
      FloatVector b0 = FloatVector.fromArray(F, bp, bOff + p * bStride);
      c0 = FloatVector.broadcast(F, ap[ai]).fma(b0, c0);
      c1 = FloatVector.broadcast(F, ap[ai + 1]).fma(b0, c1);
      c2 = FloatVector.broadcast(F, ap[ai + 2]).fma(b0, c2);
      c3 = FloatVector.broadcast(F, ap[ai + 3]).fma(b0, c3);
      c4 = FloatVector.broadcast(F, ap[ai + 4]).fma(b0, c4);
      c5 = FloatVector.broadcast(F, ap[ai + 5]).fma(b0, c5);
      c6 = FloatVector.broadcast(F, ap[ai + 6]).fma(b0, c6);
      c7 = FloatVector.broadcast(F, ap[ai + 7]).fma(b0, c7);
    }
    c0.intoArray(edge, 0);
    c1.intoArray(edge, NR);
    c2.intoArray(edge, 2 * NR);
    c3.intoArray(edge, 3 * NR);
    c4.intoArray(edge, 4 * NR);
    c5.intoArray(edge, 5 * NR);
    c6.intoArray(edge, 6 * NR);
    c7.intoArray(edge, 7 * NR);
  }
}
