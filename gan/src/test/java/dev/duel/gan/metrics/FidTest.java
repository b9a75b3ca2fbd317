package dev.duel.gan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.gan.data.SplitMix64;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;

class FidTest {
  static DMatrixRMaj diag(double... v) {
    return CommonOps_DDRM.diag(v);
  }

  static DMatrixRMaj randomMatrix(SplitMix64 r, int rows, int cols) {
    DMatrixRMaj m = new DMatrixRMaj(rows, cols);
    for (int i = 0; i < m.data.length; i++) m.data[i] = r.nextGaussian();
    return m;
  }

  /** A·Aᵀ + eps·I: a random symmetric positive (semi-)definite matrix. */
  static DMatrixRMaj randomSpd(SplitMix64 r, int d, int rank, double eps) {
    DMatrixRMaj a = randomMatrix(r, d, rank), s = new DMatrixRMaj(d, d);
    CommonOps_DDRM.multTransB(a, a, s);
    for (int i = 0; i < d; i++) s.add(i, i, eps);
    return s;
  }

  static double[] randomVector(SplitMix64 r, int d, double scale) {
    double[] v = new double[d];
    for (int i = 0; i < d; i++) v[i] = scale * r.nextGaussian();
    return v;
  }

  @Test
  void diagonalGaussiansMatchTheClosedForm() {
    // For diagonal covariances, FID = ‖μ1 − μ2‖² + Σ_i (√a_i − √b_i)².
    double[] a = {1, 4, 0.25, 9, 2}, b = {4, 1, 1, 0.5, 2};
    double[] m1 = {0, 1, 2, 3, 4}, m2 = {1, 1, 0, 3, 5};
    double want = 0;
    for (int i = 0; i < a.length; i++) want += Math.pow(m1[i] - m2[i], 2) + Math.pow(Math.sqrt(a[i]) - Math.sqrt(b[i]), 2);
    double got = Fid.distance(new GaussianFit(m1, diag(a), 0), new GaussianFit(m2, diag(b), 0));
    assertEquals(want, got, 1e-12 * want);
  }

  @Test
  void fullCovariance2x2MatchesTheClosedForm() {
    // For 2×2 SPD matrices, the eigenvalues λ1, λ2 of Σ1Σ2 are positive with λ1 + λ2 = Tr(Σ1Σ2) and
    // λ1·λ2 = det Σ1·det Σ2, so Tr((Σ1Σ2)^{1/2}) = √λ1 + √λ2 = √(Tr(Σ1Σ2) + 2√(det Σ1·det Σ2)).
    DMatrixRMaj s1 = new DMatrixRMaj(new double[][] {{2.0, 0.7}, {0.7, 1.0}});
    DMatrixRMaj s2 = new DMatrixRMaj(new double[][] {{0.5, -0.3}, {-0.3, 3.0}});
    DMatrixRMaj prod = new DMatrixRMaj(2, 2);
    CommonOps_DDRM.mult(s1, s2, prod);
    double trSqrt = Math.sqrt(CommonOps_DDRM.trace(prod) + 2 * Math.sqrt(CommonOps_DDRM.det(s1) * CommonOps_DDRM.det(s2)));
    assertEquals(trSqrt, Fid.traceSqrtProduct(s1, s2), 1e-12);
    double[] m1 = {0.5, -1}, m2 = {2, 0};
    double want = 1.5 * 1.5 + 1 + CommonOps_DDRM.trace(s1) + CommonOps_DDRM.trace(s2) - 2 * trSqrt;
    assertEquals(want, Fid.distance(new GaussianFit(m1, s1, 0), new GaussianFit(m2, s2, 0)), 1e-12);
  }

  @Test
  void commutingRotatedCovariancesMatchTheClosedForm() {
    // Σ1 = Q·diag(a)·Qᵀ and Σ2 = Q·diag(b)·Qᵀ share eigenvectors: Tr((Σ1Σ2)^{1/2}) = Σ √(a_i·b_i).
    SplitMix64 r = new SplitMix64(5);
    int d = 7;
    var qr = DecompositionFactory_DDRM.qr(d, d);
    qr.decompose(randomMatrix(r, d, d));
    DMatrixRMaj q = qr.getQ(null, false);   // a random orthogonal matrix
    double[] a = {0.1, 1, 2, 3, 5, 8, 13}, b = {4, 0.5, 2, 1e-3, 5, 1, 0.2};
    DMatrixRMaj s1 = rotate(q, a), s2 = rotate(q, b);
    double want = 0;
    for (int i = 0; i < d; i++) want += Math.sqrt(a[i] * b[i]);
    assertEquals(want, Fid.traceSqrtProduct(s1, s2), 1e-10);
  }

  static DMatrixRMaj rotate(DMatrixRMaj q, double[] eig) {
    DMatrixRMaj t = new DMatrixRMaj(q.numRows, q.numCols), out = new DMatrixRMaj(q.numRows, q.numCols);
    CommonOps_DDRM.mult(q, diag(eig), t);
    CommonOps_DDRM.multTransB(t, q, out);
    return out;
  }

