package dev.duel.gan.metrics;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Fréchet Inception Distance (Heusel et al. 2017), over Duel's classifier features instead of
 * Inception's: the Fréchet (2-Wasserstein) distance between the Gaussians fitted to two feature sets,
 * <pre>
 *   FID = ‖μ1 − μ2‖² + Tr(Σ1 + Σ2 − 2·(Σ1·Σ2)^{1/2}).
 * </pre>
 * The trace of the matrix square root is computed in float64 without forming the non-symmetric
 * Σ1·Σ2: with S = Σ1^{1/2} (symmetric, by eigen-decomposition Σ1 = V·Λ·Vᵀ, S = V·Λ^{1/2}·Vᵀ),
 * Σ1·Σ2 = S·(S·Σ2·S)·S^{−1} is similar to the symmetric positive semi-definite M = S·Σ2·S, so
 * Tr((Σ1·Σ2)^{1/2}) = Σ_i √λ_i(M). Both eigen-decompositions are EJML's symmetric QR algorithm; the
 * tiny negative eigenvalues that rounding leaves on singular covariances are clamped to 0.
 *
 * <p>0 for identical Gaussians; lower is better. Scores are comparable only under the same feature
 * network and the same sample counts (FID is biased upward for small n).
 */
public final class Fid {
  private Fid() {}

  /** FID between the Gaussians fitted to the rows of x and of y. */
  public static double of(DMatrixRMaj x, DMatrixRMaj y) {
    return distance(GaussianFit.of(x), GaussianFit.of(y));
  }

  /** The Fréchet distance between N(μ1, Σ1) and N(μ2, Σ2), clamped at 0 against rounding. */
  public static double distance(GaussianFit a, GaussianFit b) {
    int d = a.dim();
    if (b.dim() != d) throw new IllegalArgumentException("FID: feature sizes differ (" + d + " vs " + b.dim() + ")");
    double meanTerm = 0;
    for (int k = 0; k < d; k++) {
      double diff = a.mean()[k] - b.mean()[k];
      meanTerm += diff * diff;
    }
    double fid = meanTerm + CommonOps_DDRM.trace(a.covariance()) + CommonOps_DDRM.trace(b.covariance())
        - 2 * traceSqrtProduct(a.covariance(), b.covariance());
    if (Double.isNaN(fid)) throw new ArithmeticException("FID is NaN: the features hold NaN or Inf");
    return Math.max(0, fid);
  }

  /** Tr((Σ1·Σ2)^{1/2}) = Σ_i √λ_i(S·Σ2·S) with S = Σ1^{1/2}; both inputs symmetric PSD. */
  public static double traceSqrtProduct(DMatrixRMaj sigma1, DMatrixRMaj sigma2) {
    int d = sigma1.numRows;
    DMatrixRMaj s = sqrtSymmetric(sigma1);
    DMatrixRMaj t = new DMatrixRMaj(d, d), m = new DMatrixRMaj(d, d);
    CommonOps_DDRM.mult(s, sigma2, t);
    CommonOps_DDRM.mult(t, s, m);
    symmetrize(m);
    double sum = 0;
    for (double lambda : eigenvalues(m, false).values) sum += Math.sqrt(Math.max(lambda, 0));
    return sum;
  }

  /** A^{1/2} = V·max(Λ, 0)^{1/2}·Vᵀ of a symmetric matrix A = V·Λ·Vᵀ. */
  public static DMatrixRMaj sqrtSymmetric(DMatrixRMaj a) {
    int d = a.numRows;
    if (a.numCols != d) throw new IllegalArgumentException("sqrtSymmetric: " + a.numRows + "×" + a.numCols + " is not square");
    Eigen e = eigenvalues(a, true);
    DMatrixRMaj out = new DMatrixRMaj(d, d);
    for (int i = 0; i < d; i++) {
      double r = Math.sqrt(Math.max(e.values[i], 0));
      if (r == 0) continue;
      DMatrixRMaj v = e.vectors[i];
      for (int p = 0; p < d; p++) {
        double vp = r * v.data[p];
        for (int q = 0; q < d; q++) out.data[p * d + q] += vp * v.data[q];
      }
    }
    symmetrize(out);
    return out;
  }

  private record Eigen(double[] values, DMatrixRMaj[] vectors) {}

  private static Eigen eigenvalues(DMatrixRMaj a, boolean vectors) {
    int d = a.numRows;
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, vectors, true);
    if (!eig.decompose(a.copy())) throw new ArithmeticException("FID: the eigen-decomposition of a " + d + "×" + d + " covariance did not converge");
    double[] values = new double[d];
    DMatrixRMaj[] vecs = vectors ? new DMatrixRMaj[d] : null;
    for (int i = 0; i < d; i++) {
      values[i] = eig.getEigenvalue(i).real;
      if (vectors) vecs[i] = eig.getEigenVector(i);
    }
    return new Eigen(values, vecs);
  }

  private static void symmetrize(DMatrixRMaj m) {
    int d = m.numRows;
    for (int p = 0; p < d; p++) for (int q = p + 1; q < d; q++) {
      double s = 0.5 * (m.data[p * d + q] + m.data[q * d + p]);
      m.data[p * d + q] = s;
      m.data[q * d + p] = s;
    }
  }
}
