package dev.duel.engine;

/**
 * Float64 reference forwards of the network ops, as plain loops in PyTorch's definitions. Shape
 * legend: N batch, C input channels, H×W input, K output channels, R×S kernel, P×Q output.
 */
final class NdOps {
  private NdOps() {}

  /** (m,k)·(k,n), (b,m,k)·(b,k,n) or (b,m,k)·(k,n). */
  static Nd matmul(Nd a, Nd b) {
    int batch = a.rank() == 3 ? a.shape[0] : 1;
    int m = a.shape[a.rank() - 2], k = a.shape[a.rank() - 1], n = b.shape[b.rank() - 1];
    if (b.shape[b.rank() - 2] != k) throw new IllegalArgumentException("NdOps.matmul: inner dims differ");
    long bStride = b.rank() == 3 ? (long) k * n : 0;
    Nd c = a.rank() == 3 ? Nd.zeros(batch, m, n) : Nd.zeros(m, n);
    for (int t = 0; t < batch; t++)
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int p = 0; p < k; p++) s += a.v[(t * m + i) * k + p] * b.v[(int) (t * bStride) + p * n + j];
          c.v[(t * m + i) * n + j] = s;
        }
    return c;
  }

  /** y[n,k,p,q] = Σ_{c,r,s} x[n,c,p·stride+r−pad, q·stride+s−pad]·w[k,c,r,s] + bias[k]. x N×C×H×W, w K×C×R×S. */
  static Nd conv2d(Nd x, Nd w, Nd bias, int stride, int pad) {
    int N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
    int K = w.shape[0], R = w.shape[2], S = w.shape[3];
    int P = (H + 2 * pad - R) / stride + 1, Q = (W + 2 * pad - S) / stride + 1;
    Nd y = Nd.zeros(N, K, P, Q);
    for (int n = 0; n < N; n++)
      for (int k = 0; k < K; k++)
        for (int p = 0; p < P; p++)
          for (int q = 0; q < Q; q++) {
            double s = bias == null ? 0 : bias.v[k];
            for (int c = 0; c < C; c++)
              for (int r = 0; r < R; r++)
                for (int t = 0; t < S; t++) {
                  int ih = p * stride + r - pad, iw = q * stride + t - pad;
                  if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                  s += x.v[((n * C + c) * H + ih) * W + iw] * w.v[((k * C + c) * R + r) * S + t];
                }
            y.v[((n * K + k) * P + p) * Q + q] = s;
          }
    return y;
  }

  /**
   * PyTorch's ConvTranspose2d: x N×Cin×H×W, w Cin×Cout×R×S;
   * y[n,o,p·stride+r−pad, q·stride+s−pad] += x[n,i,p,q]·w[i,o,r,s], Hout = (H−1)·stride − 2·pad + R + outPad.
   */
  static Nd convTranspose2d(Nd x, Nd w, Nd bias, int stride, int pad, int outPad) {
    int N = x.shape[0], Ci = x.shape[1], H = x.shape[2], W = x.shape[3];
    int Co = w.shape[1], R = w.shape[2], S = w.shape[3];
    int Ho = (H - 1) * stride - 2 * pad + R + outPad, Wo = (W - 1) * stride - 2 * pad + S + outPad;
    Nd y = Nd.zeros(N, Co, Ho, Wo);
    for (int n = 0; n < N; n++)
      for (int i = 0; i < Ci; i++)
        for (int p = 0; p < H; p++)
          for (int q = 0; q < W; q++) {
            double xv = x.v[((n * Ci + i) * H + p) * W + q];
            for (int o = 0; o < Co; o++)
              for (int r = 0; r < R; r++)
                for (int t = 0; t < S; t++) {
                  int oh = p * stride + r - pad, ow = q * stride + t - pad;
                  if (oh < 0 || oh >= Ho || ow < 0 || ow >= Wo) continue;
                  y.v[((n * Co + o) * Ho + oh) * Wo + ow] += xv * w.v[((i * Co + o) * R + r) * S + t];
                }
          }
    if (bias != null) {
      for (int n = 0; n < N; n++)
        for (int o = 0; o < Co; o++)
          for (int j = 0; j < Ho * Wo; j++) y.v[(n * Co + o) * Ho * Wo + j] += bias.v[o];
    }
    return y;
  }

  /**
   * The adjoints of conv2d for an output gradient g (N×K×P×Q): {gx = Σ g·w, gw = Σ g·x}, written as
   * the forward's loop with the accumulation turned around.
   */
  static Nd[] conv2dBackward(Nd x, Nd w, Nd g, int stride, int pad) {
    int N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
    int K = w.shape[0], R = w.shape[2], S = w.shape[3], P = g.shape[2], Q = g.shape[3];
    Nd gx = Nd.zeros(x.shape), gw = Nd.zeros(w.shape);
    for (int n = 0; n < N; n++)
      for (int k = 0; k < K; k++)
        for (int p = 0; p < P; p++)
          for (int q = 0; q < Q; q++) {
            double gv = g.v[((n * K + k) * P + p) * Q + q];
            for (int c = 0; c < C; c++)
              for (int r = 0; r < R; r++)
                for (int t = 0; t < S; t++) {
                  int ih = p * stride + r - pad, iw = q * stride + t - pad;
                  if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                  int xi = ((n * C + c) * H + ih) * W + iw, wi = ((k * C + c) * R + r) * S + t;
                  gx.v[xi] += gv * w.v[wi];
                  gw.v[wi] += gv * x.v[xi];
                }
          }
    return new Nd[] {gx, gw};
  }

  /** The adjoints of convTranspose2d for an output gradient g (N×Cout×Hout×Wout): {gx, gw}. */
  static Nd[] convTranspose2dBackward(Nd x, Nd w, Nd g, int stride, int pad) {
    int N = x.shape[0], Ci = x.shape[1], H = x.shape[2], W = x.shape[3];
    int Co = w.shape[1], R = w.shape[2], S = w.shape[3], Ho = g.shape[2], Wo = g.shape[3];
    Nd gx = Nd.zeros(x.shape), gw = Nd.zeros(w.shape);
    for (int n = 0; n < N; n++)
      for (int i = 0; i < Ci; i++)
        for (int p = 0; p < H; p++)
          for (int q = 0; q < W; q++) {
            int xi = ((n * Ci + i) * H + p) * W + q;
            for (int o = 0; o < Co; o++)
              for (int r = 0; r < R; r++)
                for (int t = 0; t < S; t++) {
                  int oh = p * stride + r - pad, ow = q * stride + t - pad;
                  if (oh < 0 || oh >= Ho || ow < 0 || ow >= Wo) continue;
                  int wi = ((i * Co + o) * R + r) * S + t;
                  double gv = g.v[((n * Co + o) * Ho + oh) * Wo + ow];
                  gx.v[xi] += gv * w.v[wi];
                  gw.v[wi] += gv * x.v[xi];
                }
          }
    return new Nd[] {gx, gw};
  }

  /**
   * Training batch norm backward for an output gradient g, from the chain rule through μ and σ²
   * (Ioffe and Szegedy, section 3): with x̂ = (x − μ)/σ, σ = sqrt(σ² + eps), m = N·H·W,
   * gβ = Σ g, gγ = Σ g·x̂, ∂σ² = Σ g·γ·(x − μ)·(−½)σ⁻³, ∂μ = Σ −g·γ/σ + ∂σ²·Σ −2(x − μ)/m,
   * gx = g·γ/σ + ∂σ²·2(x − μ)/m + ∂μ/m. Returns {gx, gγ, gβ}.
   */
  static Nd[] batchNormTrainBackward(Nd x, Nd gamma, Nd g, double eps) {
    int N = x.shape[0], C = x.shape[1], hw = x.rank() == 4 ? x.shape[2] * x.shape[3] : 1;
    double[][] st = batchStats(x);
    Nd gx = Nd.zeros(x.shape), gGamma = Nd.zeros(C), gBeta = Nd.zeros(C);
    int m = N * hw;
    for (int c = 0; c < C; c++) {
      double mu = st[0][c], sigma = Math.sqrt(st[1][c] + eps), dVar = 0, dMu = 0, sumCentered = 0;
      for (int n = 0; n < N; n++)
        for (int j = 0; j < hw; j++) {
          int i = (n * C + c) * hw + j;
          double xc = x.v[i] - mu;
          gBeta.v[c] += g.v[i];
          gGamma.v[c] += g.v[i] * xc / sigma;
          dVar += g.v[i] * gamma.v[c] * xc * -0.5 / (sigma * sigma * sigma);
          dMu -= g.v[i] * gamma.v[c] / sigma;
          sumCentered += xc;
        }
      dMu += dVar * -2 * sumCentered / m;
      for (int n = 0; n < N; n++)
        for (int j = 0; j < hw; j++) {
          int i = (n * C + c) * hw + j;
          gx.v[i] = g.v[i] * gamma.v[c] / sigma + dVar * 2 * (x.v[i] - mu) / m + dMu / m;
        }
    }
    return new Nd[] {gx, gGamma, gBeta};
  }

  /** Training batch norm: per channel, μ and the biased σ² over (N, H, W); y = (x − μ)/sqrt(σ² + eps)·γ + β. */
  static Nd batchNormTrain(Nd x, Nd gamma, Nd beta, double eps) {
    double[][] st = batchStats(x);
    return normalize(x, st[0], st[1], gamma, beta, eps);
  }

  /** {μ_c, biased σ²_c, unbiased σ²_c} over (N, H, W). */
  static double[][] batchStats(Nd x) {
    int N = x.shape[0], C = x.shape[1], hw = x.rank() == 4 ? x.shape[2] * x.shape[3] : 1;
    double[] mu = new double[C], var = new double[C], unbiased = new double[C];
    int m = N * hw;
    for (int c = 0; c < C; c++) {
      double s = 0;
      for (int n = 0; n < N; n++) for (int j = 0; j < hw; j++) s += x.v[(n * C + c) * hw + j];
      mu[c] = s / m;
      double ss = 0;
      for (int n = 0; n < N; n++) for (int j = 0; j < hw; j++) { double d = x.v[(n * C + c) * hw + j] - mu[c]; ss += d * d; }
      var[c] = ss / m;
      unbiased[c] = ss / (m - 1);
    }
    return new double[][] {mu, var, unbiased};
  }

  /** Eval batch norm: y = (x − runningMean)/sqrt(runningVar + eps)·γ + β. */
  static Nd batchNormEval(Nd x, Nd gamma, Nd beta, Nd runningMean, Nd runningVar, double eps) {
    return normalize(x, runningMean.v, runningVar.v, gamma, beta, eps);
  }

  private static Nd normalize(Nd x, double[] mu, double[] var, Nd gamma, Nd beta, double eps) {
    int N = x.shape[0], C = x.shape[1], hw = x.rank() == 4 ? x.shape[2] * x.shape[3] : 1;
    Nd y = Nd.zeros(x.shape);
    for (int n = 0; n < N; n++)
      for (int c = 0; c < C; c++)
        for (int j = 0; j < hw; j++) {
          int i = (n * C + c) * hw + j;
          y.v[i] = (x.v[i] - mu[c]) / Math.sqrt(var[c] + eps) * gamma.v[c] + beta.v[c];
        }
    return y;
  }

  /** y[n,c,h·f+i,w·f+j] = x[n,c,h,w]. */
  static Nd upsampleNearest(Nd x, int f) {
    int N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
    Nd y = Nd.zeros(N, C, H * f, W * f);
    for (int nc = 0; nc < N * C; nc++)
      for (int i = 0; i < H * f; i++)
        for (int j = 0; j < W * f; j++) y.v[(nc * H * f + i) * W * f + j] = x.v[(nc * H + i / f) * W + j / f];
    return y;
  }

  /** out[i,:] = weight[idx[i],:]. */
  static Nd embedding(Nd weight, int[] idx) {
    int D = weight.shape[1];
    Nd out = Nd.zeros(idx.length, D);
    for (int i = 0; i < idx.length; i++) System.arraycopy(weight.v, idx[i] * D, out.v, i * D, D);
    return out;
  }

  // ---- losses (means over elements) ------------------------------------------------------------

  /** mean of −t·log σ(x) − (1 − t)·log(1 − σ(x)), in the stable form max(x,0) − x·t + log1p(e^−|x|). */
  static Nd bceWithLogits(Nd x, Nd t) {
    return Nd.zip(x, t, (a, b) -> Math.max(a, 0) - a * b + Math.log1p(Math.exp(-Math.abs(a)))).sumAll().mul(1.0 / x.size());
  }

  static Nd mse(Nd x, Nd t) {
    return Nd.zip(x, t, (a, b) -> (a - b) * (a - b)).sumAll().mul(1.0 / x.size());
  }

  static Nd l1(Nd x, Nd t) {
    return Nd.zip(x, t, (a, b) -> Math.abs(a - b)).sumAll().mul(1.0 / x.size());
  }

  static Nd hinge(Nd x, Nd t) {
    return Nd.zip(x, t, (a, b) -> Math.max(0, 1 - a * b)).sumAll().mul(1.0 / x.size());
  }

  /** log softmax along the last axis of N×K: x_ij − log Σ_l exp(x_il). */
  static Nd logSoftmax(Nd x) {
    int N = x.shape[0], K = x.shape[1];
    Nd y = Nd.zeros(N, K);
    for (int i = 0; i < N; i++) {
      double m = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < K; j++) m = Math.max(m, x.v[i * K + j]);
      double s = 0;
      for (int j = 0; j < K; j++) s += Math.exp(x.v[i * K + j] - m);
      double lse = m + Math.log(s);
      for (int j = 0; j < K; j++) y.v[i * K + j] = x.v[i * K + j] - lse;
    }
    return y;
  }

  /** mean over rows of −log softmax(x)[label]. */
  static Nd crossEntropy(Nd x, int[] labels) {
    Nd ls = logSoftmax(x);
    int K = x.shape[1];
    double s = 0;
    for (int i = 0; i < labels.length; i++) s -= ls.v[i * K + labels[i]];
    return Nd.scalar(s / labels.length);
  }
}