  @Test
  void randomFullCovarianceAgreesWithTheEigenvaluesOfTheProduct() {
    // Independent route: the eigenvalues of the non-symmetric Σ1Σ2 (EJML's general solver) are real
    // and non-negative; the trace of the square root is the sum of their square roots.
    SplitMix64 r = new SplitMix64(11);
    int d = 20;
    DMatrixRMaj s1 = randomSpd(r, d, d, 0.1), s2 = randomSpd(r, d, d, 0.5), prod = new DMatrixRMaj(d, d);
    CommonOps_DDRM.mult(s1, s2, prod);
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, false, false);
    assertTrue(eig.decompose(prod));
    double want = 0;
    for (int i = 0; i < d; i++) {
      assertEquals(0, eig.getEigenvalue(i).imaginary, 1e-6 * Math.abs(eig.getEigenvalue(i).real));
      want += Math.sqrt(eig.getEigenvalue(i).real);
    }
    assertEquals(want, Fid.traceSqrtProduct(s1, s2), 1e-9 * want);
    GaussianFit g1 = new GaussianFit(randomVector(r, d, 1), s1, 0), g2 = new GaussianFit(randomVector(r, d, 1), s2, 0);
    assertEquals(Fid.distance(g1, g2), Fid.distance(g2, g1), 1e-9 * Fid.distance(g1, g2), "symmetric");
  }

  @Test
  void sqrtOfASymmetricMatrixSquaresBack() {
    SplitMix64 r = new SplitMix64(3);
    for (int d : new int[] {1, 3, 17}) {
      DMatrixRMaj a = randomSpd(r, d, d, 0.01), s = Fid.sqrtSymmetric(a), ss = new DMatrixRMaj(d, d);
      CommonOps_DDRM.mult(s, s, ss);
      for (int i = 0; i < a.data.length; i++) assertEquals(a.data[i], ss.data[i], 1e-10 * (1 + Math.abs(a.data[i])), "d=" + d);
    }
  }

  @Test
  void fidOfASetWithItselfIsZeroEvenWhenTheCovarianceIsSingular() {
    SplitMix64 r = new SplitMix64(9);
    DMatrixRMaj x = randomMatrix(r, 500, 16);
    assertEquals(0, Fid.of(x, x), 1e-9);
    DMatrixRMaj few = randomMatrix(r, 10, 64);   // rank ≤ 9 < 64
    assertEquals(0, Fid.of(few, few), 1e-8);
  }

  @Test
  void fidOfSamplesApproachesTheDistanceOfTheirGaussians() {
    // X ~ N(μ1, Σ1), Y ~ N(μ2, Σ2) drawn as μ + L·z; the fitted FID approaches the exact one.
    SplitMix64 r = new SplitMix64(21);
    int d = 3, n = 40_000;
    DMatrixRMaj l1 = new DMatrixRMaj(new double[][] {{1, 0, 0}, {0.5, 1, 0}, {-0.3, 0.2, 0.7}});
    DMatrixRMaj l2 = new DMatrixRMaj(new double[][] {{2, 0, 0}, {0, 0.5, 0}, {0.4, 0, 1.2}});
    double[] m1 = {0, 0, 0}, m2 = {1, -1, 0.5};
    DMatrixRMaj x = sample(r, m1, l1, n), y = sample(r, m2, l2, n);
    DMatrixRMaj s1 = new DMatrixRMaj(d, d), s2 = new DMatrixRMaj(d, d);
    CommonOps_DDRM.multTransB(l1, l1, s1);
    CommonOps_DDRM.multTransB(l2, l2, s2);
    double exact = Fid.distance(new GaussianFit(m1, s1, 0), new GaussianFit(m2, s2, 0));
    double got = Fid.of(x, y);
    assertEquals(exact, got, 0.03 * exact, "exact " + exact + " vs fitted " + got);
    GaussianFit fit = GaussianFit.of(x);
    for (int i = 0; i < d * d; i++) assertEquals(s1.data[i], fit.covariance().data[i], 0.03);
  }

  static DMatrixRMaj sample(SplitMix64 r, double[] mean, DMatrixRMaj l, int n) {
    int d = mean.length;
    DMatrixRMaj x = new DMatrixRMaj(n, d);
    double[] z = new double[d];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < d; k++) z[k] = r.nextGaussian();
      for (int p = 0; p < d; p++) {
        double s = mean[p];
        for (int k = 0; k < d; k++) s += l.get(p, k) * z[k];
        x.set(i, p, s);
      }
    }
    return x;
  }

  @Test
  void gaussianFitIsTheUnbiasedSampleCovariance() {
    DMatrixRMaj x = new DMatrixRMaj(new double[][] {{1, 2}, {3, 6}, {5, 7}});
    GaussianFit g = GaussianFit.of(x);
    assertEquals(3, g.mean()[0], 1e-15);
    assertEquals(5, g.mean()[1], 1e-15);
    // centred: (−2, −3), (0, 1), (2, 2); Σ = (1/2)·[[8, 10], [10, 14]]
    assertEquals(4, g.covariance().get(0, 0), 1e-14);
    assertEquals(5, g.covariance().get(0, 1), 1e-14);
    assertEquals(7, g.covariance().get(1, 1), 1e-14);
    assertThrows(IllegalArgumentException.class, () -> GaussianFit.of(new DMatrixRMaj(1, 2)));
  }

  @Test
  void nanFeaturesAreRefused() {
    DMatrixRMaj x = new DMatrixRMaj(new double[][] {{1, 2}, {3, Double.NaN}, {0, 1}});
    DMatrixRMaj y = new DMatrixRMaj(new double[][] {{1, 2}, {3, 4}, {0, 1}});
    assertThrows(RuntimeException.class, () -> Fid.of(x, y));
  }
}
