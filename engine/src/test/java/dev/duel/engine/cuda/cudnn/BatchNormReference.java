package dev.duel.engine.cuda.cudnn;

/**
 * Plain float64 batch normalisation over (n, hw) per channel c of an N×C×HW tensor, with Duel's
 * Backend formulas: μ, biased σ², invStd = 1/sqrt(σ² + ε), x̂ = (x − μ)·invStd, y = γ·x̂ + β;
 * backward gβ = Σ gy, gγ = Σ gy·x̂, gx = γ·invStd/m·(m·gy − gβ − x̂·gγ).
 */
final class BatchNormReference {
  final double[] mean, var, invStd, varUnbiased, y;

  BatchNormReference(int n, int c, int hw, double eps, float[] x, float[] gamma, float[] beta) {
    int m = n * hw;
    mean = new double[c];
    var = new double[c];
    invStd = new double[c];
    varUnbiased = new double[c];
    y = new double[x.length];
    for (int ch = 0; ch < c; ch++) {
      double s = 0;
      for (int i = 0; i < n; i++) for (int j = 0; j < hw; j++) s += x[(i * c + ch) * hw + j];
      double mu = s / m, v = 0;
      for (int i = 0; i < n; i++) for (int j = 0; j < hw; j++) { double t = x[(i * c + ch) * hw + j] - mu; v += t * t; }
      mean[ch] = mu;
      var[ch] = v / m;
      varUnbiased[ch] = v / (m - 1);
      invStd[ch] = 1 / Math.sqrt(var[ch] + eps);
      for (int i = 0; i < n; i++)
        for (int j = 0; j < hw; j++) {
          int k = (i * c + ch) * hw + j;
          y[k] = gamma[ch] * (x[k] - mu) * invStd[ch] + beta[ch];
        }
    }
  }

  /** {gx, gGamma, gBeta}. */
  double[][] backward(int n, int c, int hw, float[] x, float[] gy, float[] gamma) {
    int m = n * hw;
    double[] gx = new double[x.length], gGamma = new double[c], gBeta = new double[c];
    for (int ch = 0; ch < c; ch++) {
      for (int i = 0; i < n; i++)
        for (int j = 0; j < hw; j++) {
          int k = (i * c + ch) * hw + j;
          gBeta[ch] += gy[k];
          gGamma[ch] += gy[k] * (x[k] - mean[ch]) * invStd[ch];
        }
      for (int i = 0; i < n; i++)
        for (int j = 0; j < hw; j++) {
          int k = (i * c + ch) * hw + j;
          double xhat = (x[k] - mean[ch]) * invStd[ch];
          gx[k] = gamma[ch] * invStd[ch] / m * (m * gy[k] - gBeta[ch] - xhat * gGamma[ch]);
        }
    }
    return new double[][] {gx, gGamma, gBeta};
  }

  /** y = γ·(x − mean)/sqrt(var + ε) + β with given statistics. */
  static double[] inference(int n, int c, int hw, double eps, float[] x, float[] gamma, float[] beta, float[] mean,
                            float[] var) {
    double[] y = new double[x.length];
    for (int i = 0; i < n; i++)
      for (int ch = 0; ch < c; ch++)
        for (int j = 0; j < hw; j++) {
          int k = (i * c + ch) * hw + j;
          y[k] = gamma[ch] * (x[k] - (double) mean[ch]) / Math.sqrt(var[ch] + eps) + beta[ch];
        }
    return y;
  }
}
