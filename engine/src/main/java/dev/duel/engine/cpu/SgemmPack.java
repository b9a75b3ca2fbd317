package dev.duel.engine.cpu;

import static dev.duel.engine.cpu.SgemmKernel.F;
import static dev.duel.engine.cpu.SgemmKernel.L;
import static dev.duel.engine.cpu.SgemmKernel.NR;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Packing for {@link Sgemm}: copies a block of op(A) or op(B) into the micro-panel layout that
 * {@link SgemmKernel} streams, padding the last panel with zeros so the kernel always runs full tiles.
 *
 * <pre>
 *   A block op(A)[i0 : i0+mc, p0 : p0+kc] → ceil(mc/mr) panels, panel r at ap[r·kc·mr], each kc×mr
 *   B block op(B)[p0 : p0+kc, j0 : j0+nc] → ceil(nc/NR) panels, panel q at bp[q·kc·NR], each kc×NR
 * </pre>
 *
 * op(A)[i, p] is a[aOff + i·lda + p], or a[aOff + p·lda + i] when transposed; likewise for B.
 */
final class SgemmPack {
  private SgemmPack() {}

  /** Full panels of op(A) = Aᵀ packed together, a row's floats read at once ({@link SgemmPanelA#packColumns(int, float[], int, int, int, float[], int, int)}). */
  static final int TRANSPOSED_PANELS_TOGETHER = 4;

  static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int mc, int p0, int kc, int mr, float[] ap, int apOff) {
    for (int r = 0, panel = apOff, step; r < mc; r += step * mr, panel += step * kc * mr) {
      int rows = Math.min(mr, mc - r);
      step = 1;
      if (rows < mr) Arrays.fill(ap, panel, panel + kc * mr, 0f);
      if (rows == mr && SgemmPanelA.packs(mr)) {
        // Full panels by vectors of mr lanes: for Aᵀ a copy per k step, up to TRANSPOSED_PANELS_TOGETHER full panels
        // at once; for A mr×mr register transposes.
        if (transA) {
          step = Math.min(TRANSPOSED_PANELS_TOGETHER, (mc - r) / mr);
          SgemmPanelA.packColumns(mr, a, aOff + p0 * lda + i0 + r, lda, kc, ap, panel, step);
        } else {
          SgemmPanelA.packRows(mr, a, aOff + (i0 + r) * lda + p0, lda, kc, ap, panel);
        }
      } else if (transA) {
        // op(A)[i, p] = a[p·lda + i]: each k step is mr consecutive floats.
        int src = aOff + p0 * lda + i0 + r;
        for (int p = 0, d = panel; p < kc; p++, src += lda, d += mr) {
          for (int i = 0; i < rows; i++) ap[d + i] = a[src + i];
        }
      } else {
        // op(A)[i, p] = a[i·lda + p]: read each of the rows contiguously, write mr apart.
        for (int i = 0; i < rows; i++) {
          int src = aOff + (i0 + r + i) * lda + p0;
          for (int p = 0; p < kc; p++) ap[panel + p * mr + i] = a[src + p];
        }
      }
    }
  }

  /**
   * Full panels of B (not transposed) packed together, a row's count·NR floats read at once. On the Zen 5 (session
   * 21, both threads packing their own 2048² B in 1024 × 128 blocks, ad-hoc probe): 0.65–0.78 ms a B in groups of
   * four, 1.19–1.25 ms panel by panel, where each row gives 128 bytes and the rows lie 8 KiB apart. Paired, panel by
   * panel took 1.10–1.11× the time at NN:64x512x784 and NN:64x784x512 (docs/benchmarks.md).
   * {@code -Dduel.sgemm.packBRows=false} makes it 1 (panel by panel), for A/B measurements.
   */
  static final int B_PANELS_TOGETHER = CpuSettings.choice("duel.sgemm.packBRows", "true",
      "true or false (whether B's full panels are packed in groups, a row at a time)", "true", "false").equals("true") ? 4 : 1;

  /** count full NR-column panels of B from b[src] (rows ldb apart) into bp[panel…], kc×NR each, one source row at a time. */
  private static void packRowGroup(float[] b, int src, int ldb, int kc, int count, float[] bp, int panel) {
    int panelFloats = kc * NR;
    for (int p = 0, d = panel; p < kc; p++, d += NR, src += ldb) {
      for (int g = 0, s = src, dg = d; g < count; g++, s += NR, dg += panelFloats) {
        FloatVector.fromArray(F, b, s).intoArray(bp, dg);
        FloatVector.fromArray(F, b, s + L).intoArray(bp, dg + L);
      }
    }
  }

  /** Packs B panels panelFrom (inclusive) to panelTo (exclusive) of the block starting at column j0, at bp[bpOff]. */
  static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc,
                    int panelFrom, int panelTo, float[] bp, int bpOff) {
    for (int q = panelFrom, step; q < panelTo; q += step) {
      int col = q * NR;
      int cols = Math.min(NR, nc - col);
      int panel = bpOff + q * kc * NR;
      step = 1;
      if (cols < NR) Arrays.fill(bp, panel, panel + kc * NR, 0f);
      if (transB && cols == NR && SgemmTranspose.packs()) {
        SgemmTranspose.packPanel(b, bOff, ldb, p0, kc, j0 + col, bp, panel);
      } else if (transB) {
        // op(B)[p, j] = b[j·ldb + p]: read each of the NR rows of b contiguously.
        for (int j = 0; j < cols; j++) {
          int src = bOff + (j0 + col + j) * ldb + p0;
          for (int p = 0, d = panel + j; p < kc; p++, d += NR) bp[d] = b[src + p];
        }
      } else if (cols == NR) {
        // This and the following full panels, up to B_PANELS_TOGETHER, from each source row at once.
        step = Math.min(B_PANELS_TOGETHER, Math.min(panelTo, nc / NR) - q);
        packRowGroup(b, bOff + p0 * ldb + j0 + col, ldb, kc, step, bp, panel);
      } else {
        int src = bOff + p0 * ldb + j0 + col;
        for (int p = 0, d = panel; p < kc; p++, src += ldb, d += NR) {
          for (int j = 0; j < cols; j++) bp[d + j] = b[src + j];
        }
      }
    }
  }
}
