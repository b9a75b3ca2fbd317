package dev.duel.engine.cpu;

import dev.duel.engine.BinaryOp;
import dev.duel.engine.Distribution;
import dev.duel.engine.ReduceOp;
import dev.duel.engine.UnaryOp;

/**
 * The CPU backend's fast loops on float arrays: parallel over {@link CpuPool}, SIMD through
 * {@link VectorLoops} where an op has a SIMD form, the scalar formulas of {@link CpuReference} elsewhere.
 * {@link CpuReference} is the serial readable reference they are tested against (the kernels in
 * kernels/src/main/cuda compute the same). Outputs first in the math, then inputs, then sizes.
 */
final class CpuKernels {
  private CpuKernels() {}

  // ---- unary ----------------------------------------------------------------------------------

  static void unary(UnaryOp op, float alpha, float[] x, int xOff, float[] out, int n) {
    CpuPool.parallelFor(n, grain(op), (from, to) -> unaryRange(op, alpha, x, xOff + from, out, from, to - from));
  }

  /**
   * Elements per parallel chunk of a unary op: {@link #GRAIN} for the ops that cost a few cycles, far
   * fewer for those that call a libm function (exp, sigmoid, …: ~10–20 ns each) and for tanh (SIMD in
   * float64, ~1 ns each: 108 µs for 256×784 on two threads, against 1.05 ms as a scalar libm loop), so
   * that G's final tanh over a 64×784 batch runs on every core.
   */
  private static int grain(UnaryOp op) {
    return switch (op) {
      case TANH, SIGMOID, SOFTPLUS, EXP, LOG, POW -> GRAIN / 16;
      default -> GRAIN;
    };
  }

  private static void unaryRange(UnaryOp op, float alpha, float[] x, int xOff, float[] out, int o, int n) {
    if (VectorLoops.unary(op, alpha, x, xOff, out, o, n)) return;   // relu, leaky_relu, scale, … in SIMD
    for (int i = 0; i < n; i++) out[o + i] = CpuReference.unary(op, alpha, x[xOff + i]);
  }

  /**
   * y[i, j] = act(y[i, j] + bias[bOff + j]) for an m×n y, act null for the bias alone: each row gets the add and the
   * activation while it is in L1 (one pass over y instead of two), rows split over the pool.
   */
  static void addRowBiasActivation(int m, int n, float[] bias, int bOff, UnaryOp act, float alpha, float[] y) {
    int bs = n == 1 ? 0 : 1;
    CpuPool.parallelFor(m, Math.max(1, GRAIN / Math.max(1, n)), (from, to) -> {
      for (int i = from; i < to; i++) {
        int row = i * n;
        if (!VectorLoops.binaryRow(BinaryOp.ADD, y, row, 1, bias, bOff, bs, y, row, n)) throw new AssertionError();
        if (act != null) unaryRange(act, alpha, y, row, y, row, n);
      }
    });
  }

  /** gx = gy · op'(x), y = op(x). */
  static void unaryBackward(UnaryOp op, float alpha, float[] x, float[] y, float[] gy, float[] gx, int n) {
    CpuPool.parallelFor(n, GRAIN, (from, to) -> unaryBackwardRange(op, alpha, x, y, gy, gx, from, to));
  }

  private static void unaryBackwardRange(UnaryOp op, float alpha, float[] x, float[] y, float[] gy, float[] gx,
                                         int from, int to) {
    if (VectorLoops.unaryBackward(op, alpha, x, y, gy, gx, from, to)) return;   // relu, leaky_relu, tanh, sigmoid
    if (op != UnaryOp.SOFTPLUS) throw new UnsupportedOperationException("no fused backward for " + op);
    for (int i = from; i < to; i++) gx[i] = gy[i] * CpuReference.sigmoid(x[i]);
  }

