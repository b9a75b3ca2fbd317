package dev.duel.gan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duel.gan.data.SplitMix64;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class PrecisionRecallTest {
  static DMatrixRMaj cloud(SplitMix64 r, int n, int d, double centre) {
    DMatrixRMaj m = new DMatrixRMaj(n, d);
    for (int i = 0; i < m.data.length; i++) m.data[i] = r.nextGaussian() + centre;
    return m;
  }

  static DMatrixRMaj stack(DMatrixRMaj a, DMatrixRMaj b) {
    DMatrixRMaj out = new DMatrixRMaj(a.numRows + b.numRows, a.numCols);
    System.arraycopy(a.data, 0, out.data, 0, a.data.length);
    System.arraycopy(b.data, 0, out.data, a.data.length, b.data.length);
    return out;
  }

  @Test
  void identicalSetsHavePrecisionAndRecallOne() {
    DMatrixRMaj x = cloud(new SplitMix64(1), 300, 8, 0);
    PrecisionRecall.Result r = PrecisionRecall.of(x, x.copy(), 3);
    assertEquals(1.0, r.precision());
    assertEquals(1.0, r.recall());
  }

  @Test
  void farApartSetsHavePrecisionAndRecallZero() {
    SplitMix64 g = new SplitMix64(2);
    PrecisionRecall.Result r = PrecisionRecall.of(cloud(g, 200, 8, 0), cloud(g, 150, 8, 50), 3);
    assertEquals(0.0, r.precision());
    assertEquals(0.0, r.recall());
  }

  @Test
  void samplesFromOneOfTwoModesArePreciseButRecallHalf() {
    // Real: two far-apart clusters A and B of 200 each; generated: exactly the points of A. Every
    // generated point is a real point (precision 1); A's real points are generated points, B's are far
    // from every generated ball (recall 200/400).
    SplitMix64 g = new SplitMix64(3);
    DMatrixRMaj a = cloud(g, 200, 6, 0), b = cloud(g, 200, 6, 100);
    PrecisionRecall.Result r = PrecisionRecall.of(stack(a, b), a.copy(), 3);
    assertEquals(1.0, r.precision());
    assertEquals(0.5, r.recall());
  }

  @Test
  void aCollapsedSetHasZeroRecall() {
    // Every generated point is the same real point: fake radii are 0, so only that point is recalled.
    DMatrixRMaj real = cloud(new SplitMix64(4), 100, 5, 0);
    DMatrixRMaj fake = new DMatrixRMaj(50, 5);
    for (int i = 0; i < 50; i++) System.arraycopy(real.data, 7 * 5, fake.data, i * 5, 5);
    PrecisionRecall.Result r = PrecisionRecall.of(real, fake, 3);
    assertEquals(1.0, r.precision());
    assertEquals(1.0 / 100, r.recall());
  }

  @Test
  void kthNeighbourDistancesMatchBruteForce() {
    SplitMix64 g = new SplitMix64(5);
    for (int n : new int[] {4, 17, 33, 300}) {
      DMatrixRMaj x = cloud(g, n, 3, 0);
      System.arraycopy(x.data, 0, x.data, 3, 3);    // a duplicate point: distance 0 counts as a neighbour
      for (int k : new int[] {1, 3}) {
        double[] got = PrecisionRecall.kthNeighbourSquaredDistances(x, k);
        for (int i = 0; i < n; i++) {
          double[] d = new double[n - 1];
          int c = 0;
          for (int j = 0; j < n; j++) {
            if (j == i) continue;
            double s = 0;
            for (int t = 0; t < 3; t++) s += Math.pow(x.get(i, t) - x.get(j, t), 2);
            d[c++] = s;
          }
          Arrays.sort(d);
          assertEquals(d[k - 1], got[i], 1e-12 * (1 + d[k - 1]), "n=" + n + " k=" + k + " i=" + i);
        }
      }
    }
  }

  @Test
  void tooFewSamplesAreRefused() {
    DMatrixRMaj x = cloud(new SplitMix64(6), 3, 2, 0);
    assertThrows(IllegalArgumentException.class, () -> PrecisionRecall.of(x, x, 3));
  }

  @Test
  void gramTilesAgreeWithTheReferenceOnAwkwardSizes() {
    SplitMix64 g = new SplitMix64(7);
    for (int rows : new int[] {1, 3, 17, 33}) {
      for (int m : new int[] {1, 5, 130}) {
        for (int d : new int[] {1, 7, 128}) {
          DMatrixRMaj x = cloud(g, rows + 2, d, 0), y = cloud(g, m, d, 0);
          double[] fast = new double[rows * m], ref = new double[rows * m];
          Gram.dots(x, 1, 1 + rows, y, fast);
          Gram.dotsReference(x, 1, 1 + rows, y, ref);
          for (int i = 0; i < rows; i++) {
            for (int j = 0; j < m; j++) {
              double scale = 0;   // Σ_k |x_ik·y_jk|: the size of the rounding error of any summation order
              for (int k = 0; k < d; k++) scale += Math.abs(x.get(1 + i, k) * y.get(j, k));
              assertEquals(ref[i * m + j], fast[i * m + j], 1e-14 * scale + Double.MIN_VALUE, "rows=" + rows + " m=" + m + " d=" + d);
            }
          }
        }
      }
    }
  }
}
