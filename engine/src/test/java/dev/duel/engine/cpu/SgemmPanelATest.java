package dev.duel.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link SgemmPanelA}'s vector packing of a full A micro-panel against the plain copy ap[p·mr + i] =
 * op(A)[i, p], for 4, 8 and 12 rows, depths with and without a tail below mr, a start row and depth that are not
 * multiples of mr, and a padded lda: every float where it belongs. Also through {@link SgemmPack#packA},
 * whose last panel is partial (the scalar loop and the zero padding) beside full vector-packed ones.
 */
class SgemmPanelATest {
  @Test
  void packedPanelsAreThePlainCopy() {
    int checked = 0;
    for (int mr : new int[] {4, 8, 12}) {
      if (!SgemmPanelA.packs(mr)) continue;
      for (int kc : new int[] {mr, 3 * mr, 3 * mr + 5, 7, 256}) {
        for (int[] start : new int[][] {{0, 0}, {3, 5}}) {
          int i0 = start[0], p0 = start[1];
          // op(A) = A: rows of a are rows of op(A).
          int lda = p0 + kc + 9;
          float[] a = distinct((i0 + mr) * lda);
          float[] want = new float[3 + kc * mr], got = new float[want.length];
          for (int p = 0; p < kc; p++) for (int i = 0; i < mr; i++) want[3 + p * mr + i] = a[(i0 + i) * lda + p0 + p];
          SgemmPanelA.packRows(mr, a, i0 * lda + p0, lda, kc, got, 3);
          assertArrayEquals(want, got, "rows: mr=" + mr + " kc=" + kc + " i0=" + i0 + " p0=" + p0);
          // op(A) = Aᵀ: a is stored k×m.
          int ldt = i0 + mr + 6;
          float[] t = distinct((p0 + kc) * ldt);
          float[] wantT = new float[3 + kc * mr], gotT = new float[wantT.length];
          for (int p = 0; p < kc; p++) for (int i = 0; i < mr; i++) wantT[3 + p * mr + i] = t[(p0 + p) * ldt + i0 + i];
          SgemmPanelA.packColumns(mr, t, p0 * ldt + i0, ldt, kc, gotT, 3, 1);
          assertArrayEquals(wantT, gotT, "columns: mr=" + mr + " kc=" + kc + " i0=" + i0 + " p0=" + p0);
          // Three panels side by side, each kc·mr floats after the last.
          int ld3 = i0 + 3 * mr + 6;
          float[] t3 = distinct((p0 + kc) * ld3);
          float[] want3 = new float[3 + 3 * kc * mr], got3 = new float[want3.length];
          for (int g = 0; g < 3; g++) {
            for (int p = 0; p < kc; p++) for (int i = 0; i < mr; i++) want3[3 + g * kc * mr + p * mr + i] = t3[(p0 + p) * ld3 + i0 + g * mr + i];
          }
          SgemmPanelA.packColumns(mr, t3, p0 * ld3 + i0, ld3, kc, got3, 3, 3);
          assertArrayEquals(want3, got3, "three columns panels: mr=" + mr + " kc=" + kc + " i0=" + i0 + " p0=" + p0);
          checked++;
        }
      }
    }
    assertTrue(checked > 0 || SgemmKernel.F.vectorBitSize() < 128, "no panel size is vector-packed on this JVM");
  }

  @Test
  void packAPacksFullAndPartialPanels() {
    for (int mr : new int[] {4, 8, 12}) {
      // 3 panels (the last partial); 11 (two groups of SgemmPack.TRANSPOSED_PANELS_TOGETHER full ones, then two full ones together and a partial one)
      for (int[] shape : new int[][] {{3, 0}, {10, 1}}) for (boolean transA : new boolean[] {false, true}) {
        int m = shape[0] * mr + 3 + shape[1] * 5, k = 37, i0 = 2, mc = m - i0 - 1, p0 = 4, kc = k - p0 - 2;
        int lda = transA ? m + 5 : k + 5;
        float[] a = distinct((transA ? k : m) * lda);
        int panels = (mc + mr - 1) / mr;
        float[] want = new float[1 + panels * kc * mr], got = new float[want.length];
        java.util.Arrays.fill(got, Float.NaN);                 // padding must be written, not left
        for (int r = 0; r < panels; r++) {
          for (int p = 0; p < kc; p++) {
            for (int i = 0; i < mr; i++) {
              int row = r * mr + i;
              if (row >= mc) continue;                        // zero padding
              int at = transA ? (p0 + p) * lda + i0 + row : (i0 + row) * lda + p0 + p;
              want[1 + r * kc * mr + p * mr + i] = a[at];
            }
          }
        }
        got[0] = 0f;
        SgemmPack.packA(transA, a, 0, lda, i0, mc, p0, kc, mr, got, 1);
        assertArrayEquals(want, got, "mr=" + mr + " transA=" + transA + " m=" + m);
      }
    }
  }

  private static float[] distinct(int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) x[i] = i + 1;   // every value distinct and non-zero, exact in float
    return x;
  }
}
