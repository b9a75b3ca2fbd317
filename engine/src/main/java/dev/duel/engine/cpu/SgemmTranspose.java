package dev.duel.engine.cpu;

import static dev.duel.engine.cpu.SgemmKernel.F;
import static dev.duel.engine.cpu.SgemmKernel.L;
import static dev.duel.engine.cpu.SgemmKernel.NR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs a transposed B (op(B)[p, j] = b[j·ldb + p]: a linear layer's weights in its forward product, NT)
 * into {@link SgemmKernel}'s kc×NR panels by L×L transposes in vector registers: L rows of b (L columns
 * of op(B)), L floats of each, become L rows of the panel.
 *
 * <p>The transpose is the recursive block swap: with rows r_i of the block, the stage of size s pairs rows
 * i and i + s (i's bit s clear) and makes
 * <pre>
 *   r_i'     = (r_i[c]       where c's bit s is clear, r_(i+s)[c − s] where it is set)
 *   r_(i+s)' = (r_i[c + s]   where c's bit s is clear, r_(i+s)[c]     where it is set)
 * </pre>
 * which swaps the off-diagonal s×s blocks of every 2s×2s block; stages s = L/2, L/4, …, 1 transpose the
 * whole block. Each half of a stage is one two-vector select (vpermt2ps with AVX-512), so a block costs
 * L loads, L·log₂L selects and L stores. The scalar loop it replaces moved one float per load and store
 * (0.7 ns per float on the Zen 5, and 20% of an NT:256x512x784 product; docs/benchmarks.md, session 9).
 * Only for 8- and 16-lane vectors; {@link #packs} says whether this JVM's are.
 */
final class SgemmTranspose {
  private SgemmTranspose() {}

  /** 256-bit vectors: the 8×8 transpose, for B panels where L = 8 (F is this species) and for SgemmPanelA's 8-row A panels. */
  static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;

  private static final FloatVector LO16_8 = stage16(8, false), HI16_8 = stage16(8, true);
  private static final FloatVector LO16_4 = stage16(4, false), HI16_4 = stage16(4, true);
  private static final FloatVector LO16_2 = stage16(2, false), HI16_2 = stage16(2, true);
  private static final FloatVector LO16_1 = stage16(1, false), HI16_1 = stage16(1, true);
  private static final FloatVector LO8_4 = stageIndex(S8, 4, false), HI8_4 = stageIndex(S8, 4, true);
  private static final FloatVector LO8_2 = stageIndex(S8, 2, false), HI8_2 = stageIndex(S8, 2, true);
  private static final FloatVector LO8_1 = stageIndex(S8, 1, false), HI8_1 = stageIndex(S8, 1, true);

  /** Whether the register transpose runs here: L is 8 (AVX2) or 16 (AVX-512). */
  static boolean packs() {
    return L == 8 || L == 16;
  }

  /**
   * Full panel q of the transposed B (its NR columns all inside the block), depth [p0, p0 + kc): the
   * whole L-deep steps by register transposes, the last kc mod L rows by the scalar loop.
   */
  static void packPanel(float[] b, int bOff, int ldb, int p0, int kc, int firstColumn, float[] bp, int panel) {
    int full = kc - kc % L;
    for (int h = 0; h < NR; h += L) {
      int src = bOff + (firstColumn + h) * ldb + p0;
      for (int p = 0; p < full; p += L) {
        if (L == 16) transpose16(b, src + p, ldb, bp, panel + p * NR + h);
        else transpose8(b, src + p, ldb, bp, panel + p * NR + h, NR);
      }
      for (int j = 0; j < L; j++) {
        int row = src + j * ldb;
        for (int p = full, d = panel + full * NR + h + j; p < kc; p++, d += NR) bp[d] = b[row + p];
      }
    }
  }

  /**
   * The selector of one half of stage s for vectors of the given species: lane c picks r_i (0 … lanes−1)
   * or r_(i+s) (lanes … 2·lanes−1), as above. Also SgemmSkinny's folds (the same lanes, added instead of
   * kept apart) and SgemmPanelA's 4×4 transposes use it.
   */
  static FloatVector stageIndex(VectorSpecies<Float> species, int s, boolean hi) {
    int lanes = species.length();
    float[] idx = new float[lanes];
    for (int c = 0; c < lanes; c++) {
      boolean set = (c & s) != 0;
      idx[c] = hi ? (set ? lanes + c : c + s) : (set ? lanes + c - s : c);
    }
    return FloatVector.fromArray(species, idx, 0);
  }

  /** Stage s of the 16×16 transpose, or null where the vectors are not 16 lanes (it is then never run). */
  private static FloatVector stage16(int s, boolean hi) {
    return L == 16 ? stageIndex(F, s, hi) : null;
  }

  /** The 16×16 block at b[src] (rows ldb apart) transposed into bp[dst], rows NR apart. */
  private static void transpose16(float[] b, int src, int ldb, float[] bp, int dst) {
    FloatVector r0 = FloatVector.fromArray(F, b, src);
    FloatVector r1 = FloatVector.fromArray(F, b, src + 1 * ldb);
    FloatVector r2 = FloatVector.fromArray(F, b, src + 2 * ldb);
    FloatVector r3 = FloatVector.fromArray(F, b, src + 3 * ldb);
    FloatVector r4 = FloatVector.fromArray(F, b, src + 4 * ldb);
    FloatVector r5 = FloatVector.fromArray(F, b, src + 5 * ldb);
    FloatVector r6 = FloatVector.fromArray(F, b, src + 6 * ldb);
    FloatVector r7 = FloatVector.fromArray(F, b, src + 7 * ldb);
    FloatVector r8 = FloatVector.fromArray(F, b, src + 8 * ldb);
    FloatVector r9 = FloatVector.fromArray(F, b, src + 9 * ldb);
    FloatVector r10 = FloatVector.fromArray(F, b, src + 10 * ldb);
    FloatVector r11 = FloatVector.fromArray(F, b, src + 11 * ldb);
    FloatVector r12 = FloatVector.fromArray(F, b, src + 12 * ldb);
    FloatVector r13 = FloatVector.fromArray(F, b, src + 13 * ldb);
    FloatVector r14 = FloatVector.fromArray(F, b, src + 14 * ldb);
    FloatVector r15 = FloatVector.fromArray(F, b, src + 15 * ldb);
    FloatVector a0 = LO16_8.selectFrom(r0, r8), a8 = HI16_8.selectFrom(r0, r8);
    FloatVector a1 = LO16_8.selectFrom(r1, r9), a9 = HI16_8.selectFrom(r1, r9);
    FloatVector a2 = LO16_8.selectFrom(r2, r10), a10 = HI16_8.selectFrom(r2, r10);
    FloatVector a3 = LO16_8.selectFrom(r3, r11), a11 = HI16_8.selectFrom(r3, r11);
    FloatVector a4 = LO16_8.selectFrom(r4, r12), a12 = HI16_8.selectFrom(r4, r12);
    FloatVector a5 = LO16_8.selectFrom(r5, r13), a13 = HI16_8.selectFrom(r5, r13);
    FloatVector a6 = LO16_8.selectFrom(r6, r14), a14 = HI16_8.selectFrom(r6, r14);
    FloatVector a7 = LO16_8.selectFrom(r7, r15), a15 = HI16_8.selectFrom(r7, r15);
    FloatVector b0 = LO16_4.selectFrom(a0, a4), b4 = HI16_4.selectFrom(a0, a4);
    FloatVector b1 = LO16_4.selectFrom(a1, a5), b5 = HI16_4.selectFrom(a1, a5);
    FloatVector b2 = LO16_4.selectFrom(a2, a6), b6 = HI16_4.selectFrom(a2, a6);
    FloatVector b3 = LO16_4.selectFrom(a3, a7), b7 = HI16_4.selectFrom(a3, a7);
    FloatVector b8 = LO16_4.selectFrom(a8, a12), b12 = HI16_4.selectFrom(a8, a12);
    FloatVector b9 = LO16_4.selectFrom(a9, a13), b13 = HI16_4.selectFrom(a9, a13);
    FloatVector b10 = LO16_4.selectFrom(a10, a14), b14 = HI16_4.selectFrom(a10, a14);
    FloatVector b11 = LO16_4.selectFrom(a11, a15), b15 = HI16_4.selectFrom(a11, a15);
    FloatVector c0 = LO16_2.selectFrom(b0, b2), c2 = HI16_2.selectFrom(b0, b2);
    FloatVector c1 = LO16_2.selectFrom(b1, b3), c3 = HI16_2.selectFrom(b1, b3);
    FloatVector c4 = LO16_2.selectFrom(b4, b6), c6 = HI16_2.selectFrom(b4, b6);
    FloatVector c5 = LO16_2.selectFrom(b5, b7), c7 = HI16_2.selectFrom(b5, b7);
    FloatVector c8 = LO16_2.selectFrom(b8, b10), c10 = HI16_2.selectFrom(b8, b10);
    FloatVector c9 = LO16_2.selectFrom(b9, b11), c11 = HI16_2.selectFrom(b9, b11);
    FloatVector c12 = LO16_2.selectFrom(b12, b14), c14 = HI16_2.selectFrom(b12, b14);
    FloatVector c13 = LO16_2.selectFrom(b13, b15), c15 = HI16_2.selectFrom(b13, b15);
    FloatVector d0 = LO16_1.selectFrom(c0, c1), d1 = HI16_1.selectFrom(c0, c1);
    FloatVector d2 = LO16_1.selectFrom(c2, c3), d3 = HI16_1.selectFrom(c2, c3);
    FloatVector d4 = LO16_1.selectFrom(c4, c5), d5 = HI16_1.selectFrom(c4, c5);
    FloatVector d6 = LO16_1.selectFrom(c6, c7), d7 = HI16_1.selectFrom(c6, c7);
    FloatVector d8 = LO16_1.selectFrom(c8, c9), d9 = HI16_1.selectFrom(c8, c9);
    FloatVector d10 = LO16_1.selectFrom(c10, c11), d11 = HI16_1.selectFrom(c10, c11);
    FloatVector d12 = LO16_1.selectFrom(c12, c13), d13 = HI16_1.selectFrom(c12, c13);
    FloatVector d14 = LO16_1.selectFrom(c14, c15), d15 = HI16_1.selectFrom(c14, c15);
    d0.intoArray(bp, dst);
    d1.intoArray(bp, dst + 1 * NR);
    d2.intoArray(bp, dst + 2 * NR);
    d3.intoArray(bp, dst + 3 * NR);
    d4.intoArray(bp, dst + 4 * NR);
    d5.intoArray(bp, dst + 5 * NR);
    d6.intoArray(bp, dst + 6 * NR);
    d7.intoArray(bp, dst + 7 * NR);
    d8.intoArray(bp, dst + 8 * NR);
    d9.intoArray(bp, dst + 9 * NR);
    d10.intoArray(bp, dst + 10 * NR);
    d11.intoArray(bp, dst + 11 * NR);
    d12.intoArray(bp, dst + 12 * NR);
    d13.intoArray(bp, dst + 13 * NR);
    d14.intoArray(bp, dst + 14 * NR);
    d15.intoArray(bp, dst + 15 * NR);
  }

  /** The 8×8 block at b[src] (rows ldb apart) transposed into bp[dst], rows dstStride apart; 256-bit vectors. */
  static void transpose8(float[] b, int src, int ldb, float[] bp, int dst, int dstStride) {
    FloatVector r0 = FloatVector.fromArray(S8, b, src);
    FloatVector r1 = FloatVector.fromArray(S8, b, src + 1 * ldb);
    FloatVector r2 = FloatVector.fromArray(S8, b, src + 2 * ldb);
    FloatVector r3 = FloatVector.fromArray(S8, b, src + 3 * ldb);
    FloatVector r4 = FloatVector.fromArray(S8, b, src + 4 * ldb);
    FloatVector r5 = FloatVector.fromArray(S8, b, src + 5 * ldb);
    FloatVector r6 = FloatVector.fromArray(S8, b, src + 6 * ldb);
    FloatVector r7 = FloatVector.fromArray(S8, b, src + 7 * ldb);
    FloatVector a0 = LO8_4.selectFrom(r0, r4), a4 = HI8_4.selectFrom(r0, r4);
    FloatVector a1 = LO8_4.selectFrom(r1, r5), a5 = HI8_4.selectFrom(r1, r5);
    FloatVector a2 = LO8_4.selectFrom(r2, r6), a6 = HI8_4.selectFrom(r2, r6);
    FloatVector a3 = LO8_4.selectFrom(r3, r7), a7 = HI8_4.selectFrom(r3, r7);
    FloatVector b0 = LO8_2.selectFrom(a0, a2), b2 = HI8_2.selectFrom(a0, a2);
    FloatVector b1 = LO8_2.selectFrom(a1, a3), b3 = HI8_2.selectFrom(a1, a3);
    FloatVector b4 = LO8_2.selectFrom(a4, a6), b6 = HI8_2.selectFrom(a4, a6);
    FloatVector b5 = LO8_2.selectFrom(a5, a7), b7 = HI8_2.selectFrom(a5, a7);
    FloatVector c0 = LO8_1.selectFrom(b0, b1), c1 = HI8_1.selectFrom(b0, b1);
    FloatVector c2 = LO8_1.selectFrom(b2, b3), c3 = HI8_1.selectFrom(b2, b3);
    FloatVector c4 = LO8_1.selectFrom(b4, b5), c5 = HI8_1.selectFrom(b4, b5);
    FloatVector c6 = LO8_1.selectFrom(b6, b7), c7 = HI8_1.selectFrom(b6, b7);
    c0.intoArray(bp, dst);
    c1.intoArray(bp, dst + 1 * dstStride);
    c2.intoArray(bp, dst + 2 * dstStride);
    c3.intoArray(bp, dst + 3 * dstStride);
    c4.intoArray(bp, dst + 4 * dstStride);
    c5.intoArray(bp, dst + 5 * dstStride);
    c6.intoArray(bp, dst + 6 * dstStride);
    c7.intoArray(bp, dst + 7 * dstStride);
  }
}
