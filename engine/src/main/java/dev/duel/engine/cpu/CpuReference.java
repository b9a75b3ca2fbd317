package dev.duel.engine.cpu;

import dev.duel.engine.BinaryOp;
import dev.duel.engine.ConvShape;
import dev.duel.engine.ReduceOp;
import dev.duel.engine.UnaryOp;

/**
 * The readable reference of the CPU backend's ops: serial plain loops, one screen per op, as llm.c's
 * train_gpt2.c keeps beside its kernels. The fast path ({@link CpuKernels}, {@link VectorLoops},
 * {@link Sgemm}, {@link Conv2dCpu}: SIMD, blocked, on every core) is tested against these
 * ({@code CpuReferenceTest}: sizes 0, 1, the vector length ± 1, odd shapes); the scalar formulas here
 * are also what the fast path computes per element where it has no SIMD form. Not used for speed.
 *
 * <p>Shape legend: n = elements (or N = batch), C = channels, H×W = an image, K = output channels,
 * R×S = a filter, P×Q = an output image, m×k·k×n = a matrix product. Arrays are row-major (NCHW);
 * outputs come first in the math, then inputs, then sizes. Every loop overwrites its output.
 */
public final class CpuReference {
  private CpuReference() {}

  // ---- elementwise: the scalar formulas --------------------------------------------------------

