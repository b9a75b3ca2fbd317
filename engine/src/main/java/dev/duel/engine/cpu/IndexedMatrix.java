package dev.duel.engine.cpu;

import static dev.duel.engine.cpu.SgemmKernel.F;
import static dev.duel.engine.cpu.SgemmKernel.L;
import static dev.duel.engine.cpu.SgemmKernel.NR;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A matrix read through two index tables, M[i, j] = src[rowIdx[rowStart + i] + colIdx[colStart + j]],
 * packed for {@link GemmDriver} as its A or its B. Every operand of an implicit-GEMM convolution has
 * this form, so im2col is never materialised:
 *
 * <pre>
 *   im2col of (padded) x:  col[(c,r,s), (n,p,q)] = xp[off(c,r,s) + base(n,p,q)]
 *                          off = c·Hp·Wp + r·Wp + s,  base = n·C·Hp·Wp + p·sh·Wp + q·sw
 *   gy as K × (N·P·Q):     gy'[k, (n,p,q)]       = gy[k·PQ + n·K·PQ + p·Q + q]
 * </pre>
 *
 * Both tables must be strictly increasing (all of the above are): then a run of entries whose first
 * and last differ by the run's length − 1 is contiguous in src, and packing copies it without
 * per-element lookups.
 */
final class IndexedMatrix implements GemmDriver.APacker, GemmDriver.BPacker {

  final float[] src;
  final int[] rowIdx, colIdx;
  final int rowStart, colStart;

  IndexedMatrix(float[] src, int[] rowIdx, int rowStart, int[] colIdx, int colStart) {
    this.src = src;
    this.rowIdx = rowIdx;
    this.rowStart = rowStart;
    this.colIdx = colIdx;
    this.colStart = colStart;
  }

  /** As A: rows [i0, i0+mc), depth (columns) [p0, p0+kc). */
  @Override
  public void packA(int i0, int mc, int p0, int kc, int mr, float[] ap, int apOff) {
    int c0 = colStart + p0;
    boolean colsContiguous = colIdx[c0 + kc - 1] - colIdx[c0] == kc - 1;
    for (int r = 0, panel = apOff; r < mc; r += mr, panel += kc * mr) {
      int rows = Math.min(mr, mc - r);
      int first = rowStart + i0 + r;
      int run = rows == mr ? adjacentRun(first, mr) : 0;
      if (run > 0) {
        // Runs of adjacent rows in src (mr consecutive pixels of gy; or, with S = 4, the taps s = 0…3 of two
        // kernel rows, the A of a convolution's weight gradient): each depth step copies one vector per run.
        // (Two loops with the row offsets hoisted: a loop over the runs inside the depth loop packed the weight
        // gradient's col 3.7× slower in an ad-hoc probe on the Zen 4.)
        int ro = rowIdx[first];
        if (run == mr && mr == 12) {
          for (int p = 0, d = panel; p < kc; p++, d += 12) {
            int at = ro + colIdx[c0 + p];
            FloatVector.fromArray(SgemmPanelA.S8, src, at).intoArray(ap, d);
            FloatVector.fromArray(SgemmPanelA.S4, src, at + 8).intoArray(ap, d + 8);
          }
        } else if (run == mr) {
          VectorSpecies<Float> species = mr == 8 ? SgemmPanelA.S8 : SgemmPanelA.S4;
          for (int p = 0, d = panel; p < kc; p++, d += mr) FloatVector.fromArray(species, src, ro + colIdx[c0 + p]).intoArray(ap, d);
        } else if (mr == 8) {
          int r4 = rowIdx[first + 4];
          for (int p = 0, d = panel; p < kc; p++, d += 8) {
            int at = colIdx[c0 + p];
            FloatVector.fromArray(SgemmPanelA.S4, src, ro + at).intoArray(ap, d);
            FloatVector.fromArray(SgemmPanelA.S4, src, r4 + at).intoArray(ap, d + 4);
          }
        } else {
          int r4 = rowIdx[first + 4], r8 = rowIdx[first + 8];
          for (int p = 0, d = panel; p < kc; p++, d += 12) {
            int at = colIdx[c0 + p];
            FloatVector.fromArray(SgemmPanelA.S4, src, ro + at).intoArray(ap, d);
            FloatVector.fromArray(SgemmPanelA.S4, src, r4 + at).intoArray(ap, d + 4);
            FloatVector.fromArray(SgemmPanelA.S4, src, r8 + at).intoArray(ap, d + 8);
          }
        }
        continue;
      }
      if (rows == mr && SgemmPanelA.packs(mr) && !colsContiguous) {
        packRunsOfFour(first, c0, kc, mr, ap, panel);
        continue;
      }
      if (rows < mr) Arrays.fill(ap, panel, panel + kc * mr, 0f);
      for (int i = 0; i < rows; i++) {
        int ro = rowIdx[first + i];
        if (colsContiguous) {
          int at = ro + colIdx[c0];
          for (int p = 0, d = panel + i; p < kc; p++, d += mr) ap[d] = src[at + p];
        } else {
          for (int p = 0, d = panel + i; p < kc; p++, d += mr) ap[d] = src[ro + colIdx[c0 + p]];
        }
      }
    }
  }