  // ---- binary with broadcasting ---------------------------------------------------------------

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
    Merged m = Merged.of(shape, aStr, bStr);
    if (m != null) {
      // Fewer, longer rows: a bias of shape (1, K, 1, 1) added over N×K×H×W runs rows of H·W, not of W.
      binary(op, m.shape, a, aOff, m.aStr, b, bOff, m.bStr, out);
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

  /**
   * A broadcast walk with adjacent dims merged: dims d, d+1 merge when stride[d] = stride[d+1]·shape[d+1]
   * for a and for b (a broadcast run of strides 0 merges too; the output is contiguous, so it always
   * does), and dims of size 1 are dropped. The merged walk visits the same elements in the same order.
   */
  record Merged(int[] shape, long[] aStr, long[] bStr) {
    /** The merged walk, or null when no dim merges or drops. */
    static Merged of(int[] shape, long[] aStr, long[] bStr) {
      int rank = shape.length, count = 0;
      int[] sh = new int[rank];
      long[] as = new long[rank], bs = new long[rank];
      for (int d = 0; d < rank; d++) {
        if (shape[d] == 1) continue;
        if (count > 0 && as[count - 1] == aStr[d] * shape[d] && bs[count - 1] == bStr[d] * shape[d]) {
          sh[count - 1] *= shape[d];
          as[count - 1] = aStr[d];
          bs[count - 1] = bStr[d];
        } else {
          sh[count] = shape[d];
          as[count] = aStr[d];
          bs[count] = bStr[d];
          count++;
        }
      }
      if (count == rank || count == 0) return null;
      return new Merged(java.util.Arrays.copyOf(sh, count), java.util.Arrays.copyOf(as, count),
          java.util.Arrays.copyOf(bs, count));
    }
  }

  /** out[o + j] = op(a[ai + j·as], b[bi + j·bs]) for j < n; the op is chosen once per row. */
  private static void binaryRow(BinaryOp op, float[] a, int ai, int as, float[] b, int bi, int bs, float[] out, int o,
                                int n) {
    if (VectorLoops.binaryRow(op, a, ai, as, b, bi, bs, out, o, n)) return; // the same formulas, in SIMD
    switch (op) {
      case ADD -> { for (int j = 0; j < n; j++) out[o + j] = a[ai + j * as] + b[bi + j * bs]; }
      case SUB -> { for (int j = 0; j < n; j++) out[o + j] = a[ai + j * as] - b[bi + j * bs]; }
      case MUL -> { for (int j = 0; j < n; j++) out[o + j] = a[ai + j * as] * b[bi + j * bs]; }
      case DIV -> { for (int j = 0; j < n; j++) out[o + j] = a[ai + j * as] / b[bi + j * bs]; }
      case GT -> { for (int j = 0; j < n; j++) out[o + j] = a[ai + j * as] > b[bi + j * bs] ? 1f : 0f; }
      default -> { for (int j = 0; j < n; j++) out[o + j] = CpuReference.binary(op, a[ai + j * as], b[bi + j * bs]); }
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

  /**
   * out[o, i] = op over l of x[o, l, i]; sums accumulate in float64 across blocks of float32 SIMD
   * partial sums ({@link VectorLoops#sum}). Parallel over o; with inner > 1 the rows of l are walked
   * in memory order into a float64 accumulator per i.
   */
  static void reduce(ReduceOp op, float[] x, int xOff, int outer, int len, int inner, float[] out) {
    int grain = (int) Math.max(1, GRAIN / Math.max(1L, (long) len * inner));   // rows per chunk: ~GRAIN elements
    CpuPool.parallelFor(outer, grain, (o0, o1) -> {
      double[] acc = inner == 1 ? null : new double[inner];
      for (int o = o0; o < o1; o++) {
        int base = xOff + o * len * inner;
        if (inner == 1) {
          out[o] = reduceRun(op, x, base, len);
          continue;
        }
        java.util.Arrays.fill(acc, op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY
            : op == ReduceOp.MIN ? Double.POSITIVE_INFINITY : 0.0);
        for (int l = 0; l < len; l++) {
          int row = base + l * inner;
          switch (op) {
            case SUM -> { for (int i = 0; i < inner; i++) acc[i] += x[row + i]; }
            case SUM_SQUARES -> { for (int i = 0; i < inner; i++) { double v = x[row + i]; acc[i] += v * v; } }
            case MAX -> { for (int i = 0; i < inner; i++) acc[i] = Math.max(acc[i], x[row + i]); }
            case MIN -> { for (int i = 0; i < inner; i++) acc[i] = Math.min(acc[i], x[row + i]); }
          }
        }
        for (int i = 0; i < inner; i++) out[o * inner + i] = (float) acc[i];
      }
    });
  }

  private static float reduceRun(ReduceOp op, float[] x, int base, int len) {
    switch (op) {
      case SUM -> {
        return (float) VectorLoops.sum(x, base, len);
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

  /**
   * out[ch] = Σ over the n runs of hw floats of channel ch in float64, each run's whole vectors in float32 lanes shared
   * across runs ({@link VectorLoops#sumRuns}, batch norm's mean): one lane reduction per ~{@value
   * VectorLoops#SUM_BLOCK} floats rather than one per row of hw. Each thread takes a range of channels and reads it
   * image by image, in memory order ({@link ChannelRunSums}); the sums are the same whatever the thread count.
   */
  static void channelSum(int n, int c, int hw, float[] x, float[] out) {
    channelRanges(n, c, hw, (c0, c1) -> {
      ChannelRunSums sums = new ChannelRunSums(c1 - c0, hw);
      for (int img = 0; img < n; img++)
        for (int ch = c0; ch < c1; ch++) sums.add(ch - c0, x, (img * c + ch) * hw);
      for (int ch = c0; ch < c1; ch++) out[ch] = (float) sums.sum(ch - c0);
    });
  }

  /**
   * gz = gy · act'(y) over an n×C×hw tensor (RELU or LEAKY_RELU, from the activation's output y as {@link
   * dev.duel.engine.Backend#unaryBackward} takes it) and sums[ch] = {@link #channelSum} of gz, in one pass: each run
   * is summed while it is in L1, right after it is written. The same floats as the two ops in turn.
   */
  static void activationBackwardChannelSum(UnaryOp act, float alpha, int n, int c, int hw, float[] y, float[] gy,
                                           float[] gz, float[] sums) {
    requireFusedActivation("activation backward with a channel sum", act);
    channelRanges(n, c, hw, (c0, c1) -> {
      ChannelRunSums acc = new ChannelRunSums(c1 - c0, hw);
      for (int img = 0; img < n; img++)
        for (int ch = c0; ch < c1; ch++) {
          int at = (img * c + ch) * hw;
          VectorLoops.unaryBackward(act, alpha, y, y, gy, gz, at, at + hw);
          acc.add(ch - c0, gz, at);
        }
      for (int ch = c0; ch < c1; ch++) sums[ch] = (float) acc.sum(ch - c0);
    });
  }

  /**
   * Runs body over ranges of the c channels of an n×c×hw tensor: one range per thread (each read image by image, a
   * contiguous block of its channels per image), or all inline when the tensor is small.
   */
  private static void channelRanges(int n, int c, int hw, CpuPool.RangeBody body) {
    splitRanges(c, (long) n * c * hw < 2L * GRAIN ? 1 : Math.min(c, CpuPool.threads()), 1, body);
  }

  /**
   * Runs body over ranges of the c columns of an n×c matrix (BatchNorm1d's channels), one per thread, cut at multiples
   * of 16 so each thread's row segments start on a vector (and a cache line); inline when the matrix is small.
   */
  private static void columnRanges(int n, int c, CpuPool.RangeBody body) {
    splitRanges(c, (long) n * c < 2L * GRAIN ? 1 : Math.min(CpuPool.threads(), (c + 15) / 16), 16, body);
  }

  /** body over [0, c) cut into `parts` ranges, one task each, every cut at a multiple of `align`; inline for one part. */
  private static void splitRanges(int c, int parts, int align, CpuPool.RangeBody body) {
    if (parts <= 1) {
      body.run(0, c);
      return;
    }
    CpuPool.parallelTasks(parts, (p0, p1) -> {
      for (int p = p0; p < p1; p++) {
        int c0 = Math.min(c, (int) (((long) p * c / parts + align - 1) / align * align));
        int c1 = p + 1 == parts ? c : Math.min(c, (int) (((long) (p + 1) * c / parts + align - 1) / align * align));
        if (c0 < c1) body.run(c0, c1);
      }
    });
  }

  // ---- batch normalisation --------------------------------------------------------------------

  /**
   * Per channel ch: μ, σ² over (n, hw) in float64 (two passes: the mean, then Σ(x − μ)²), the n runs of hw
   * floats summed in shared float32 lanes ({@link VectorLoops#sumRuns}); y = x·scale + shift with scale =
   * invStd·γ, shift = β − μ·scale. Parallel over channels.
   */
  static void batchNormForward(int n, int c, int hw, float eps, float[] x, float[] gamma, float[] beta, float[] y,
                               float[] mean, float[] invStd, float[] varUnbiased) {
    batchNormForward(n, c, hw, eps, x, gamma, beta, null, 0f, y, mean, invStd, varUnbiased);
  }

  /**
   * {@link #batchNormForward}, then y = act(y) (RELU or LEAKY_RELU, or none when act is null), applied to each run
   * (a row of BatchNorm1d, an image's plane of a channel) right after it is written, while it is in L1: the same
   * floats as the two ops in turn, without a second pass over y.
   */
  static void batchNormForward(int n, int c, int hw, float eps, float[] x, float[] gamma, float[] beta, UnaryOp act,
                               float alpha, float[] y, float[] mean, float[] invStd, float[] varUnbiased) {
    if (act != null) requireFusedActivation("batch_norm", act);
    long m = (long) n * hw;
    if (hw == 1) {
      // BatchNorm1d over (N, C): channels are columns; walk rows in memory order, a vector of channels at a time
      // (VectorLoops' row loops: the scalar loops' sums, bit for bit).
      // Each thread takes a range of columns through all the rows: a channel's sums do not depend on the split.
      double[] s = new double[c], ss = new double[c];
      float[] scale = new float[c], shift = new float[c];
      columnRanges(n, c, (c0, c1) -> {
        for (int i = 0; i < n; i++) VectorLoops.addRowWidened(x, i * c, s, c0, c1);
        for (int ch = c0; ch < c1; ch++) s[ch] /= m;
        for (int i = 0; i < n; i++) VectorLoops.addSquaredDeviationsRow(x, i * c, s, ss, c0, c1);
        for (int ch = c0; ch < c1; ch++) {
          scale[ch] = storeStatistics(ch, s[ch], ss[ch], m, eps, mean, invStd, varUnbiased) * gamma[ch];
          shift[ch] = beta[ch] - (float) s[ch] * scale[ch];
        }
        for (int i = 0; i < n; i++) VectorLoops.scaleShiftRow(x, i * c, scale, shift, act, alpha, y, c0, c1);
      });
      return;
    }
    if (hw >= VectorLoops.SUM_BLOCK) {
      batchNormForwardByImage(n, c, hw, eps, x, gamma, beta, act, alpha, y, mean, invStd, varUnbiased);
      return;
    }
    int stride = c * hw;
    CpuPool.parallelFor(c, Math.max(1, (int) (GRAIN / Math.max(1, m))), (c0, c1) -> {
      for (int ch = c0; ch < c1; ch++) {
        double mu = VectorLoops.sumRuns(x, ch * hw, stride, n, hw) / m;
        double ss = VectorLoops.sumSquaredDeviationsRuns(x, ch * hw, stride, n, hw, (float) mu);
        float scale = storeStatistics(ch, mu, ss, m, eps, mean, invStd, varUnbiased) * gamma[ch];
        float shift = beta[ch] - (float) mu * scale;
        for (int i = 0; i < n; i++) VectorLoops.scaleShiftActivate(x, (i * c + ch) * hw, hw, scale, shift, act, alpha, y);
      }
    });
  }

  /**
   * {@link #batchNormForward} for planes of at least {@value VectorLoops#SUM_BLOCK} floats, read in memory order: each
   * thread takes a range of channels and walks the images in turn, a contiguous block of its channels per image, in
   * each of the three passes (Σx, Σ(x − μ)², the output), instead of each channel's n planes C·hw floats apart (a
   * quarter faster on dcgan28's 64×14×14 maps at batch 128 in the step: docs/benchmarks.md, session 15). Planes this
   * long are summed one by one ({@link VectorLoops#sum}), each added to its channel's total in image order, as {@link
   * VectorLoops#sumRuns} adds them: the same floats.
   */
  private static void batchNormForwardByImage(int n, int c, int hw, float eps, float[] x, float[] gamma, float[] beta,
                                              UnaryOp act, float alpha, float[] y, float[] mean, float[] invStd,
                                              float[] varUnbiased) {
    long m = (long) n * hw;
    channelRanges(n, c, hw, (c0, c1) -> {
      int nc = c1 - c0;
      double[] total = new double[nc], ss = new double[nc];
      float[] mu = new float[nc], scale = new float[nc], shift = new float[nc];
      for (int i = 0; i < n; i++)
        for (int ch = c0; ch < c1; ch++) total[ch - c0] += VectorLoops.sum(x, (i * c + ch) * hw, hw);
      for (int k = 0; k < nc; k++) mu[k] = (float) (total[k] / m);
      for (int i = 0; i < n; i++)
        for (int ch = c0; ch < c1; ch++) ss[ch - c0] += VectorLoops.sumSquaredDeviations(x, (i * c + ch) * hw, hw, mu[ch - c0]);
      for (int ch = c0; ch < c1; ch++) {
        int k = ch - c0;
        double muD = total[k] / m;
        scale[k] = storeStatistics(ch, muD, ss[k], m, eps, mean, invStd, varUnbiased) * gamma[ch];
        shift[k] = beta[ch] - (float) muD * scale[k];
      }
      for (int i = 0; i < n; i++)
        for (int ch = c0; ch < c1; ch++) {
          VectorLoops.scaleShiftActivate(x, (i * c + ch) * hw, hw, scale[ch - c0], shift[ch - c0], act, alpha, y);
        }
    });
  }

  /**
   * gβ = Σ gy, gγ = Σ gy·x̂, gx = γ·invStd/m·(m·gy − gβ − x̂·gγ), x̂ = (x − μ)·invStd. Parallel over
   * channels; the sums as in the forward ({@link VectorLoops#batchNormBackwardSums}); with hw = 1 (BatchNorm1d)
   * the rows are walked in memory order.
   */
  static void batchNormBackward(int n, int c, int hw, float[] x, float[] gy, float[] gamma, float[] mean,
                                float[] invStd, float[] gx, float[] gGamma, float[] gBeta) {
    long m = (long) n * hw;
    if (hw == 1) {
      double[] sb = new double[c], sg = new double[c];
      float[] k = new float[c], fb = new float[c], fg = new float[c];
      columnRanges(n, c, (c0, c1) -> {
        for (int i = 0; i < n; i++) VectorLoops.batchNorm1dSumsRow(gy, x, i * c, mean, invStd, sb, sg, c0, c1);
        for (int ch = c0; ch < c1; ch++) {
          gBeta[ch] = fb[ch] = (float) sb[ch];
          gGamma[ch] = fg[ch] = (float) sg[ch];
          k[ch] = gamma[ch] * invStd[ch] / m;
        }
        for (int i = 0; i < n; i++) VectorLoops.batchNorm1dGradRow(gy, x, i * c, mean, invStd, k, m, fb, fg, gx, c0, c1);
      });
      return;
    }
    if (hw >= VectorLoops.SUM_BLOCK) {
      batchNormBackwardByImage(n, c, hw, x, gy, gamma, mean, invStd, gx, gGamma, gBeta);
      return;
    }
    int stride = c * hw;
    CpuPool.parallelFor(c, Math.max(1, (int) (GRAIN / Math.max(1, m))), (c0, c1) -> {
      double[] sums = new double[2];
      for (int ch = c0; ch < c1; ch++) {
        float mu = mean[ch], is = invStd[ch];
        VectorLoops.batchNormBackwardSums(gy, x, ch * hw, stride, n, hw, mu, is, sums);
        gBeta[ch] = (float) sums[0];
        gGamma[ch] = (float) sums[1];
        float k = gamma[ch] * is / m;
        float fb = (float) sums[0], fg = (float) sums[1];
        for (int i = 0; i < n; i++) gradRun(x, gy, (i * c + ch) * hw, hw, mu, is, k, m, fb, fg, gx);
      }
    });
  }

  /**
   * {@link #batchNormBackward} for planes of at least {@value VectorLoops#SUM_BLOCK} floats in memory order, as {@link
   * #batchNormForwardByImage}: the sums plane by plane onto each channel's running totals ({@link
   * VectorLoops#addBatchNormBackwardSums}, the same floats as one call over the channel), then gx.
   */
  private static void batchNormBackwardByImage(int n, int c, int hw, float[] x, float[] gy, float[] gamma,
                                               float[] mean, float[] invStd, float[] gx, float[] gGamma,
                                               float[] gBeta) {
    long m = (long) n * hw;
    channelRanges(n, c, hw, (c0, c1) -> {
      int nc = c1 - c0;
      double[] sums = new double[2 * nc];
      float[] buf = new float[VectorLoops.L];
      for (int i = 0; i < n; i++)
        for (int ch = c0; ch < c1; ch++) {
          VectorLoops.addBatchNormBackwardSums(gy, x, (i * c + ch) * hw, 0, 1, hw, mean[ch], invStd[ch], sums,
              2 * (ch - c0), buf);
        }
      float[] kf = new float[nc], fb = new float[nc], fg = new float[nc];
      for (int ch = c0; ch < c1; ch++) {
        int k = ch - c0;
        gBeta[ch] = fb[k] = (float) sums[2 * k];
        gGamma[ch] = fg[k] = (float) sums[2 * k + 1];
        kf[k] = gamma[ch] * invStd[ch] / m;
      }
      for (int i = 0; i < n; i++)
        for (int ch = c0; ch < c1; ch++) {
          int k = ch - c0;
          gradRun(x, gy, (i * c + ch) * hw, hw, mean[ch], invStd[ch], kf[k], m, fb[k], fg[k], gx);
        }
    });
  }

  /**
   * Writes channel ch's mean (μ), invStd = 1/sqrt(σ² + eps) and unbiased variance from μ and Σ(x − μ)² over m values,
   * all in float64 until stored; returns invStd.
   */
  private static float storeStatistics(int ch, double mu, double ss, long m, float eps, float[] mean, float[] invStd,
                                       float[] varUnbiased) {
    float is = (float) (1.0 / Math.sqrt(ss / m + eps));
    mean[ch] = (float) mu;
    invStd[ch] = is;
    varUnbiased[ch] = (float) (m > 1 ? ss / (m - 1) : 0.0);
    return is;
  }

  /** Batch norm's input gradient over one plane: gx = k·(m·gy − gβ − x̂·gγ), x̂ = (x − mu)·is, in float32 in that order. */
  private static void gradRun(float[] x, float[] gy, int base, int hw, float mu, float is, float k, long m, float gBeta,
                              float gGamma, float[] gx) {
    for (int j = 0; j < hw; j++) {
      float xh = (x[base + j] - mu) * is;
      gx[base + j] = k * (m * gy[base + j] - gBeta - xh * gGamma);
    }
  }

  /** Refuses, naming op, an activation that a CPU kernel cannot apply as it writes: RELU and LEAKY_RELU only. */
  static void requireFusedActivation(String op, UnaryOp act) {
    if (act != UnaryOp.RELU && act != UnaryOp.LEAKY_RELU) {
      throw new IllegalArgumentException(op + ": the fused activation is RELU or LEAKY_RELU, not " + act);
    }
  }

  // ---- random ---------------------------------------------------------------------------------

  /**
   * Philox fills are counter-based: each element depends only on its index, so chunks fill in parallel, each by
   * {@link PhiloxLanes} (the reference's words and floats, one counter block per vector lane).
   */
  static void random(Distribution dist, long seed, long offset, float a, float b, float[] out, int n) {
    CpuPool.parallelFor(n, GRAIN / 8, (from, to) -> PhiloxLanes.fill(dist, seed, offset, a, b, out, from, from, to));
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
