package dev.duel.engine.cpu;

import dev.duel.engine.BinaryOp;
import dev.duel.engine.UnaryOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD forms of the hot elementwise loops of {@link CpuKernels}, each equal to the scalar formula of
 * {@link CpuReference} (the same IEEE operations per element, so bit-identical results; NaN in gives NaN out).
 *
 * <p>Why: activations branch on the sign of x, and on real activations the sign is a coin flip, so a
 * scalar loop mispredicts every other element (~5 ns per element measured on leaky_relu of
 * 64×128×14×14 floats); a compare-and-blend has no branch. Plain arithmetic over array offsets with
 * runtime strides is not auto-vectorised by C2 either.
 *
 * <p>Every result is independent of JIT state and thread count (no lane reduction of unspecified
 * order), so a run resumed in a fresh JVM computes what the warm one did.
 *
 * <p>Each method covers the ops it lists and returns false for any other, so the caller falls back to
 * the scalar formula.
 */
final class VectorLoops {
  private VectorLoops() {}

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  static final int L = F.length();

  /** out[o + i] = op(x[xOff + i]) for i < n; RELU, LEAKY_RELU, SCALE, ADD_SCALAR, SQUARE, NEG, TANH. */
  static boolean unary(UnaryOp op, float alpha, float[] x, int xOff, float[] out, int o, int n) {
    int i = 0, upper = F.loopBound(n);
    switch (op) {
      case TANH -> tanh(x, xOff, out, o, n);
      case RELU -> {
        // Math.max(x, 0): NaN stays NaN (the vector max follows Math.max).
        FloatVector zero = FloatVector.zero(F);
        for (; i < upper; i += L) FloatVector.fromArray(F, x, xOff + i).max(zero).intoArray(out, o + i);
        for (; i < n; i++) out[o + i] = Math.max(x[xOff + i], 0f);
      }
      case LEAKY_RELU -> {
        // x > 0 ? x : alpha·x; NaN fails the compare and gives alpha·NaN = NaN.
        for (; i < upper; i += L) {
          FloatVector v = FloatVector.fromArray(F, x, xOff + i);
          v.mul(alpha).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, o + i);
        }
        for (; i < n; i++) { float v = x[xOff + i]; out[o + i] = v > 0f ? v : alpha * v; }
      }
      case SCALE -> {
        for (; i < upper; i += L) FloatVector.fromArray(F, x, xOff + i).mul(alpha).intoArray(out, o + i);
        for (; i < n; i++) out[o + i] = alpha * x[xOff + i];
      }
      case ADD_SCALAR -> {
        for (; i < upper; i += L) FloatVector.fromArray(F, x, xOff + i).add(alpha).intoArray(out, o + i);
        for (; i < n; i++) out[o + i] = x[xOff + i] + alpha;
      }
      case SQUARE -> {
        for (; i < upper; i += L) {
          FloatVector v = FloatVector.fromArray(F, x, xOff + i);
          v.mul(v).intoArray(out, o + i);
        }
        for (; i < n; i++) { float v = x[xOff + i]; out[o + i] = v * v; }
      }
      case NEG -> {
        for (; i < upper; i += L) FloatVector.fromArray(F, x, xOff + i).neg().intoArray(out, o + i);
        for (; i < n; i++) out[o + i] = -x[xOff + i];
      }
      default -> { return false; }
    }
    return true;
  }

  /** float64 lanes, and float lanes as many as those (half a preferred float vector): tanh works in float64. */
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> FD = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));

  /**
   * out[o + i] = tanh(x[xOff + i]), {@link CpuReference#tanh}'s operations on float64 lanes: each lane
   * computes 1 − 2/(e^{2|x|} + 1) with {@link CpuReference#expTanh}'s steps, and the lanes where |x| is
   * below 2⁻¹², NaN, or above 9.1 take x or ±1 by blend, as the scalar form's branches do.
   */
  private static void tanh(float[] x, int xOff, float[] out, int o, int n) {
    int i = 0, upper = FD.loopBound(n);
    for (; i < upper; i += FD.length()) {
      FloatVector xv = FloatVector.fromArray(FD, x, xOff + i), ax = xv.abs();
      DoubleVector y = (DoubleVector) ax.convertShape(VectorOperators.F2D, D, 0);
      DoubleVector e = expTanh(y.add(y));
      DoubleVector v = DoubleVector.broadcast(D, 1.0).sub(DoubleVector.broadcast(D, 2.0).div(e.add(1.0)));
      FloatVector t = (FloatVector) v.convertShape(VectorOperators.D2F, FD, 0);
      t = t.blend(1f, ax.compare(VectorOperators.GT, 9.1f));
      // Math.copySign(t, x) for t ≥ 0: x's sign bit into t's.
      IntVector sign = xv.viewAsIntegralLanes().and(0x80000000);
      t = t.viewAsIntegralLanes().or(sign).viewAsFloatingLanes();
      t.blend(xv, ax.compare(VectorOperators.GE, 0x1p-12f).not()).intoArray(out, o + i);
    }
    for (; i < n; i++) out[o + i] = CpuReference.tanh(x[xOff + i]);
  }

  /** {@link CpuReference#expTanh} on each lane, operation for operation. */
  private static DoubleVector expTanh(DoubleVector y) {
    DoubleVector t = y.mul(CpuReference.LOG2E).add(CpuReference.EXP_SHIFTER);
    DoubleVector k = t.sub(CpuReference.EXP_SHIFTER);
    DoubleVector r = y.sub(k.mul(CpuReference.LN2_HI)).sub(k.mul(CpuReference.LN2_LO));
    DoubleVector p = DoubleVector.broadcast(D, CpuReference.E10).fma(r, DoubleVector.broadcast(D, CpuReference.E9));
    p = p.fma(r, DoubleVector.broadcast(D, CpuReference.E8));
    p = p.fma(r, DoubleVector.broadcast(D, CpuReference.E7));
    p = p.fma(r, DoubleVector.broadcast(D, CpuReference.E6));
    p = p.fma(r, DoubleVector.broadcast(D, CpuReference.E5));
    p = p.fma(r, DoubleVector.broadcast(D, CpuReference.E4));
    p = p.fma(r, DoubleVector.broadcast(D, CpuReference.E3));
    p = p.fma(r, DoubleVector.broadcast(D, CpuReference.E2));
    p = p.fma(r, DoubleVector.broadcast(D, 1.0));
    p = p.fma(r, DoubleVector.broadcast(D, 1.0));
    LongVector kInt = ((LongVector) t.viewAsIntegralLanes()).sub(Double.doubleToRawLongBits(CpuReference.EXP_SHIFTER));
    return p.mul(kInt.add(1023).lanewise(VectorOperators.LSHL, 52).viewAsFloatingLanes());
  }

  /** gx[i] = gy[i]·op'(x[i]) for from ≤ i < to; RELU, LEAKY_RELU, TANH (through y), SIGMOID (through y). */
  static boolean unaryBackward(UnaryOp op, float alpha, float[] x, float[] y, float[] gy, float[] gx, int from, int to) {
    int i = from, upper = from + F.loopBound(to - from);
    switch (op) {
      case RELU -> {
        FloatVector zero = FloatVector.zero(F);
        for (; i < upper; i += L) {
          VectorMask<Float> pos = FloatVector.fromArray(F, x, i).compare(VectorOperators.GT, 0f);
          zero.blend(FloatVector.fromArray(F, gy, i), pos).intoArray(gx, i);
        }
        for (; i < to; i++) gx[i] = x[i] > 0f ? gy[i] : 0f;
      }
      case LEAKY_RELU -> {
        for (; i < upper; i += L) {
          VectorMask<Float> pos = FloatVector.fromArray(F, x, i).compare(VectorOperators.GT, 0f);
          FloatVector g = FloatVector.fromArray(F, gy, i);
          g.mul(alpha).blend(g, pos).intoArray(gx, i);
        }
        for (; i < to; i++) gx[i] = x[i] > 0f ? gy[i] : alpha * gy[i];
      }
      case TANH -> {
        // gy·(1 − y·y), in the scalar loop's order: y·y, then 1 − that, then the product.
        for (; i < upper; i += L) {
          FloatVector yv = FloatVector.fromArray(F, y, i);
          FloatVector.fromArray(F, gy, i).mul(yv.mul(yv).neg().add(1f)).intoArray(gx, i);
        }
        for (; i < to; i++) gx[i] = gy[i] * (1f - y[i] * y[i]);
      }
      case SIGMOID -> {
        // gy·y·(1 − y), as (gy·y)·(1 − y).
        for (; i < upper; i += L) {
          FloatVector yv = FloatVector.fromArray(F, y, i);
          FloatVector.fromArray(F, gy, i).mul(yv).mul(yv.neg().add(1f)).intoArray(gx, i);
        }
        for (; i < to; i++) gx[i] = gy[i] * y[i] * (1f - y[i]);
      }
      default -> { return false; }
    }
    return true;
  }

  /**
   * out[o + j] = op(a[ai + j·as], b[bi + j·bs]) for j < n with as = 1 and bs ∈ {0, 1} (a contiguous
   * row, and b contiguous or one broadcast value); ADD, SUB, MUL, DIV.
   */
  static boolean binaryRow(BinaryOp op, float[] a, int ai, int as, float[] b, int bi, int bs, float[] out, int o, int n) {
    if (as != 1 || (bs != 0 && bs != 1)) return false;
    // One loop per op with the operator spelled out: C2 intrinsifies lanewise ops only for a constant
    // operator; a shared loop over a VectorOperators variable ran ~9x slower once two ops used it.
    int j = switch (op) {
      case ADD -> bs == 1 ? add(a, ai, b, bi, out, o, n) : addScalar(a, ai, b[bi], out, o, n);
      case SUB -> bs == 1 ? sub(a, ai, b, bi, out, o, n) : subScalar(a, ai, b[bi], out, o, n);
      case MUL -> bs == 1 ? mul(a, ai, b, bi, out, o, n) : mulScalar(a, ai, b[bi], out, o, n);
      case DIV -> bs == 1 ? div(a, ai, b, bi, out, o, n) : divScalar(a, ai, b[bi], out, o, n);
      default -> -1;
    };
    if (j < 0) return false;
    for (; j < n; j++) out[o + j] = CpuReference.binary(op, a[ai + j], b[bi + j * bs]);
    return true;
  }

  // Each returns the index where its SIMD loop stopped; the caller finishes the tail with the scalar formula.

  private static int add(float[] a, int ai, float[] b, int bi, float[] out, int o, int n) {
    int j = 0, upper = F.loopBound(n);
    for (; j < upper; j += L) FloatVector.fromArray(F, a, ai + j).add(FloatVector.fromArray(F, b, bi + j)).intoArray(out, o + j);
    return j;
  }

  private static int sub(float[] a, int ai, float[] b, int bi, float[] out, int o, int n) {
    int j = 0, upper = F.loopBound(n);
    for (; j < upper; j += L) FloatVector.fromArray(F, a, ai + j).sub(FloatVector.fromArray(F, b, bi + j)).intoArray(out, o + j);
    return j;
  }

  private static int mul(float[] a, int ai, float[] b, int bi, float[] out, int o, int n) {
    int j = 0, upper = F.loopBound(n);
    for (; j < upper; j += L) FloatVector.fromArray(F, a, ai + j).mul(FloatVector.fromArray(F, b, bi + j)).intoArray(out, o + j);
    return j;
  }

  private static int div(float[] a, int ai, float[] b, int bi, float[] out, int o, int n) {
    int j = 0, upper = F.loopBound(n);
    for (; j < upper; j += L) FloatVector.fromArray(F, a, ai + j).div(FloatVector.fromArray(F, b, bi + j)).intoArray(out, o + j);
    return j;
  }

  private static int addScalar(float[] a, int ai, float b, float[] out, int o, int n) {
    int j = 0, upper = F.loopBound(n);
    for (; j < upper; j += L) FloatVector.fromArray(F, a, ai + j).add(b).intoArray(out, o + j);
    return j;
  }

  private static int subScalar(float[] a, int ai, float b, float[] out, int o, int n) {
    int j = 0, upper = F.loopBound(n);
    for (; j < upper; j += L) FloatVector.fromArray(F, a, ai + j).sub(b).intoArray(out, o + j);
    return j;
  }

  private static int mulScalar(float[] a, int ai, float b, float[] out, int o, int n) {
    int j = 0, upper = F.loopBound(n);
    for (; j < upper; j += L) FloatVector.fromArray(F, a, ai + j).mul(b).intoArray(out, o + j);
    return j;
  }

  private static int divScalar(float[] a, int ai, float b, float[] out, int o, int n) {
    int j = 0, upper = F.loopBound(n);
    for (; j < upper; j += L) FloatVector.fromArray(F, a, ai + j).div(b).intoArray(out, o + j);
    return j;
  }

  /**
   * Σ x[base + l] for l < len, in float64 across blocks: each block of up to {@value #SUM_BLOCK}
   * elements is summed in the vector lanes in float32 (a 16-term partial sum per lane), then added to
   * a double. Close to the pure-double sum (relative error ~16·2⁻²⁴ per block), far faster.
   */
  static double sum(float[] x, int base, int len) {
    double total = 0;
    for (int b0 = 0; b0 < len; b0 += SUM_BLOCK) {
      int n = Math.min(SUM_BLOCK, len - b0), at = base + b0, i = 0, upper = F.loopBound(n);
      FloatVector acc = FloatVector.zero(F);
      for (; i < upper; i += L) acc = acc.add(FloatVector.fromArray(F, x, at + i));
      double s = lanesInOrder(acc);
      for (; i < n; i++) s += x[at + i];
      total += s;
    }
    return total;
  }

  /** Σ (x[base + l] − mu)² for l < len, blocked as {@link #sum}. */
  static double sumSquaredDeviations(float[] x, int base, int len, float mu) {
    double total = 0;
    for (int b0 = 0; b0 < len; b0 += SUM_BLOCK) {
      int n = Math.min(SUM_BLOCK, len - b0), at = base + b0, i = 0, upper = F.loopBound(n);
      FloatVector acc = FloatVector.zero(F);
      for (; i < upper; i += L) {
        FloatVector d = FloatVector.fromArray(F, x, at + i).sub(mu);
        acc = d.fma(d, acc);
      }
      double s = lanesInOrder(acc);
      for (; i < n; i++) { double d = x[at + i] - mu; s += d * d; }
      total += s;
    }
    return total;
  }

  /**
   * Σ over runs r < runs of Σ_{l < len} x[base + r·stride + l]: batch norm's per-channel sum over NCHW, runs = N
   * images of len = H·W floats. A run of at least {@value #SUM_BLOCK} floats is summed by {@link #sum}. Shorter
   * runs share the float32 lanes: each run's whole vectors are added to one accumulator, which goes into the
   * double total (lanes in order) once it holds {@value #SUM_BLOCK} or more floats' worth, and each run's last
   * len mod L floats go straight into the double. So a 7×7 channel costs one lane reduction per three runs rather
   * than one per run (16 lanes: 48 floats of each 49), with each lane's float32 partial sum over at most about
   * {@value #SUM_BLOCK}/L + len/L terms, as in {@link #sum}.
   */
  static double sumRuns(float[] x, int base, int stride, int runs, int len) {
    if (len >= SUM_BLOCK) {
      double total = 0;
      for (int r = 0; r < runs; r++) total += sum(x, base + r * stride, len);
      return total;
    }
    int upper = F.loopBound(len), held = 0;
    double total = 0;
    float[] buf = new float[L];
    FloatVector acc = FloatVector.zero(F);
    for (int r = 0; r < runs; r++) {
      int at = base + r * stride, i = 0;
      for (; i < upper; i += L) acc = acc.add(FloatVector.fromArray(F, x, at + i));
      for (; i < len; i++) total += x[at + i];
      held += upper;
      if (held >= SUM_BLOCK) {
        acc.intoArray(buf, 0);
        total += inOrder(buf);
        acc = FloatVector.zero(F);
        held = 0;
      }
    }
    if (held == 0) return total;
    acc.intoArray(buf, 0);
    return total + inOrder(buf);
  }

  /** Σ over runs of Σ (x[base + r·stride + l] − mu)², blocked as {@link #sumRuns}. */
  static double sumSquaredDeviationsRuns(float[] x, int base, int stride, int runs, int len, float mu) {
    if (len >= SUM_BLOCK) {
      double total = 0;
      for (int r = 0; r < runs; r++) total += sumSquaredDeviations(x, base + r * stride, len, mu);
      return total;
    }
    int upper = F.loopBound(len), held = 0;
    double total = 0;
    float[] buf = new float[L];
    FloatVector acc = FloatVector.zero(F);
    for (int r = 0; r < runs; r++) {
      int at = base + r * stride, i = 0;
      for (; i < upper; i += L) {
        FloatVector d = FloatVector.fromArray(F, x, at + i).sub(mu);
        acc = d.fma(d, acc);
      }
      for (; i < len; i++) { double d = x[at + i] - mu; total += d * d; }
      held += upper;
      if (held >= SUM_BLOCK) {
        acc.intoArray(buf, 0);
        total += inOrder(buf);
        acc = FloatVector.zero(F);
        held = 0;
      }
    }
    if (held == 0) return total;
    acc.intoArray(buf, 0);
    return total + inOrder(buf);
  }

  /**
   * Batch norm's two backward sums over one channel's runs (as {@link #sumRuns}): sums[0] = Σ gy, sums[1] =
   * Σ gy·x̂ with x̂ = (x − mu)·invStd, each run's whole vectors in float32 lanes that go into the double totals
   * once they hold {@value #SUM_BLOCK} or more floats' worth (at every run's end for runs that long), the rest
   * in double.
   */
  static void batchNormBackwardSums(float[] gy, float[] x, int base, int stride, int runs, int len, float mu,
                                    float invStd, double[] sums) {
    sums[0] = 0;
    sums[1] = 0;
    addBatchNormBackwardSums(gy, x, base, stride, runs, len, mu, invStd, sums, 0, new float[L]);
  }

  /**
   * {@link #batchNormBackwardSums} added onto the running totals sums[at0], sums[at0 + 1] (each flush goes into them, as
   * into the totals from 0), with buf (L floats) as scratch: with runs of at least {@value #SUM_BLOCK} floats, whose
   * lanes are flushed at every run's end, a channel's runs fed one call each, in order, give the totals of one call
   * over all of them, bit for bit.
   */
  static void addBatchNormBackwardSums(float[] gy, float[] x, int base, int stride, int runs, int len, float mu,
                                       float invStd, double[] sums, int at0, float[] buf) {
    int upper = F.loopBound(len), held = 0;
    double sb = sums[at0], sg = sums[at0 + 1];
    FloatVector accB = FloatVector.zero(F), accG = accB;
    for (int r = 0; r < runs; r++) {
      int at = base + r * stride, i = 0;
      for (; i < upper; i += L) {
        FloatVector g = FloatVector.fromArray(F, gy, at + i);
        FloatVector xh = FloatVector.fromArray(F, x, at + i).sub(mu).mul(invStd);
        accB = accB.add(g);
        accG = g.fma(xh, accG);
        if (((i + L) & (SUM_BLOCK - 1)) == 0) {   // within a long run: flush every SUM_BLOCK floats
          accB.intoArray(buf, 0);
          sb += inOrder(buf);
          accG.intoArray(buf, 0);
          sg += inOrder(buf);
          accB = accG = FloatVector.zero(F);
        }
      }
      for (; i < len; i++) {
        float g = gy[at + i];
        sb += g;
        sg += g * ((x[at + i] - mu) * invStd);
      }
      held += upper;
      if (held >= SUM_BLOCK) {
        accB.intoArray(buf, 0);
        sb += inOrder(buf);
        accG.intoArray(buf, 0);
        sg += inOrder(buf);
        accB = accG = FloatVector.zero(F);
        held = 0;
      }
    }
    accB.intoArray(buf, 0);
    sums[at0] = sb + inOrder(buf);
    accG.intoArray(buf, 0);
    sums[at0 + 1] = sg + inOrder(buf);
  }

  // ---- BatchNorm1d's rows ----------------------------------------------------------------------
  //
  // x is N×C with the channels as columns, so one row holds one element of every channel. Each lane below is one
  // channel and the rows are walked in order, so every channel's float64 sum is taken in the same order, with the
  // same IEEE operations, as the scalar loops of CpuReference: bit for bit, D.length() channels per step.

  /** s[ch] += x[row + ch] for from ≤ ch < to, in float64. */
  static void addRowWidened(float[] x, int row, double[] s, int from, int to) {
    int ch = from, upper = from + FD.loopBound(to - from);
    for (; ch < upper; ch += FD.length()) {
      DoubleVector.fromArray(D, s, ch).add(widen(x, row + ch)).intoArray(s, ch);
    }
    for (; ch < to; ch++) s[ch] += x[row + ch];
  }

  /** ss[ch] += d·d, d = x[row + ch] − mu[ch], for from ≤ ch < to, in float64. */
  static void addSquaredDeviationsRow(float[] x, int row, double[] mu, double[] ss, int from, int to) {
    int ch = from, upper = from + FD.loopBound(to - from);
    for (; ch < upper; ch += FD.length()) {
      DoubleVector d = widen(x, row + ch).sub(DoubleVector.fromArray(D, mu, ch));
      DoubleVector.fromArray(D, ss, ch).add(d.mul(d)).intoArray(ss, ch);
    }
    for (; ch < to; ch++) { double d = x[row + ch] - mu[ch]; ss[ch] += d * d; }
  }

  /**
   * y[row + ch] = act(x[row + ch]·scale[ch] + shift[ch]) for from ≤ ch < to (a product, then a sum: no FMA, as the scalar
   * form), act RELU, LEAKY_RELU (slope alpha) or none (null), as {@link #scaleShiftActivate}.
   */
  static void scaleShiftRow(float[] x, int row, float[] scale, float[] shift, UnaryOp act, float alpha, float[] y,
                            int from, int to) {
    int ch = from, upper = from + F.loopBound(to - from);
    FloatVector zero = FloatVector.zero(F);
    for (; ch < upper; ch += L) {
      FloatVector v = FloatVector.fromArray(F, x, row + ch).mul(FloatVector.fromArray(F, scale, ch))
          .add(FloatVector.fromArray(F, shift, ch));
      if (act == UnaryOp.RELU) v = v.max(zero);
      else if (act == UnaryOp.LEAKY_RELU) v = v.mul(alpha).blend(v, v.compare(VectorOperators.GT, 0f));
      v.intoArray(y, row + ch);
    }
    for (; ch < to; ch++) {
      float v = x[row + ch] * scale[ch] + shift[ch];
      y[row + ch] = act == UnaryOp.RELU ? Math.max(v, 0f) : act == UnaryOp.LEAKY_RELU ? (v > 0f ? v : alpha * v) : v;
    }
  }

  /**
   * y[at + j] = act(x[at + j]·scale + shift) for j < len, act RELU, LEAKY_RELU (slope alpha) or none (null): batch
   * norm's output run with its activation in the same loop; the product, then the sum (no FMA), then the activation,
   * each as the separate ops compute it.
   */
  static void scaleShiftActivate(float[] x, int at, int len, float scale, float shift, UnaryOp act, float alpha,
                                 float[] y) {
    int j = 0, upper = F.loopBound(len);
    FloatVector zero = FloatVector.zero(F);
    if (act == null) {
      for (; j < upper; j += L) FloatVector.fromArray(F, x, at + j).mul(scale).add(shift).intoArray(y, at + j);
      for (; j < len; j++) y[at + j] = x[at + j] * scale + shift;
    } else if (act == UnaryOp.RELU) {
      for (; j < upper; j += L) FloatVector.fromArray(F, x, at + j).mul(scale).add(shift).max(zero).intoArray(y, at + j);
      for (; j < len; j++) y[at + j] = Math.max(x[at + j] * scale + shift, 0f);
    } else {
      for (; j < upper; j += L) {
        FloatVector v = FloatVector.fromArray(F, x, at + j).mul(scale).add(shift);
        v.mul(alpha).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, at + j);
      }
      for (; j < len; j++) { float v = x[at + j] * scale + shift; y[at + j] = v > 0f ? v : alpha * v; }
    }
  }

  /** sb[ch] += g and sg[ch] += g·x̂ (the product in float32, then widened), g = gy[row + ch], x̂ = (x − mean)·invStd. */
  static void batchNorm1dSumsRow(float[] gy, float[] x, int row, float[] mean, float[] invStd, double[] sb,
                                 double[] sg, int from, int to) {
    int ch = from, upper = from + FD.loopBound(to - from);
    for (; ch < upper; ch += FD.length()) {
      FloatVector g = FloatVector.fromArray(FD, gy, row + ch);
      FloatVector xh = FloatVector.fromArray(FD, x, row + ch).sub(FloatVector.fromArray(FD, mean, ch))
          .mul(FloatVector.fromArray(FD, invStd, ch));
      DoubleVector.fromArray(D, sb, ch).add(g.convertShape(VectorOperators.F2D, D, 0)).intoArray(sb, ch);
      DoubleVector.fromArray(D, sg, ch).add(g.mul(xh).convertShape(VectorOperators.F2D, D, 0)).intoArray(sg, ch);
    }
    for (; ch < to; ch++) {
      float g = gy[row + ch];
      sb[ch] += g;
      sg[ch] += g * ((x[row + ch] - mean[ch]) * invStd[ch]);
    }
  }

  /** gx[row + ch] = k[ch]·(m·gy − gβ[ch] − x̂·gγ[ch]), x̂ = (x − mean)·invStd, for from ≤ ch < to, in float32 in that order. */
  static void batchNorm1dGradRow(float[] gy, float[] x, int row, float[] mean, float[] invStd, float[] k, float m,
                                 float[] gBeta, float[] gGamma, float[] gx, int from, int to) {
    int ch = from, upper = from + F.loopBound(to - from);
    for (; ch < upper; ch += L) {
      FloatVector xh = FloatVector.fromArray(F, x, row + ch).sub(FloatVector.fromArray(F, mean, ch))
          .mul(FloatVector.fromArray(F, invStd, ch));
      FloatVector t = FloatVector.fromArray(F, gy, row + ch).mul(m).sub(FloatVector.fromArray(F, gBeta, ch))
          .sub(xh.mul(FloatVector.fromArray(F, gGamma, ch)));
      FloatVector.fromArray(F, k, ch).mul(t).intoArray(gx, row + ch);
    }
    for (; ch < to; ch++) {
      float xh = (x[row + ch] - mean[ch]) * invStd[ch];
      gx[row + ch] = k[ch] * (m * gy[row + ch] - gBeta[ch] - xh * gGamma[ch]);
    }
  }

  /** x[at …] widened to float64, D.length() lanes. */
  private static DoubleVector widen(float[] x, int at) {
    return (DoubleVector) FloatVector.fromArray(FD, x, at).convertShape(VectorOperators.F2D, D, 0);
  }

  /**
   * Σ of the lanes in lane order, in float64. Not {@code reduceLanes(ADD)}: its float order is
   * unspecified and differs between the interpreter and C2's intrinsic, and a sum that changes with
   * JIT state would break bit-identical resume (a fresh JVM must compute what a warm one did).
   */
  /**
   * Σ buf[k] for k < L in order, in float64: the run sums' flush, after the accumulator's store to buf. The same sum
   * as {@link #lanesInOrder}, bit for bit, but no vector is passed to a call inside their loops. With the accumulator
   * passed to lanesInOrder there, 4 of 35 dcgan28 JVMs ran batch norm's 7×7 forward ~4× slower, and 0 of 20 with this
   * form (docs/benchmarks.md, session 13); a vector argument boxed when C2 does not inline the callee is the
   * suspected cause, not verified.
   */
  private static double inOrder(float[] buf) {
    double s = 0;
    for (int k = 0; k < L; k++) s += buf[k];
    return s;
  }

  private static double lanesInOrder(FloatVector v) {
    double s = 0;
    for (int k = 0; k < L; k++) s += v.lane(k);
    return s;
  }

  /** Elements per float32 block of {@link #sum}: 16 terms per lane with AVX2's 8 lanes. A power of two. */
  static final int SUM_BLOCK = 128;
}
