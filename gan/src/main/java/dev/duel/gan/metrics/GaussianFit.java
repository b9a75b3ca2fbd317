package dev.duel.gan.metrics;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The Gaussian N(μ, Σ) fitted to the rows of a feature matrix X (n×d), in float64:
 * μ = (1/n) Σ_i x_i, Σ = (1/(n − 1)) Σ_i (x_i − μ)(x_i − μ)ᵀ (the unbiased sample covariance, numpy's
 * np.cov(X, rowvar=False), as in pytorch-fid and the original TTUR code).
 *
 * @param mean       μ, d values
 * @param covariance Σ, d×d, symmetric
 * @param count      n, the number of rows it was fitted to (0 when given directly)
 */
public record GaussianFit(double[] mean, DMatrixRMaj covariance, int count) {
  public GaussianFit {
    if (covariance.numRows != mean.length || covariance.numCols != mean.length)
      throw new IllegalArgumentException("GaussianFit: mean of " + mean.length + " and covariance of "
          + covariance.numRows + "×" + covariance.numCols + " do not fit");
  }

  /** Fits μ and Σ to the rows of x; needs at least 2 rows. */
  public static GaussianFit of(DMatrixRMaj x) {
    int n = x.numRows, d = x.numCols;
    if (n < 2) throw new IllegalArgumentException("a Gaussian fit needs at least 2 samples, got " + n);
    double[] mu = new double[d];
    for (int i = 0; i < n; i++) for (int k = 0; k < d; k++) mu[k] += x.data[i * d + k];
    for (int k = 0; k < d; k++) mu[k] /= n;
    DMatrixRMaj centred = new DMatrixRMaj(n, d);
    for (int i = 0; i < n; i++) for (int k = 0; k < d; k++) centred.data[i * d + k] = x.data[i * d + k] - mu[k];
    DMatrixRMaj cov = new DMatrixRMaj(d, d);
    CommonOps_DDRM.multTransA(centred, centred, cov);  // Σ_i c_i c_iᵀ
    CommonOps_DDRM.scale(1.0 / (n - 1), cov);
    // Exactly symmetric (the products are, up to rounding; the square root expects it).
    for (int a = 0; a < d; a++) for (int b = a + 1; b < d; b++) {
      double s = 0.5 * (cov.get(a, b) + cov.get(b, a));
      cov.set(a, b, s);
      cov.set(b, a, s);
    }
    return new GaussianFit(mu, cov, n);
  }

  public int dim() {
    return mean.length;
  }
}
