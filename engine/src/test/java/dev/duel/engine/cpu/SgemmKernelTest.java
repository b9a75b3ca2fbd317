package dev.duel.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every micro-kernel (4, 8 and 12 rows) against a float64 loop on packed panels, whichever one this
 * machine selects for Sgemm: the others are tested too (an AVX2 CI machine runs tile8 and tile12 on
 * 256-bit vectors). Every beta form: 0 (C NaN-poisoned, never read), 1, other; alpha 1 and not.
 */
class SgemmKernelTest {
  private final SplittableRandom rnd = new SplittableRandom(17);

  private float[] random(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextDouble() * 2 - 1);
    return v;
  }

  private void check(int rows, int kc, float alpha, float beta) {
    int nr = SgemmKernel.NR, ldc = nr + 3, aOff = 5, bOff = 7, cOff = 2;
    float[] ap = random(aOff + kc * rows), bp = random(bOff + kc * nr), c = random(cOff + rows * ldc + 4);
    if (beta == 0f) Arrays.fill(c, Float.NaN);
    float[] c0 = c.clone();
    SgemmKernel.tile(rows, kc, ap, aOff, bp, bOff, alpha, beta, c, cOff, ldc);
    double eps = Math.ulp(1f);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < nr; j++) {
        double sum = 0, mag = 0;
        for (int p = 0; p < kc; p++) {
          double t = (double) ap[aOff + p * rows + i] * bp[bOff + p * nr + j];
          sum += t;
          mag += Math.abs(t);
        }
        double old = beta == 0f ? 0 : c0[cOff + i * ldc + j];
        double ref = alpha * sum + beta * old;
        double tol = 2 * eps * Math.sqrt(kc + 2) * (Math.abs(alpha) * mag + Math.abs(beta * old)) + 1e-30;
        float got = c[cOff + i * ldc + j];
        if (!(Math.abs(got - ref) <= tol)) {
          fail("tile" + rows + " kc=" + kc + " alpha=" + alpha + " beta=" + beta + ": C[" + i + "," + j + "] = " + got
              + ", float64 " + ref + " ± " + tol);
        }
      }
    }
    for (int at = 0; at < c.length; at++) {
      int rel = at - cOff;
      boolean inside = rel >= 0 && rel / ldc < rows && rel % ldc < nr;
      if (!inside) assertEquals(Float.floatToRawIntBits(c0[at]), Float.floatToRawIntBits(c[at]), "tile" + rows + " wrote outside at " + at);
    }
  }

  @Test
  void bothTilesAtEveryBeta() {
    for (int rows : new int[] {4, 8, 12}) {
      for (int kc : new int[] {1, 7, 256}) {
        for (float[] ab : new float[][] {{1f, 0f}, {1f, 1f}, {-0.5f, 2f}, {2f, 0f}, {1.5f, -0.75f}}) {
          check(rows, kc, ab[0], ab[1]);
        }
      }
    }
  }

  /** narrowTile: the first L columns of the full tile's product (alpha 1, beta 0), and nothing else of the edge buffer. */
  @Test
  void narrowTilesAreTheLeftVectorOfTheProduct() {
    int nr = SgemmKernel.NR, l = SgemmKernel.L;
    for (int rows : new int[] {4, 8, 12}) {
      for (int kc : new int[] {1, 7, 256}) {
        int aOff = 3, bOff = 5;
        float[] ap = random(aOff + kc * rows), bp = random(bOff + kc * nr), edge = new float[SgemmKernel.MR_MAX * nr];
        Arrays.fill(edge, Float.NaN);
        SgemmKernel.narrowTile(rows, kc, ap, aOff, bp, bOff, edge);
        for (int i = 0; i < SgemmKernel.MR_MAX; i++) {
          for (int j = 0; j < nr; j++) {
            float got = edge[i * nr + j];
            if (i >= rows || j >= l) {
              assertEquals(Float.NaN, got, "narrow" + rows + " wrote outside its mr×L corner at [" + i + "," + j + "]");
              continue;
            }
            double sum = 0, mag = 0;
            for (int p = 0; p < kc; p++) {
              double t = (double) ap[aOff + p * rows + i] * bp[bOff + p * nr + j];
              sum += t;
              mag += Math.abs(t);
            }
            double tol = 2 * Math.ulp(1f) * Math.sqrt(kc + 2) * mag + 1e-30;
            if (!(Math.abs(got - sum) <= tol)) fail("narrow" + rows + " kc=" + kc + ": [" + i + "," + j + "] = " + got + ", float64 " + sum);
          }
        }
      }
    }
  }

  @Test
  void theRowsFollowTheVectorWidth() {
    String forced = System.getProperty("duel.sgemm.rows");
    int expected = forced != null ? Integer.parseInt(forced) : SgemmKernel.F.vectorBitSize() >= 512 ? 8 : 4;
    assertEquals(expected, SgemmKernel.ROWS);
    int large = forced != null ? expected : SgemmKernel.defaultLargeRows(CpuModel.HOST, SgemmKernel.F.vectorBitSize());
    assertEquals(large, SgemmKernel.LARGE_ROWS);
  }
}
