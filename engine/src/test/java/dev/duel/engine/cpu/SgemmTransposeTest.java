package dev.duel.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link SgemmTranspose}'s register transposes against the plain copy op(B)[p, j] = b[j·ldb + p]: every
 * float of a packed panel where it belongs, for depths with and without a tail below L, a start depth p0
 * and first column that are not multiples of L, and a padded ldb. A packing error would otherwise show
 * only as a wrong product in SgemmTest.
 */
class SgemmTransposeTest {
  @Test
  void aPanelPackedByRegisterTransposesIsTheTransposedCopy() {
    if (!SgemmTranspose.packs()) return;
    int nr = SgemmKernel.NR;
    for (int kc : new int[] {SgemmKernel.L, 3 * SgemmKernel.L, 3 * SgemmKernel.L + 5, 7}) {
      for (int[] start : new int[][] {{0, 0}, {3, 5}}) {
        int p0 = start[0], firstColumn = start[1], ldb = p0 + kc + 9, rows = firstColumn + nr;
        float[] b = new float[rows * ldb];
        for (int i = 0; i < b.length; i++) b[i] = i;   // every value distinct, exact in float
        float[] want = new float[3 + kc * nr], got = new float[want.length];
        for (int p = 0; p < kc; p++) {
          for (int j = 0; j < nr; j++) want[3 + p * nr + j] = b[(firstColumn + j) * ldb + p0 + p];
        }
        SgemmTranspose.packPanel(b, 0, ldb, p0, kc, firstColumn, got, 3);
        assertArrayEquals(want, got, "kc=" + kc + " p0=" + p0 + " first column " + firstColumn);
      }
    }
  }
}
