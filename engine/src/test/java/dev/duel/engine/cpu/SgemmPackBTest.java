package dev.duel.engine.cpu;

import static dev.duel.engine.cpu.SgemmKernel.NR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link SgemmPack#packB} against the plain definition of a packed B block, bp[q·kc·NR + p·NR + j] =
 * op(B)[p0 + p, j0 + q·NR + j], zero past the block's nc columns: for B and Bᵀ, blocks whose full panels go in
 * groups of {@link SgemmPack#B_PANELS_TOGETHER} and one or two more, a partial last panel, panel ranges that
 * start inside a group (as the shared packing's threads ask for them), an offset start and a padded ldb.
 */
class SgemmPackBTest {
  @Test
  void packedBlocksAreThePlainCopy() {
    int[] ncs = {NR, 2 * NR, 3 * NR + 5, 4 * NR, 5 * NR, 6 * NR + 1, 9 * NR - 3};
    for (boolean trans : new boolean[] {false, true}) {
      for (int nc : ncs) {
        int panels = (nc + NR - 1) / NR;
        for (int kc : new int[] {1, 7, 64}) {
          for (int[] range : new int[][] {{0, panels}, {1, panels}, {0, panels - 1}, {panels / 2, panels}}) {
            int qFrom = range[0], qTo = range[1];
            if (qFrom >= qTo) continue;
            int p0 = 3, j0 = 5, rows = p0 + kc + 2, cols = j0 + panels * NR + 4;
            // op(B) is rows × cols; stored transposed when trans (cols × rows, ldb = rows + 3).
            int ldb = trans ? rows + 3 : cols + 3;
            float[] b = new float[(trans ? cols : rows) * ldb];
            for (int i = 0; i < b.length; i++) b[i] = i + 1;
            float[] want = new float[2 + panels * kc * NR], got = new float[want.length];
            java.util.Arrays.fill(want, -1f);
            java.util.Arrays.fill(got, -1f);
            for (int q = qFrom; q < qTo; q++) {
              for (int p = 0; p < kc; p++) {
                for (int j = 0; j < NR; j++) {
                  int col = q * NR + j;
                  float v = col < nc ? (trans ? b[(j0 + col) * ldb + p0 + p] : b[(p0 + p) * ldb + j0 + col]) : 0f;
                  want[2 + q * kc * NR + p * NR + j] = v;
                }
              }
            }
            SgemmPack.packB(trans, b, 0, ldb, p0, kc, j0, nc, qFrom, qTo, got, 2);
            assertArrayEquals(want, got, "trans=" + trans + " nc=" + nc + " kc=" + kc + " panels " + qFrom + ".." + qTo);
          }
        }
      }
    }
  }
}
