package dev.duel.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link IndexedMatrix#packA} against its definition, ap[panel + p·mr + i] = src[rowIdx[i] + colIdx[p]] (zero past
 * the last row), for every way it packs: rows adjacent (one vector per depth step), two runs of four rows, scattered
 * rows with depth in runs of four (register transposes) or not, contiguous depth; for 4- and 8-row panels.
 */
class IndexedMatrixTest {
  private final SplittableRandom rnd = new SplittableRandom(7);

  /** An increasing table of n entries: runs of `run` consecutive values, then a jump of 2…9 (run 1: always a jump). */
  private int[] table(int n, int run) {
    int[] t = new int[n];
    int v = rnd.nextInt(5);
    for (int i = 0; i < n; i++) {
      t[i] = v;
      v += (i + 1) % run == 0 ? 2 + rnd.nextInt(8) : 1;
    }
    return t;
  }

  @Test
  void everyPackingFormMatchesTheDefinition() {
    int[][] rowRuns = {{1}, {4}, {8}, {12}, {64}, {2}};
    for (int mr : new int[] {4, 8, 12}) {
      for (int[] rr : rowRuns) {
        for (int colRun : new int[] {1, 3, 4, 8, 1000}) {
          int m = 37, k = 45;
          int[] rows = table(m + 3, rr[0]), cols = table(k + 5, colRun);
          float[] src = new float[rows[rows.length - 1] + cols[cols.length - 1] + 1];
          for (int i = 0; i < src.length; i++) src[i] = (float) rnd.nextDouble(-1, 1);
          IndexedMatrix a = new IndexedMatrix(src, rows, 3, cols, 5);
          for (int[] block : new int[][] {{0, m, 0, k}, {mr, m - mr, 4, k - 4}, {5, 11, 1, 13}}) {
            assertPacked(a, block, mr, 7, "mr " + mr + ", row run " + rr[0] + ", depth run " + colRun);
          }
        }
      }
    }
  }
  /**
   * Rows that are the pixels of a strided convolution's outputs (runs of Q pixels `stride` floats apart, a jump at
   * each output row's end) with depth in runs of four taps: the 8-row panels with one break or none that take two
   * strided loads and two permutes (16 lanes), the others, and src that ends right after the last element read.
   */
  @Test
  void pixelRowsOfStridedOutputsMatchTheDefinition() {
    for (int stride : new int[] {1, 2, 3}) {
      for (int q : new int[] {3, 5, 7, 8, 14}) {
        for (int mr : new int[] {4, 8, 12}) {
          int m = 61, k = 40, width = stride * q + 5;
          int[] rows = new int[m], cols = new int[k];
          for (int i = 0; i < m; i++) rows[i] = (i / q) * width * 2 + (i % q) * stride;
          for (int p = 0; p < k; p++) cols[p] = (p / 4) * width * 2 * 40 + (p % 4);   // taps s = 0…3 per (c, r)
          for (boolean tight : new boolean[] {true, false}) {
            float[] src = new float[rows[m - 1] + cols[k - 1] + 1 + (tight ? 0 : 64)];
            for (int i = 0; i < src.length; i++) src[i] = (float) rnd.nextDouble(-1, 1);
            IndexedMatrix a = new IndexedMatrix(src, rows, 0, cols, 0);
            for (int[] block : new int[][] {{0, m, 0, k}, {3, 40, 4, 36}, {8, 16, 0, 9}}) {
              assertPacked(a, block, mr, 0, "stride " + stride + ", Q " + q + ", mr " + mr + (tight ? ", tight src" : ""));
            }
          }
        }
      }
    }
  }

  /**
   * a.packA of block {i0, mc, p0, kc} into mr-row panels at offset apOff (NaN around and before it) against the
   * definition: ap[apOff + r·kc·mr + p·mr + i] = src[rowIdx[rowStart + i0 + row] + colIdx[colStart + p0 + p]], zero
   * past the block's last row.
   */
  private static void assertPacked(IndexedMatrix a, int[] block, int mr, int apOff, String what) {
    int i0 = block[0], mc = block[1], p0 = block[2], kc = block[3];
    int panels = (mc + mr - 1) / mr;
    float[] ap = new float[apOff + panels * kc * mr];
    java.util.Arrays.fill(ap, Float.NaN);
    a.packA(i0, mc, p0, kc, mr, ap, apOff);
    for (int r = 0; r < panels; r++)
      for (int p = 0; p < kc; p++)
        for (int i = 0; i < mr; i++) {
          int row = r * mr + i;
          float want = row < mc ? a.src[a.rowIdx[a.rowStart + i0 + row] + a.colIdx[a.colStart + p0 + p]] : 0f;
          assertEquals(want, ap[apOff + r * kc * mr + p * mr + i], 0f,
              what + ", block " + java.util.Arrays.toString(block) + ": row " + row + ", depth " + p);
        }
  }
}
