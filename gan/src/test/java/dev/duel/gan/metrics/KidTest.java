package dev.duel.gan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.gan.data.SplitMix64;
import java.util.HashSet;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class KidTest {
  static DMatrixRMaj gaussian(SplitMix64 r, int n, int d, double shift) {
    DMatrixRMaj m = new DMatrixRMaj(n, d);
    for (int i = 0; i < m.data.length; i++) m.data[i] = r.nextGaussian() + shift;
    return m;
  }

  /** MMD²_u written out pair by pair with Math.pow: the reference. */
  static double mmd2Reference(DMatrixRMaj x, DMatrixRMaj y) {
    int m = x.numRows, d = x.numCols;
    double xx = 0, yy = 0, xy = 0;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        double dxx = 0, dyy = 0, dxy = 0;
        for (int k = 0; k < d; k++) {
          dxx += x.get(i, k) * x.get(j, k);
          dyy += y.get(i, k) * y.get(j, k);
          dxy += x.get(i, k) * y.get(j, k);
        }
        if (i != j) {
          xx += Math.pow(dxx / d + 1, 3);
          yy += Math.pow(dyy / d + 1, 3);
        }
        xy += Math.pow(dxy / d + 1, 3);
      }
    }
    return xx / (m * (m - 1.0)) + yy / (m * (m - 1.0)) - 2 * xy / ((double) m * m);
  }

  @Test
  void unbiasedMmdMatchesThePairwiseFormula() {
    SplitMix64 r = new SplitMix64(1);
    for (int[] md : new int[][] {{2, 1}, {7, 3}, {17, 5}, {33, 130}}) {
      DMatrixRMaj x = gaussian(r, md[0], md[1], 0), y = gaussian(r, md[0], md[1], 0.3);
      double want = mmd2Reference(x, y);
      assertEquals(want, Kid.mmd2Unbiased(x, y), 1e-12 * (1 + Math.abs(want)), "m=" + md[0] + " d=" + md[1]);
    }
  }

  @Test
  void nearZeroForOneDistributionAndLargeForTwoFarApart() {
    SplitMix64 r = new SplitMix64(2);
    int d = 16;
    DMatrixRMaj a = gaussian(r, 1500, d, 0), b = gaussian(r, 1500, d, 0), far = gaussian(r, 1500, d, 2);
    Kid.Result same = Kid.of(a, b, 20, 500, 7);
    Kid.Result apart = Kid.of(a, far, 20, 500, 7);
    assertEquals(500, same.subsetSize());
    assertTrue(Math.abs(same.mean()) < 0.02, "same distribution: " + same);
    assertTrue(same.std() > 0, "subsets differ: " + same);
    assertTrue(apart.mean() > 50 * Math.max(Math.abs(same.mean()), same.std()), "far apart: " + apart + " vs " + same);
    // Shift μ by δ in every coordinate: MMD² grows with δ.
    Kid.Result nearer = Kid.of(a, gaussian(r, 1500, d, 0.5), 20, 500, 7);
    assertTrue(nearer.mean() > same.mean() && nearer.mean() < apart.mean(), nearer + " between " + same + " and " + apart);
  }

  @Test
  void subsetSizeIsCappedByTheSmallerSetAndDrawsAreDistinct() {
    SplitMix64 r = new SplitMix64(3);
    Kid.Result k = Kid.of(gaussian(r, 40, 4, 0), gaussian(r, 25, 4, 0), 3, 1000, 1);
    assertEquals(25, k.subsetSize());
    int[] idx = Kid.choose(new SplitMix64(4), 100, 60);
    Set<Integer> seen = new HashSet<>();
    for (int i : idx) assertTrue(i >= 0 && i < 100 && seen.add(i), "distinct in range: " + i);
    assertThrows(IllegalArgumentException.class, () -> Kid.of(gaussian(r, 1, 4, 0), gaussian(r, 5, 4, 0), 3, 10, 1));
  }

  @Test
  void sameSeedSameResult() {
    SplitMix64 r = new SplitMix64(5);
    DMatrixRMaj a = gaussian(r, 100, 8, 0), b = gaussian(r, 100, 8, 0.2);
    assertEquals(Kid.of(a, b, 5, 30, 9), Kid.of(a, b, 5, 30, 9));
  }
}