  /**
   * A full panel of mr scattered rows (im2col's pixels, stride 2 apart and jumping at the ends of output rows) whose
   * depth comes in runs of four consecutive floats (the kernel taps s = 0…3 of a 4-wide kernel): each run of four
   * depth steps is a 4×4 register transpose per four rows (SgemmPanelA.transpose4), the four steps landing
   * contiguously; depth steps outside such runs, one float at a time. The scalar loop moved one float per load
   * and store, 0.6 ns a float on the Zen 4, and was a sixth of dcgan28's 64→128 convolution.
   */
  private void packRunsOfFour(int first, int c0, int kc, int mr, float[] ap, int panel) {
    if (mr == 8 && L == 16 && packTwoStridedRuns(first, c0, kc, ap, panel)) return;
    int b0 = rowIdx[first], b1 = rowIdx[first + 1], b2 = rowIdx[first + 2], b3 = rowIdx[first + 3];
    int b4 = mr >= 8 ? rowIdx[first + 4] : 0, b5 = mr >= 8 ? rowIdx[first + 5] : 0;
    int b6 = mr >= 8 ? rowIdx[first + 6] : 0, b7 = mr >= 8 ? rowIdx[first + 7] : 0;
    int b8 = mr == 12 ? rowIdx[first + 8] : 0, b9 = mr == 12 ? rowIdx[first + 9] : 0;
    int b10 = mr == 12 ? rowIdx[first + 10] : 0, b11 = mr == 12 ? rowIdx[first + 11] : 0;
    int p = 0;
    for (; p + 4 <= kc; p += 4) {
      int at = colIdx[c0 + p], d = panel + p * mr;
      if (colIdx[c0 + p + 3] - at == 3) {
        SgemmPanelA.transpose4(src, b0 + at, b1 + at, b2 + at, b3 + at, ap, d, mr);
        if (mr >= 8) SgemmPanelA.transpose4(src, b4 + at, b5 + at, b6 + at, b7 + at, ap, d + 4, mr);
        if (mr == 12) SgemmPanelA.transpose4(src, b8 + at, b9 + at, b10 + at, b11 + at, ap, d + 8, 12);
      } else {
        for (int q = p; q < p + 4; q++) packStep(first, colIdx[c0 + q], mr, ap, panel + q * mr);
      }
    }
    for (; p < kc; p++) packStep(first, colIdx[c0 + p], mr, ap, panel + p * mr);
  }

  /**
   * An 8-row panel of pixels whose rows are at most two runs of one stride (1 or 2: the pixels of at most two output
   * rows, as in every panel of dcgan28's 7×7 outputs with one break or none), with 16 float lanes: rows 0…k−1 start
   * at bA + stride·i and rows k…7 at bB + stride·(i − k). Then the 8 rows × 4 taps of a depth run lie within the 16
   * floats at bA + at and the 16 at bB + at, and two two-source permutes of those two loads give the 32 packed floats
   * (taps 0–1, then 2–3) in place of 8 transposes of 4×4. Returns false, packing nothing, for any other panel, or
   * when a 16-float load would pass the end of src.
   */
  private boolean packTwoStridedRuns(int first, int c0, int kc, float[] ap, int panel) {
    int stride = 0, k = 0;
    for (int st = 2; st >= 1 && stride == 0; st--) {
      int breaks = 0, at = 8;
      for (int i = 1; i < 8; i++) {
        if (rowIdx[first + i] - rowIdx[first + i - 1] != st) {
          breaks++;
          at = i;
        }
      }
      if (breaks <= 1) {
        stride = st;
        k = breaks == 0 ? 4 : at;   // one run: split into two of four
      }
    }
    if (stride == 0) return false;
    int bA = rowIdx[first], bB = rowIdx[first + k];
    if (Math.max(bA, bB) + colIdx[c0 + kc - 1] + 16 > src.length) return false;
    FloatVector lo = TWO_RUNS[stride - 1][k][0], hi = TWO_RUNS[stride - 1][k][1];
    int p = 0;
    for (; p + 4 <= kc; p += 4) {
      int at = colIdx[c0 + p], d = panel + p * 8;
      if (colIdx[c0 + p + 3] - at == 3) {
        FloatVector va = FloatVector.fromArray(F, src, bA + at), vb = FloatVector.fromArray(F, src, bB + at);
        lo.selectFrom(va, vb).intoArray(ap, d);
        hi.selectFrom(va, vb).intoArray(ap, d + 16);
      } else {
        for (int q = p; q < p + 4; q++) packStep(first, colIdx[c0 + q], 8, ap, panel + q * 8);
      }
    }
    for (; p < kc; p++) packStep(first, colIdx[c0 + p], 8, ap, panel + p * 8);
    return true;
  }