  /** op(x); alpha is the op's parameter where it has one (UnaryOp's comments give each formula). */
  public static float unary(UnaryOp op, float alpha, float x) {
    return switch (op) {
      case NEG -> -x;
      case ABS -> Math.abs(x);
      case SIGN -> Math.signum(x);
      case STEP -> x > 0f ? 1f : 0f;
      case RELU -> Math.max(x, 0f);   // NaN stays NaN, as in PyTorch
      case LEAKY_RELU -> x > 0f ? x : alpha * x;
      case LEAKY_SLOPE -> x > 0f ? 1f : alpha;
      case TANH -> tanh(x);
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

  /**
   * tanh x = sign(x)·(1 − 2/(e^{2|x|} + 1)), in float64 with e^{2|x|} from {@link #expTanh} (float64
   * leaves the cancellation for small |x| far below float32's rounding). For |x| < 2⁻¹² tanh x =
   * x·(1 − x²/3) rounds to x; beyond 9.1 float32 tanh is ±1. NaN stays NaN. VectorLoops runs the same
   * operations on SIMD lanes, so both give the same bits.
   */
  public static float tanh(float x) {
    float ax = Math.abs(x);
    if (!(ax >= 0x1p-12f)) return x;
    if (ax > 9.1f) return Math.copySign(1f, x);
    return Math.copySign((float) (1.0 - 2.0 / (expTanh(2.0 * ax) + 1.0)), x);
  }

  /** Adding this rounds a double of magnitude below 2⁵¹ to an integer, which then sits in its low bits. */
  static final double EXP_SHIFTER = 0x1.8p52;
  static final double LOG2E = 1.4426950408889634;
  /** ln 2 = LN2_HI + LN2_LO, LN2_HI with 32 significant bits, so k·LN2_HI is exact for |k| < 2²¹ (fdlibm's split). */
  static final double LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;
  /** 1/j! for j = 10 … 2: e^r's Taylor coefficients, highest first (then 1, 1). */
  static final double E10 = 1.0 / 3628800, E9 = 1.0 / 362880, E8 = 1.0 / 40320, E7 = 1.0 / 5040, E6 = 1.0 / 720,
      E5 = 1.0 / 120, E4 = 1.0 / 24, E3 = 1.0 / 6, E2 = 0.5;

  /**
   * e^y for 0 ≤ y ≤ 18.2 (tanh's range here) with only IEEE double operations (+, −, ×, fma, bit
   * moves), so that a SIMD lane computes the same bits as this scalar form, which Math.exp does not
   * promise. y = k·ln 2 + r with k = round(y·log₂e) and |r| ≤ ~0.35; e^r by its Taylor series to r¹⁰
   * (remainder below 3·10⁻¹³ relative, far under float32's 6·10⁻⁸); 2^k built in the exponent bits.
   */
  static double expTanh(double y) {
    double t = y * LOG2E + EXP_SHIFTER;
    double k = t - EXP_SHIFTER;
    double r = (y - k * LN2_HI) - k * LN2_LO;
    double p = Math.fma(E10, r, E9);
    p = Math.fma(p, r, E8);
    p = Math.fma(p, r, E7);
    p = Math.fma(p, r, E6);
    p = Math.fma(p, r, E5);
    p = Math.fma(p, r, E4);
    p = Math.fma(p, r, E3);
    p = Math.fma(p, r, E2);
    p = Math.fma(p, r, 1.0);
    p = Math.fma(p, r, 1.0);
    long kInt = Double.doubleToRawLongBits(t) - Double.doubleToRawLongBits(EXP_SHIFTER);
    return p * Double.longBitsToDouble((kInt + 1023) << 52);
  }

  /** σ(x) = 1/(1 + e^−x), computed without overflow for large |x|. */
  public static float sigmoid(float x) {
    if (x >= 0f) return (float) (1.0 / (1.0 + Math.exp(-x)));
    double e = Math.exp(x);
    return (float) (e / (1.0 + e));
  }

  /** log(1 + e^x) = max(x, 0) + log1p(e^−|x|). */
  public static float softplus(float x) {
    return (float) (Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x))));
  }

  /** op(a, b) (BinaryOp's comments give each formula). */
  public static float binary(BinaryOp op, float a, float b) {
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

  // ---- elementwise: the loops ------------------------------------------------------------------

  /** out[i] = op(x[xOff + i]) for i < n. */
  public static void unary(UnaryOp op, float alpha, float[] x, int xOff, float[] out, int n) {
    for (int i = 0; i < n; i++) out[i] = unary(op, alpha, x[xOff + i]);
  }

  /** gx[i] = gy[i]·op'(x[i]), written through y = op(x) where that is cheaper (tanh, sigmoid). */
  public static void unaryBackward(UnaryOp op, float alpha, float[] x, float[] y, float[] gy, float[] gx, int n) {
    for (int i = 0; i < n; i++) {
      gx[i] = switch (op) {
        case RELU -> x[i] > 0f ? gy[i] : 0f;
        case LEAKY_RELU -> x[i] > 0f ? gy[i] : alpha * gy[i];
        case TANH -> gy[i] * (1f - y[i] * y[i]);          // tanh' = 1 − y²
        case SIGMOID -> gy[i] * y[i] * (1f - y[i]);       // σ' = y·(1 − y)
        case SOFTPLUS -> gy[i] * sigmoid(x[i]);           // softplus' = σ(x)
        default -> throw new UnsupportedOperationException("no fused backward for " + op);
      };
    }
  }

  /**
   * out[i] = op(a[aOff + Σ_d i_d·aStr[d]], b[bOff + Σ_d i_d·bStr[d]]) for every multi-index (i_d) of
   * shape, out contiguous (row-major); a stride of 0 broadcasts that operand along its dim.
   */
  public static void binary(BinaryOp op, int[] shape, float[] a, int aOff, long[] aStr, float[] b, int bOff,
                            long[] bStr, float[] out) {
    long n = 1;
    for (int d : shape) n *= d;
    for (long i = 0; i < n; i++) {
      long ai = aOff, bi = bOff, rest = i;
      for (int d = shape.length - 1; d >= 0; d--) {   // i's multi-index, last dim fastest
        long id = rest % shape[d];
        rest /= shape[d];
        ai += id * aStr[d];
        bi += id * bStr[d];
      }
      out[(int) i] = binary(op, a[(int) ai], b[(int) bi]);
    }
  }

  // ---- reductions ------------------------------------------------------------------------------

  /**
   * out[o, i] = op over l of x[xOff + (o·len + l)·inner + i]; x is (outer, len, inner), out (outer, inner).
   * Sums in float64; max and min propagate NaN; over len = 0 a sum is 0, max −∞, min +∞.
   */
  public static void reduce(ReduceOp op, float[] x, int xOff, int outer, int len, int inner, float[] out) {
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        double acc = op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : op == ReduceOp.MIN ? Double.POSITIVE_INFINITY : 0;
        for (int l = 0; l < len; l++) {
          double v = x[xOff + (o * len + l) * inner + i];
          acc = switch (op) {
            case SUM -> acc + v;
            case SUM_SQUARES -> acc + v * v;
            case MAX -> Math.max(acc, v);
            case MIN -> Math.min(acc, v);
          };
        }
        out[o * inner + i] = (float) acc;
      }
    }
  }

  // ---- batch normalisation (training mode) -----------------------------------------------------

  /**
   * x, y are (N, C, HW); per channel c over its m = N·HW values: μ = Σx/m, σ² = Σ(x − μ)²/m (biased),
   * invStd = 1/√(σ² + eps), y = γ·(x − μ)·invStd + β; also the unbiased variance Σ(x − μ)²/(m − 1)
   * for the running statistics (0 when m = 1). Statistics in float64.
   */
  public static void batchNormForward(int n, int c, int hw, float eps, float[] x, float[] gamma, float[] beta,
                                      float[] y, float[] mean, float[] invStd, float[] varUnbiased) {
    long m = (long) n * hw;
    for (int ch = 0; ch < c; ch++) {
      double s = 0, ss = 0;
      for (int i = 0; i < n; i++) for (int j = 0; j < hw; j++) s += x[(i * c + ch) * hw + j];
      double mu = s / m;
      for (int i = 0; i < n; i++) for (int j = 0; j < hw; j++) ss += sq(x[(i * c + ch) * hw + j] - mu);
      double is = 1.0 / Math.sqrt(ss / m + eps);
      mean[ch] = (float) mu;
      invStd[ch] = (float) is;
      varUnbiased[ch] = (float) (m > 1 ? ss / (m - 1) : 0.0);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < hw; j++) {
          int e = (i * c + ch) * hw + j;
          y[e] = (float) (gamma[ch] * (x[e] - mu) * is + beta[ch]);
        }
      }
    }
  }

  /**
   * The backward of {@link #batchNormForward} given its mean and invStd, x̂ = (x − μ)·invStd:
   * gβ = Σ gy, gγ = Σ gy·x̂, gx = γ·invStd/m·(m·gy − gβ − x̂·gγ).
   */
  public static void batchNormBackward(int n, int c, int hw, float[] x, float[] gy, float[] gamma, float[] mean,
                                       float[] invStd, float[] gx, float[] gGamma, float[] gBeta) {
    long m = (long) n * hw;
    for (int ch = 0; ch < c; ch++) {
      double sb = 0, sg = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < hw; j++) {
          int e = (i * c + ch) * hw + j;
          sb += gy[e];
          sg += gy[e] * ((x[e] - (double) mean[ch]) * invStd[ch]);
        }
      }
      gBeta[ch] = (float) sb;
      gGamma[ch] = (float) sg;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < hw; j++) {
          int e = (i * c + ch) * hw + j;
          double xh = (x[e] - (double) mean[ch]) * invStd[ch];
          gx[e] = (float) ((double) gamma[ch] * invStd[ch] / m * (m * gy[e] - sb - xh * sg));
        }
      }
    }
  }

  private static double sq(double v) {
    return v * v;
  }

  // ---- convolution (NCHW, weights K×C×R×S, dilation 1) -----------------------------------------

  /** y[n,k,p,q] = Σ_{c,r,s} x[n, c, p·strideH + r − padH, q·strideW + s − padW] · w[k,c,r,s] (outside x: 0). */
  public static void conv2d(ConvShape s, float[] x, float[] w, float[] y) {
    java.util.Arrays.fill(y, 0, s.n() * s.k() * s.p() * s.q(), 0f);
    forEachTap(s, (xi, wi, yi) -> y[yi] += x[xi] * w[wi]);
  }

  /** gx = the x-adjoint of conv2d (the transposed convolution): gx[n,c,h,w] = Σ over the taps that read x[n,c,h,w] of gy·w. */
  public static void conv2dBackwardData(ConvShape s, float[] gy, float[] w, float[] gx) {
    java.util.Arrays.fill(gx, 0, s.n() * s.c() * s.h() * s.w(), 0f);
    forEachTap(s, (xi, wi, yi) -> gx[xi] += gy[yi] * w[wi]);
  }

  /** gw[k,c,r,s] = Σ_{n,p,q} gy[n,k,p,q] · x[n, c, p·strideH + r − padH, q·strideW + s − padW]. */
  public static void conv2dBackwardFilter(ConvShape s, float[] x, float[] gy, float[] gw) {
    java.util.Arrays.fill(gw, 0, s.k() * s.c() * s.r() * s.s(), 0f);
    forEachTap(s, (xi, wi, yi) -> gw[wi] += gy[yi] * x[xi]);
  }

  private interface Tap {
    void at(int xIndex, int wIndex, int yIndex);
  }

  /** The seven loops of a convolution: every (output, filter tap) pair that reads inside x, in order n,k,p,q,c,r,s. */
  private static void forEachTap(ConvShape s, Tap tap) {
    for (int n = 0; n < s.n(); n++)
      for (int k = 0; k < s.k(); k++)
        for (int p = 0; p < s.p(); p++)
          for (int q = 0; q < s.q(); q++)
            for (int c = 0; c < s.c(); c++)
              for (int r = 0; r < s.r(); r++)
                for (int t = 0; t < s.s(); t++) {
                  int ih = p * s.strideH() + r - s.padH(), iw = q * s.strideW() + t - s.padW();
                  if (ih < 0 || ih >= s.h() || iw < 0 || iw >= s.w()) continue;
                  tap.at(((n * s.c() + c) * s.h() + ih) * s.w() + iw, ((k * s.c() + c) * s.r() + r) * s.s() + t,
                      ((n * s.k() + k) * s.p() + p) * s.q() + q);
                }
  }

  // ---- matrix product ---------------------------------------------------------------------------

  /**
   * C = alpha·op(A)·op(B) + beta·C, row-major: C is m×n (leading dimension ldc), op(A) m×k, op(B) k×n;
   * op(A) = Aᵀ when transA (A stored k×m). beta = 0 ignores C's old contents (NaN included), as BLAS does.
   */
  public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float beta, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float acc = 0f;
        for (int p = 0; p < k; p++) {
          float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          acc += av * bv;
        }
        int ci = cOff + i * ldc + j;
        c[ci] = alpha * acc + (beta == 0f ? 0f : beta * c[ci]);
      }
    }
  }
}
