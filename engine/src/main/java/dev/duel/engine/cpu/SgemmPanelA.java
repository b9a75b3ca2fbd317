package dev.duel.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs one full A micro-panel (mr = 4, 8 or 12 rows of op(A), kc deep) into {@link SgemmKernel}'s layout
 * ap[panel + p·mr + i] = op(A)[i, p] with vectors of mr lanes (128 bits for 4 rows, 256 for 8; one of each
 * for 12), so a k step of the panel is one vector (two for 12).
 *
 * <pre>
 *   op(A) = Aᵀ (A stored k×m, a TN product):  op(A)[i, p] = a[src + p·lda + i]   each k step is mr
 *       consecutive floats of a: one vector load and one store.
 *   op(A) = A  (row-major, NN and NT):          op(A)[i, p] = a[src + i·lda + p]   each k step is a column
 *       of a; mr×mr blocks are transposed in registers: mr row loads, mr·log₂mr two-vector selects
 *       (the recursive block swap of {@link SgemmTranspose}, whose 8×8 transpose the 8-row panels use), mr stores, the mr k steps of a block
 *       landing contiguously. Twelve rows: per 8 k steps, rows 0–7 as an 8×8 block and rows 8–11 as two
 *       4×4 blocks, stored 12 floats apart.
 * </pre>
 *
 * The scalar loops they replace moved one float per load and store with a stride of mr on one side:
 * packing A was ~6% of a square product at n = 1024 on the Zen 5 (0.7 ms of 12.2 ms, one thread).
 * {@link #packs} says whether this JVM's vectors are wide enough; otherwise SgemmPack keeps the scalar
 * loops (a species wider than the preferred one would run in Java, not in registers).
 */
final class SgemmPanelA {
  private SgemmPanelA() {}

  static final VectorSpecies<Float> S8 = SgemmTranspose.S8;
  static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;

  private static final FloatVector LO4_2 = SgemmTranspose.stageIndex(S4, 2, false), HI4_2 = SgemmTranspose.stageIndex(S4, 2, true);
  private static final FloatVector LO4_1 = SgemmTranspose.stageIndex(S4, 1, false), HI4_1 = SgemmTranspose.stageIndex(S4, 1, true);

  /**
   * Whether panels of mr rows are packed here: mr = 4 or 8 and vectors of mr floats are native, or mr = 12
   * (eight rows and four, as for 8 and 4) with vectors of 8 floats native.
   */
  static boolean packs(int mr) {
    return (mr == 4 || mr == 8 || mr == 12) && 32 * Math.min(mr, 8) <= SgemmKernel.F.vectorBitSize();
  }

  /**
   * {@code count} full panels of op(A) = Aᵀ (A stored k×m) side by side, panel g at ap[panel + g·kc·mr], so
   * ap[panel + g·kc·mr + p·mr + i] = a[src + p·lda + g·mr + i], i < mr, p < kc: for each k step the
   * count·mr consecutive floats of a's row are read at once and spread over the panels. A panel alone reads mr
   * floats (48 bytes for 12) from rows lda apart, too little a row for the prefetchers; four panels read three
   * whole lines a row. TN 2048², one thread's 1032 rows, 2048 deep (ad-hoc probe on the AVX-512 Intel, session
   * 20): 0.84–0.94 ms against 1.1–1.3 panel by panel. Paired A/B of whole products there: the panel-by-panel build
   * took 1.081× the time at TN:6272x100x256, 1.049× at TN:6272x100x64, 1.022× at TN:512x784x64, 1.016× at
   * TN:256x512x256; 0.998–1.003× (within noise) at TN 2048², TN:784x512x256 and TN:784x512x64.
   */
  static void packColumns(int mr, float[] a, int src, int lda, int kc, float[] ap, int panel, int count) {
    int panelFloats = kc * mr;
    if (mr == 12) {
      for (int p = 0; p < kc; p++) {
        int from = src + p * lda;
        for (int g = 0, d = panel + p * 12; g < count; g++, from += 12, d += panelFloats) {
          FloatVector.fromArray(S8, a, from).intoArray(ap, d);
          FloatVector.fromArray(S4, a, from + 8).intoArray(ap, d + 8);
        }
      }
    } else if (mr == 8) {
      for (int p = 0; p < kc; p++) {
        int from = src + p * lda;
        for (int g = 0, d = panel + p * 8; g < count; g++, from += 8, d += panelFloats) FloatVector.fromArray(S8, a, from).intoArray(ap, d);
      }
    } else {
      for (int p = 0; p < kc; p++) {
        int from = src + p * lda;
        for (int g = 0, d = panel + p * 4; g < count; g++, from += 4, d += panelFloats) FloatVector.fromArray(S4, a, from).intoArray(ap, d);
      }
    }
  }

  /** A full panel of op(A) = A: ap[panel + p·mr + i] = a[src + i·lda + p], i < mr, p < kc. */
  static void packRows(int mr, float[] a, int src, int lda, int kc, float[] ap, int panel) {
    int step = Math.min(mr, 8), full = kc - kc % step;
    for (int p = 0; p < full; p += step) {
      if (mr == 12) {
        // Rows 0–7 as an 8×8 block, rows 8–11 as two 4×4 blocks, each k step 12 floats apart.
        int low = src + 8 * lda + p;
        SgemmTranspose.transpose8(a, src + p, lda, ap, panel + p * 12, 12);
        transpose4(a, low, low + lda, low + 2 * lda, low + 3 * lda, ap, panel + p * 12 + 8, 12);
        transpose4(a, low + 4, low + lda + 4, low + 2 * lda + 4, low + 3 * lda + 4, ap, panel + (p + 4) * 12 + 8, 12);
      } else if (mr == 8) {
        SgemmTranspose.transpose8(a, src + p, lda, ap, panel + p * 8, 8);
      } else {
        transpose4(a, src + p, lda, ap, panel + p * 4);
      }
    }
    for (int i = 0; i < mr; i++) {
      int row = src + i * lda;
      for (int p = full, d = panel + full * mr + i; p < kc; p++, d += mr) ap[d] = a[row + p];
    }
  }

  /** The 4×4 block at a[src] (rows lda apart) transposed into the 16 floats at ap[dst]. */
  private static void transpose4(float[] a, int src, int lda, float[] ap, int dst) {
    transpose4(a, src, src + lda, src + 2 * lda, src + 3 * lda, ap, dst, 4);
  }

  /**
   * Four rows of four floats, at a[s0], a[s1], a[s2], a[s3] (anywhere), transposed: float j of each row, in row
   * order, to ap[dst + j·dstStride …+4). Also IndexedMatrix's im2col panels, whose rows start where the pixels do.
   */
  static void transpose4(float[] a, int s0, int s1, int s2, int s3, float[] ap, int dst, int dstStride) {
    FloatVector r0 = FloatVector.fromArray(S4, a, s0);
    FloatVector r1 = FloatVector.fromArray(S4, a, s1);
    FloatVector r2 = FloatVector.fromArray(S4, a, s2);
    FloatVector r3 = FloatVector.fromArray(S4, a, s3);
    FloatVector a0 = LO4_2.selectFrom(r0, r2), a2 = HI4_2.selectFrom(r0, r2);
    FloatVector a1 = LO4_2.selectFrom(r1, r3), a3 = HI4_2.selectFrom(r1, r3);
    LO4_1.selectFrom(a0, a1).intoArray(ap, dst);
    HI4_1.selectFrom(a0, a1).intoArray(ap, dst + dstStride);
    LO4_1.selectFrom(a2, a3).intoArray(ap, dst + 2 * dstStride);
    HI4_1.selectFrom(a2, a3).intoArray(ap, dst + 3 * dstStride);
  }
}
