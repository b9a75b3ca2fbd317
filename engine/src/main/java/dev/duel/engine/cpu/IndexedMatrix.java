package dev.duel.engine.cpu;

import static dev.duel.engine.cpu.SgemmKernel.F;
import static dev.duel.engine.cpu.SgemmKernel.L;
import static dev.duel.engine.cpu.SgemmKernel.NR;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

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
      if (rows == mr && rowIdx[first + mr - 1] - rowIdx[first] == mr - 1) {
        // The mr rows are adjacent in src (e.g. mr consecutive pixels of gy, or s = 0…3 of one kernel
        // row): each depth step is mr consecutive floats.
        int ro = rowIdx[first];
        for (int p = 0, d = panel; p < kc; p++, d += mr) {
          int at = ro + colIdx[c0 + p];
          for (int i = 0; i < mr; i++) ap[d + i] = src[at + i];
        }
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
