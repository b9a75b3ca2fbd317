package dev.duel.engine.cpu;

import dev.duel.engine.BinaryOp;
import dev.duel.engine.Distribution;
import dev.duel.engine.Philox;
import dev.duel.engine.ReduceOp;
import dev.duel.engine.UnaryOp;

/**
 * The CPU backend's loops on float arrays: the readable reference of each op's math (the kernels in
 * kernels/src/main/cuda compute the same). Outputs first in the math, then inputs, then sizes.
 */
final class CpuKernels {
  private CpuKernels() {}

  // ---- unary ----------------------------------------------------------------------------------

  static float unary(UnaryOp op, float alpha, float x) {
    return switch (op) {
      case NEG -> -x;
      case ABS -> Math.abs(x);
      case SIGN -> Math.signum(x);
      case STEP -> x > 0f ? 1f : 0f;
      case RELU -> Math.max(x, 0f);
      case LEAKY_RELU -> x > 0f ? x : alpha * x;
      case LEAKY_SLOPE -> x > 0f ? 1f : alpha;
      case TANH -> (float) Math.tanh(x);
      case SIGMOID -> sigmoid(x);
      case SOFTPLUS -> softplus(x);
      case EXP -> (float) Math.exp(x);
      case LOG -> (float) Math.log(x);
      case SQRT -> (float) Math.sqrt(x);
      case RSQRT -> (float) (1.0 / Math.sqrt(x));
      case SQUARE -> x * x;
      case RECIPROCAL -> 1f / x;
      case POW -> (float) Math.pow(x, alpha);
      case SCALE -> alpha * x;
      case ADD_SCALAR -> x + alpha;
    };
  }

  /** σ(x) = 1/(1 + e^−x), computed without overflow for large |x|. */
  static float sigmoid(float x) {
    if (x >= 0f) return (float) (1.0 / (1.0 + Math.exp(-x)));
    double e = Math.exp(x);
    return (float) (e / (1.0 + e));
  }