  /**
   * TWO_RUNS[stride − 1][k] = {lo, hi}: the permutes of {@link #packTwoStridedRuns} (16 lanes) for rows split at k.
   * Lane s·8 + i of lo (taps s = 0, 1) and of hi (taps s = 2, 3, as s − 2) takes float stride·i + s of the first load
   * for row i < k, and float stride·(i − k) + s of the second (index + 16) for i ≥ k.
   */
  private static final FloatVector[][][] TWO_RUNS = twoRunPermutes();

  private static FloatVector[][][] twoRunPermutes() {
    if (L != 16) return null;
    FloatVector[][][] t = new FloatVector[2][8][2];
    for (int stride = 1; stride <= 2; stride++)
      for (int k = 1; k < 8; k++)
        for (int half = 0; half < 2; half++) {
          float[] idx = new float[16];
          for (int lane = 0; lane < 16; lane++) {
            int s = 2 * half + lane / 8, i = lane % 8;
            idx[lane] = i < k ? stride * i + s : 16 + stride * (i - k) + s;
          }
          t[stride - 1][k][half] = FloatVector.fromArray(F, idx, 0);
        }
    return t;
  }

  /** One depth step of a full panel: ap[d + i] = src[rowIdx[first + i] + at], i < mr. */
  private void packStep(int first, int at, int mr, float[] ap, int d) {
    for (int i = 0; i < mr; i++) ap[d + i] = src[rowIdx[first + i] + at];
  }

  /**
   * The run of a full panel's rows that are consecutive floats of src (the table is increasing): mr when all are,
   * 4 when an 8- or 12-row panel is such runs of four, else 0 (rows packed otherwise).
   */
  private int adjacentRun(int first, int mr) {
    if (rowIdx[first + mr - 1] - rowIdx[first] == mr - 1) return mr;
    if (mr == 4) return 0;
    for (int i = 0; i < mr; i += 4) {
      if (rowIdx[first + i + 3] - rowIdx[first + i] != 3) return 0;
    }
    return 4;
  }

  /** As B: depth (rows) [p0, p0+kc), the NR-column panels [qFrom, qTo) of columns [j0, j0+nc). */
  @Override
  public void packB(int p0, int kc, int j0, int nc, int qFrom, int qTo, float[] bp, int bpOff) {
    for (int q = qFrom; q < qTo; q++) {
      int col = colStart + j0 + q * NR;
      int cols = Math.min(NR, nc - q * NR);
      int panel = bpOff + q * kc * NR;
      if (cols < NR) {
        Arrays.fill(bp, panel, panel + kc * NR, 0f);
        for (int p = 0, d = panel; p < kc; p++, d += NR) {
          int ro = rowIdx[rowStart + p0 + p];
          for (int j = 0; j < cols; j++) bp[d + j] = src[ro + colIdx[col + j]];
        }
      } else if (colIdx[col + NR - 1] - colIdx[col] == NR - 1) {
        int co = colIdx[col];
        for (int p = 0, d = panel; p < kc; p++, d += NR) {
          int s = rowIdx[rowStart + p0 + p] + co;
          FloatVector.fromArray(F, src, s).intoArray(bp, d);
          FloatVector.fromArray(F, src, s + L).intoArray(bp, d + L);
        }
      } else {
        // General columns (e.g. im2col with stride 2). Vector gathers were no faster in the whole conv.
        for (int p = 0, d = panel; p < kc; p++, d += NR) {
          int ro = rowIdx[rowStart + p0 + p];
          for (int j = 0; j < NR; j++) bp[d + j] = src[ro + colIdx[col + j]];
        }
      }
    }
  }
}
