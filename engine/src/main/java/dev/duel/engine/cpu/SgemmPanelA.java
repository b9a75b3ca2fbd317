package dev.duel.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs one full A micro-panel (mr = 4 or 8 rows of op(A), kc deep) into {@link SgemmKernel}'s layout
 * ap[panel + p·mr + i] = op(A)[i, p] with vectors of mr lanes (128 bits for 4 rows, 256 for 8), so a
 * k step of the panel is one vector.
 *
 * <pre>
 *   op(A) = Aᵀ (A stored k×m, a TN product):  op(A)[i, p] = a[src + p·lda + i]   each k step is mr
 *       consecutive floats of a: one vector load and one store.
 *   op(A) = A  (row-major, NN and NT):          op(A)[i, p] = a[src + i·lda + p]   each k step is a column
 *       of a; mr×mr blocks are transposed in registers: mr row loads, mr·log₂mr two-vector selects
 *       (the recursive block swap of {@link SgemmTranspose}), mr stores, the mr k steps of a block
 *       landing contiguously.
 * </pre>
 *
 * The scalar loops they replace moved one float per load and store with a stride of mr on one side:
 * packing A was ~6% of a square product at n = 1024 on the Zen 5 (0.7 ms of 12.2 ms, one thread).
 * {@link #packs} says whether this JVM's vectors are wide enough; otherwise SgemmPack keeps the scalar
 * loops (a species wider than the preferred one would run in Java, not in registers).
 */
final class SgemmPanelA {
  private SgemmPanelA() {}

  static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
  static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;

  private static final FloatVector LO8_4 = stageIndex(S8, 4, false), HI8_4 = stageIndex(S8, 4, true);
  private static final FloatVector LO8_2 = stageIndex(S8, 2, false), HI8_2 = stageIndex(S8, 2, true);
  private static final FloatVector LO8_1 = stageIndex(S8, 1, false), HI8_1 = stageIndex(S8, 1, true);
  private static final FloatVector LO4_2 = stageIndex(S4, 2, false), HI4_2 = stageIndex(S4, 2, true);
  private static final FloatVector LO4_1 = stageIndex(S4, 1, false), HI4_1 = stageIndex(S4, 1, true);

  /** Whether panels of mr rows are packed here: mr = 4 or 8 and vectors of mr floats are native. */
  static boolean packs(int mr) {
    return (mr == 4 || mr == 8) && 32 * mr <= SgemmKernel.F.vectorBitSize();
  }

  /** A full panel of op(A) = Aᵀ: ap[panel + p·mr + i] = a[src + p·lda + i], i < mr, p < kc. */
  static void packColumns(int mr, float[] a, int src, int lda, int kc, float[] ap, int panel) {
    VectorSpecies<Float> s = mr == 8 ? S8 : S4;
    for (int p = 0; p < kc; p++) FloatVector.fromArray(s, a, src + p * lda).intoArray(ap, panel + p * mr);
  }

  /** A full panel of op(A) = A: ap[panel + p·mr + i] = a[src + i·lda + p], i < mr, p < kc. */
  static void packRows(int mr, float[] a, int src, int lda, int kc, float[] ap, int panel) {
    int full = kc - kc % mr;
    for (int p = 0; p < full; p += mr) {
      if (mr == 8) transpose8(a, src + p, lda, ap, panel + p * 8);
      else transpose4(a, src + p, lda, ap, panel + p * 4);
    }
    for (int i = 0; i < mr; i++) {
      int row = src + i * lda;
      for (int p = full, d = panel + full * mr + i; p < kc; p++, d += mr) ap[d] = a[row + p];
    }
  }

  /** The selector of one half of stage s of the block swap (SgemmTranspose): lane c picks r_i (< lanes) or r_(i+s). */
  private static FloatVector stageIndex(VectorSpecies<Float> species, int s, boolean hi) {
    int lanes = species.length();
    float[] idx = new float[lanes];
    for (int c = 0; c < lanes; c++) {
      boolean set = (c & s) != 0;
      idx[c] = hi ? (set ? lanes + c : c + s) : (set ? lanes + c - s : c);
    }
    return FloatVector.fromArray(species, idx, 0);
  }

  /** The 8×8 block at a[src] (rows lda apart) transposed into the 64 floats at ap[dst]. */
  private static void transpose8(float[] a, int src, int lda, float[] ap, int dst) {
    FloatVector r0 = FloatVector.fromArray(S8, a, src);
    FloatVector r1 = FloatVector.fromArray(S8, a, src + lda);
    FloatVector r2 = FloatVector.fromArray(S8, a, src + 2 * lda);
    FloatVector r3 = FloatVector.fromArray(S8, a, src + 3 * lda);
    FloatVector r4 = FloatVector.fromArray(S8, a, src + 4 * lda);
    FloatVector r5 = FloatVector.fromArray(S8, a, src + 5 * lda);
    FloatVector r6 = FloatVector.fromArray(S8, a, src + 6 * lda);
    FloatVector r7 = FloatVector.fromArray(S8, a, src + 7 * lda);
    FloatVector a0 = LO8_4.selectFrom(r0, r4), a4 = HI8_4.selectFrom(r0, r4);
    FloatVector a1 = LO8_4.selectFrom(r1, r5), a5 = HI8_4.selectFrom(r1, r5);
    FloatVector a2 = LO8_4.selectFrom(r2, r6), a6 = HI8_4.selectFrom(r2, r6);
    FloatVector a3 = LO8_4.selectFrom(r3, r7), a7 = HI8_4.selectFrom(r3, r7);
    FloatVector b0 = LO8_2.selectFrom(a0, a2), b2 = HI8_2.selectFrom(a0, a2);
    FloatVector b1 = LO8_2.selectFrom(a1, a3), b3 = HI8_2.selectFrom(a1, a3);
    FloatVector b4 = LO8_2.selectFrom(a4, a6), b6 = HI8_2.selectFrom(a4, a6);
    FloatVector b5 = LO8_2.selectFrom(a5, a7), b7 = HI8_2.selectFrom(a5, a7);
    LO8_1.selectFrom(b0, b1).intoArray(ap, dst);
    HI8_1.selectFrom(b0, b1).intoArray(ap, dst + 8);
    LO8_1.selectFrom(b2, b3).intoArray(ap, dst + 16);
    HI8_1.selectFrom(b2, b3).intoArray(ap, dst + 24);
    LO8_1.selectFrom(b4, b5).intoArray(ap, dst + 32);
    HI8_1.selectFrom(b4, b5).intoArray(ap, dst + 40);
    LO8_1.selectFrom(b6, b7).intoArray(ap, dst + 48);
    HI8_1.selectFrom(b6, b7).intoArray(ap, dst + 56);
  }

  /** The 4×4 block at a[src] (rows lda apart) transposed into the 16 floats at ap[dst]. */
  private static void transpose4(float[] a, int src, int lda, float[] ap, int dst) {
    FloatVector r0 = FloatVector.fromArray(S4, a, src);
    FloatVector r1 = FloatVector.fromArray(S4, a, src + lda);
    FloatVector r2 = FloatVector.fromArray(S4, a, src + 2 * lda);
    FloatVector r3 = FloatVector.fromArray(S4, a, src + 3 * lda);
    FloatVector a0 = LO4_2.selectFrom(r0, r2), a2 = HI4_2.selectFrom(r0, r2);
    FloatVector a1 = LO4_2.selectFrom(r1, r3), a3 = HI4_2.selectFrom(r1, r3);
    LO4_1.selectFrom(a0, a1).intoArray(ap, dst);
    HI4_1.selectFrom(a0, a1).intoArray(ap, dst + 4);
    LO4_1.selectFrom(a2, a3).intoArray(ap, dst + 8);
    HI4_1.selectFrom(a2, a3).intoArray(ap, dst + 12);
  }
}