  /** log(1 + e^x) = max(x, 0) + log1p(e^−|x|). */
  static float softplus(float x) {
    return (float) (Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x))));
  }

  static void unary(UnaryOp op, float alpha, float[] x, int xOff, float[] out, int n) {
    CpuPool.parallelFor(n, GRAIN, (from, to) -> unaryRange(op, alpha, x, xOff + from, out, from, to - from));
  }

  private static void unaryRange(UnaryOp op, float alpha, float[] x, int xOff, float[] out, int o, int n) {
    switch (op) {
      case RELU -> { for (int i = 0; i < n; i++) out[o + i] = Math.max(x[xOff + i], 0f); }   // NaN stays NaN, as in PyTorch
      case LEAKY_RELU -> { for (int i = 0; i < n; i++) { float v = x[xOff + i]; out[o + i] = v > 0f ? v : alpha * v; } }
      case SCALE -> { for (int i = 0; i < n; i++) out[o + i] = alpha * x[xOff + i]; }
      case ADD_SCALAR -> { for (int i = 0; i < n; i++) out[o + i] = x[xOff + i] + alpha; }
      case SQUARE -> { for (int i = 0; i < n; i++) { float v = x[xOff + i]; out[o + i] = v * v; } }
      case NEG -> { for (int i = 0; i < n; i++) out[o + i] = -x[xOff + i]; }
      default -> { for (int i = 0; i < n; i++) out[o + i] = unary(op, alpha, x[xOff + i]); }
    }
  }

  /** gx = gy · op'(x), y = op(x). */
  static void unaryBackward(UnaryOp op, float alpha, float[] x, float[] y, float[] gy, float[] gx, int n) {
    CpuPool.parallelFor(n, GRAIN, (from, to) -> unaryBackwardRange(op, alpha, x, y, gy, gx, from, to));
  }

  private static void unaryBackwardRange(UnaryOp op, float alpha, float[] x, float[] y, float[] gy, float[] gx,
                                         int from, int to) {
    switch (op) {
      case RELU -> { for (int i = from; i < to; i++) gx[i] = x[i] > 0f ? gy[i] : 0f; }
      case LEAKY_RELU -> { for (int i = from; i < to; i++) gx[i] = x[i] > 0f ? gy[i] : alpha * gy[i]; }
      case TANH -> { for (int i = from; i < to; i++) gx[i] = gy[i] * (1f - y[i] * y[i]); }
      case SIGMOID -> { for (int i = from; i < to; i++) gx[i] = gy[i] * y[i] * (1f - y[i]); }
      case SOFTPLUS -> { for (int i = from; i < to; i++) gx[i] = gy[i] * sigmoid(x[i]); }
      default -> throw new UnsupportedOperationException("no fused backward for " + op);
    }
  }

  // ---- binary with broadcasting ---------------------------------------------------------------

  static float binary(BinaryOp op, float a, float b) {
    return switch (op) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> a / b;
      case MAX -> Math.max(a, b);
      case MIN -> Math.min(a, b);
      case GT -> a > b ? 1f : 0f;
      case EQ -> a == b ? 1f : 0f;
      case BCE_WITH_LOGITS -> (float) (Math.max(a, 0.0) - (double) a * b + Math.log1p(Math.exp(-Math.abs(a))));
      case BCE_WITH_LOGITS_GRAD -> sigmoid(a) - b;
    };
  }

  /** Elements per parallel chunk of an elementwise loop: below two chunks the loop runs inline. */
  static final int GRAIN = 1 << 15;

  static void binary(BinaryOp op, int[] shape, float[] a, int aOff, long[] aStr, float[] b, int bOff, long[] bStr,
                     float[] out) {
    int rank = shape.length;
    long n = 1;
    for (int d : shape) n *= d;
    if (n == 0) return;
    long[] contiguous = dev.duel.engine.Shape.contiguousStrides(shape);
    if (java.util.Arrays.equals(aStr, contiguous) && java.util.Arrays.equals(bStr, contiguous)) {
      CpuPool.parallelFor((int) n, GRAIN, (from, to) -> binaryRow(op, a, aOff + from, 1, b, bOff + from, 1, out, from, to - from));
      return;
    }
    int inner = rank == 0 ? 1 : shape[rank - 1];
    int as = rank == 0 ? 0 : (int) aStr[rank - 1], bs = rank == 0 ? 0 : (int) bStr[rank - 1];
    int rows = (int) (n / inner);
    CpuPool.parallelFor(rows, Math.max(1, GRAIN / Math.max(inner, 1)), (r0, r1) -> {
      // The multi-index of row r0 over the outer dims, then an odometer.
      int[] idx = new int[Math.max(rank - 1, 0)];
      int ai = aOff, bi = bOff;
      for (int d = rank - 2, rest = r0; d >= 0; d--) {
        idx[d] = rest % shape[d];
        rest /= shape[d];
        ai += (int) (idx[d] * aStr[d]);
        bi += (int) (idx[d] * bStr[d]);
      }
      for (int row = r0; row < r1; row++) {
        binaryRow(op, a, ai, as, b, bi, bs, out, row * inner, inner);
        for (int d = rank - 2; d >= 0; d--) {
          if (++idx[d] < shape[d]) { ai += (int) aStr[d]; bi += (int) bStr[d]; break; }
          ai -= (int) (aStr[d] * (shape[d] - 1));
          bi -= (int) (bStr[d] * (shape[d] - 1));
          idx[d] = 0;
        }
      }
    });
  }

  /** out[o + j] = op(a[ai + j·as], b[bi + j·bs]) for j < n; the op is chosen once per row. */
  private static void binaryRow(BinaryOp op, float[] a, int ai, int as, float[] b, int bi, int bs, float[] out, int o,
                                int n) {
    switch (op) {
      case ADD -> { for (int j = 0; j < n; j++) out[o + j] = a[ai + j * as] + b[bi + j * bs]; }
      case SUB -> { for (int j = 0; j < n; j++) out[o + j] = a[ai + j * as] - b[bi + j * bs]; }
      case MUL -> { for (int j = 0; j < n; j++) out[o + j] = a[ai + j * as] * b[bi + j * bs]; }
      case DIV -> { for (int j = 0; j < n; j++) out[o + j] = a[ai + j * as] / b[bi + j * bs]; }
      case GT -> { for (int j = 0; j < n; j++) out[o + j] = a[ai + j * as] > b[bi + j * bs] ? 1f : 0f; }
      default -> { for (int j = 0; j < n; j++) out[o + j] = binary(op, a[ai + j * as], b[bi + j * bs]); }
    }
  }

  // ---- copies ---------------------------------------------------------------------------------

  static void copyStrided(int[] shape, float[] src, int srcOff, long[] ss, float[] dst, int dstOff, long[] ds) {
    int rank = shape.length;
    long n = 1;
    for (int d : shape) n *= d;
    if (n == 0) return;
    int inner = rank == 0 ? 1 : shape[rank - 1];
    int si = rank == 0 ? 0 : (int) ss[rank - 1], di = rank == 0 ? 0 : (int) ds[rank - 1];
    int rows = (int) (n / inner);
    int[] idx = new int[Math.max(rank - 1, 0)];
    int s = srcOff, t = dstOff;
    for (int row = 0; row < rows; row++) {
      if (si == 1 && di == 1) System.arraycopy(src, s, dst, t, inner);
      else for (int j = 0; j < inner; j++) dst[t + j * di] = src[s + j * si];
      for (int d = rank - 2; d >= 0; d--) {
        if (++idx[d] < shape[d]) { s += (int) ss[d]; t += (int) ds[d]; break; }
        s -= (int) (ss[d] * (shape[d] - 1));
        t -= (int) (ds[d] * (shape[d] - 1));
        idx[d] = 0;
      }
    }
  }

  // ---- reductions -----------------------------------------------------------------------------

  /** out[o, i] = op over l of x[o, l, i]; sums accumulate in float64 for accuracy. */
  static void reduce(ReduceOp op, float[] x, int xOff, int outer, int len, int inner, float[] out) {
    for (int o = 0; o < outer; o++) {
      int base = xOff + o * len * inner;
      if (inner == 1) {
        out[o] = reduceRun(op, x, base, len);
        continue;
      }
      for (int i = 0; i < inner; i++) {
        double acc = op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : op == ReduceOp.MIN ? Double.POSITIVE_INFINITY : 0.0;
        for (int l = 0; l < len; l++) {
          float v = x[base + l * inner + i];
          acc = switch (op) {
            case SUM -> acc + v;
            case SUM_SQUARES -> acc + (double) v * v;
            case MAX -> Math.max(acc, v);
            case MIN -> Math.min(acc, v);
          };
        }
        out[o * inner + i] = (float) acc;
      }
    }
  }

  private static float reduceRun(ReduceOp op, float[] x, int base, int len) {
    switch (op) {
      case SUM -> {
        double s = 0;
        for (int l = 0; l < len; l++) s += x[base + l];
        return (float) s;
      }
      case SUM_SQUARES -> {
        double s = 0;
        for (int l = 0; l < len; l++) { double v = x[base + l]; s += v * v; }
        return (float) s;
      }
      case MAX -> {
        float m = Float.NEGATIVE_INFINITY;
        for (int l = 0; l < len; l++) { float v = x[base + l]; if (v > m || Float.isNaN(v)) m = v; }
        return m;
      }
      case MIN -> {
        float m = Float.POSITIVE_INFINITY;
        for (int l = 0; l < len; l++) { float v = x[base + l]; if (v < m || Float.isNaN(v)) m = v; }
        return m;
      }
    }
    throw new AssertionError(op);
  }

  // ---- batch normalisation --------------------------------------------------------------------

  /** Per channel ch: μ, σ² over (n, hw) in float64; y = (x − μ)·invStd·γ + β. */
  static void batchNormForward(int n, int c, int hw, float eps, float[] x, float[] gamma, float[] beta, float[] y,
                               float[] mean, float[] invStd, float[] varUnbiased) {
    long m = (long) n * hw;
    for (int ch = 0; ch < c; ch++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        int base = (i * c + ch) * hw;
        for (int j = 0; j < hw; j++) s += x[base + j];
      }
      double mu = s / m, ss = 0;
      for (int i = 0; i < n; i++) {
        int base = (i * c + ch) * hw;
        for (int j = 0; j < hw; j++) { double d = x[base + j] - mu; ss += d * d; }
      }
      double var = ss / m;
      float is = (float) (1.0 / Math.sqrt(var + eps));
      mean[ch] = (float) mu;
      invStd[ch] = is;
      varUnbiased[ch] = (float) (m > 1 ? ss / (m - 1) : 0.0);
      float scale = is * gamma[ch], shift = beta[ch] - (float) mu * scale;
      for (int i = 0; i < n; i++) {
        int base = (i * c + ch) * hw;
        for (int j = 0; j < hw; j++) y[base + j] = x[base + j] * scale + shift;
      }
    }
  }

  /** gβ = Σ gy, gγ = Σ gy·x̂, gx = γ·invStd/m·(m·gy − gβ − x̂·gγ). */
  static void batchNormBackward(int n, int c, int hw, float[] x, float[] gy, float[] gamma, float[] mean,
                                float[] invStd, float[] gx, float[] gGamma, float[] gBeta) {
    long m = (long) n * hw;
    for (int ch = 0; ch < c; ch++) {
      double sb = 0, sg = 0;
      float mu = mean[ch], is = invStd[ch];
      for (int i = 0; i < n; i++) {
        int base = (i * c + ch) * hw;
        for (int j = 0; j < hw; j++) {
          float g = gy[base + j];
          sb += g;
          sg += g * ((x[base + j] - mu) * is);
        }
      }
      gBeta[ch] = (float) sb;
      gGamma[ch] = (float) sg;
      float k = gamma[ch] * is / m;
      float fb = (float) sb, fg = (float) sg;
      for (int i = 0; i < n; i++) {
        int base = (i * c + ch) * hw;
        for (int j = 0; j < hw; j++) {
          float xh = (x[base + j] - mu) * is;
          gx[base + j] = k * (m * gy[base + j] - fb - xh * fg);
        }
      }
    }
  }

  // ---- random ---------------------------------------------------------------------------------

  static void random(Distribution dist, long seed, long offset, float a, float b, float[] out, int n) {
    Philox.fill(dist, seed, offset, a, b, out, 0, 0, n);
  }

  // ---- optimizers -----------------------------------------------------------------------------

  static void sgd(float[] p, float[] g, float[] v, int n, float lr, float momentum, float dampening,
                  float weightDecay, boolean nesterov) {
    for (int i = 0; i < n; i++) {
      float gi = g[i] + weightDecay * p[i];
      if (momentum != 0f) {
        v[i] = momentum * v[i] + (1f - dampening) * gi;
        gi = nesterov ? gi + momentum * v[i] : v[i];
      }
      p[i] -= lr * gi;
    }
  }

  static void adam(float[] p, float[] g, float[] m, float[] v, int n, float lr, float beta1, float beta2, float eps,
                   float weightDecay, int t) {
    float bc1 = (float) (1.0 - Math.pow(beta1, t)), bc2 = (float) (1.0 - Math.pow(beta2, t));
    CpuPool.parallelFor(n, GRAIN, (from, to) -> adamRange(p, g, m, v, from, to, lr, beta1, beta2, eps, weightDecay,
        bc1, bc2));
  }

  private static void adamRange(float[] p, float[] g, float[] m, float[] v, int from, int to, float lr, float beta1,
                                float beta2, float eps, float weightDecay, float bc1, float bc2) {
    for (int i = from; i < to; i++) {
      float gi = g[i] + weightDecay * p[i];
      m[i] = beta1 * m[i] + (1f - beta1) * gi;
      v[i] = beta2 * v[i] + (1f - beta2) * gi * gi;
      float mHat = m[i] / bc1, vHat = v[i] / bc2;
      p[i] -= lr * mHat / ((float) Math.sqrt(vHat) + eps);
    }
  }
}
