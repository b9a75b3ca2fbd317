package dev.duel.engine;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * A float64 n-dimensional array, row-major, with plain-loop reference ops: the float64 side of the
 * gradient checks. Deliberately naive (index arithmetic, no views) so that it is obviously right.
 * The network ops (matmul, conv, batch norm, losses) are in {@link NdOps}.
 */
final class Nd {
  final int[] shape;
  final double[] v;

  Nd(int[] shape, double[] v) {
    if (Shape.numel(shape) != v.length) {
      throw new IllegalArgumentException("Nd: " + v.length + " values for shape " + Arrays.toString(shape));
    }
    this.shape = shape.clone();
    this.v = v;
  }

  static Nd zeros(int... shape) {
    return new Nd(shape, new double[Math.toIntExact(Shape.numel(shape))]);
  }

  static Nd scalar(double x) {
    return new Nd(new int[0], new double[] {x});
  }

  static Nd ofFloats(float[] f, int... shape) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) d[i] = f[i];
    return new Nd(shape, d);
  }

  /** The tensor's elements, exactly (float32 widens to float64 without rounding). */
  static Nd of(Tensor t) {
    return ofFloats(t.toArray(), t.shape());
  }

  float[] toFloats() {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
    return f;
  }

  Tensor toTensor(Backend be) {
    return Tensor.of(be, toFloats(), shape);
  }

  int size() {
    return v.length;
  }

  int rank() {
    return shape.length;
  }

  Nd copy() {
    return new Nd(shape, v.clone());
  }

  long[] strides() {
    return Shape.contiguousStrides(shape);
  }

  /** Σ this·w (shapes equal): the random projection that turns any output into a scalar loss. */
  double dot(Nd w) {
    if (!Arrays.equals(shape, w.shape)) throw new IllegalArgumentException("dot: shape mismatch");
    double s = 0;
    for (int i = 0; i < v.length; i++) s += v[i] * w.v[i];
    return s;
  }

  double maxAbs() {
    double m = 0;
    for (double x : v) m = Math.max(m, Math.abs(x));
    return m;
  }

  // ---- elementwise ----------------------------------------------------------------------------

  Nd map(DoubleUnaryOperator f) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) out[i] = f.applyAsDouble(v[i]);
    return new Nd(shape, out);
  }

  /** f(a, b) with NumPy broadcasting. */
  static Nd zip(Nd a, Nd b, DoubleBinaryOperator f) {
    int[] shape = Shape.broadcast("Nd.zip", a.shape, b.shape);
    long[] sa = Shape.broadcastStrides(a.shape, a.strides(), shape);
    long[] sb = Shape.broadcastStrides(b.shape, b.strides(), shape);
    Nd out = zeros(shape);
    int[] idx = new int[shape.length];
    for (int i = 0; i < out.v.length; i++) {
      unravel(i, shape, idx);
      out.v[i] = f.applyAsDouble(a.v[(int) at(idx, sa)], b.v[(int) at(idx, sb)]);
    }
    return out;
  }

  Nd add(Nd o) { return zip(this, o, Double::sum); }
  Nd sub(Nd o) { return zip(this, o, (x, y) -> x - y); }
  Nd mul(Nd o) { return zip(this, o, (x, y) -> x * y); }
  Nd div(Nd o) { return zip(this, o, (x, y) -> x / y); }
  Nd add(double c) { return map(x -> x + c); }
  Nd mul(double c) { return map(x -> x * c); }

  // ---- reductions -----------------------------------------------------------------------------

  /** Σ over the given axes (negative counts from the end; repeats allowed). */
  Nd sum(boolean keepDim, int... axes) {
    boolean[] red = new boolean[rank()];
    for (int a : axes) red[a < 0 ? a + rank() : a] = true;
    int[] keep = shape.clone();
    for (int d = 0; d < rank(); d++) if (red[d]) keep[d] = 1;
    Nd out = zeros(keep);
    long[] os = Shape.contiguousStrides(keep);
    int[] idx = new int[rank()];
    for (int i = 0; i < v.length; i++) {
      unravel(i, shape, idx);
      long o = 0;
      for (int d = 0; d < rank(); d++) if (!red[d]) o += idx[d] * os[d];
      out.v[(int) o] += v[i];
    }
    return keepDim ? out : out.reshape(dropped(red));
  }

  Nd sumAll() {
    double s = 0;
    for (double x : v) s += x;
    return scalar(s);
  }

  Nd mean(boolean keepDim, int... axes) {
    Nd s = sum(keepDim, axes);
    long count = Shape.numel(shape) / Math.max(1, Shape.numel(sum(true, axes).shape));
    return s.mul(1.0 / count);
  }

  /** max along one axis. */
  Nd max(int axis, boolean keepDim) {
    int ax = axis < 0 ? axis + rank() : axis;
    int[] keep = shape.clone();
    keep[ax] = 1;
    Nd out = zeros(keep);
    Arrays.fill(out.v, Double.NEGATIVE_INFINITY);
    long[] os = Shape.contiguousStrides(keep);
    int[] idx = new int[rank()];
    for (int i = 0; i < v.length; i++) {
      unravel(i, shape, idx);
      long o = 0;
      for (int d = 0; d < rank(); d++) if (d != ax) o += idx[d] * os[d];
      out.v[(int) o] = Math.max(out.v[(int) o], v[i]);
    }
    boolean[] red = new boolean[rank()];
    red[ax] = true;
    return keepDim ? out : out.reshape(dropped(red));
  }

  private int[] dropped(boolean[] red) {
    int n = 0;
    int[] s = new int[rank()];
    for (int d = 0; d < rank(); d++) if (!red[d]) s[n++] = shape[d];
    return Arrays.copyOf(s, n);
  }

  // ---- shape ----------------------------------------------------------------------------------

  Nd reshape(int... newShape) {
    return new Nd(newShape, v.clone());
  }

  /** out[i_0..] = this[i_order^-1...]: out dim d is this dim order[d]. */
  Nd permute(int... order) {
    int[] s = new int[rank()];
    long[] st = strides(), pst = new long[rank()];
    for (int d = 0; d < rank(); d++) { s[d] = shape[order[d]]; pst[d] = st[order[d]]; }
    Nd out = zeros(s);
    int[] idx = new int[rank()];
    for (int i = 0; i < out.v.length; i++) {
      unravel(i, s, idx);
      out.v[i] = v[(int) at(idx, pst)];
    }
    return out;
  }

  Nd transpose(int a, int b) {
    int[] order = new int[rank()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    a = a < 0 ? a + rank() : a;
    b = b < 0 ? b + rank() : b;
    order[a] = b;
    order[b] = a;
    return permute(order);
  }

  Nd narrow(int axis, int start, int length) {
    int[] s = shape.clone();
    s[axis] = length;
    Nd out = zeros(s);
    long[] st = strides();
    int[] idx = new int[rank()];
    for (int i = 0; i < out.v.length; i++) {
      unravel(i, s, idx);
      idx[axis] += start;
      out.v[i] = v[(int) at(idx, st)];
    }
    return out;
  }

  Nd expand(int... newShape) {
    return zip(this, zeros(newShape), (x, zero) -> x);
  }

  static Nd concat(int axis, Nd... parts) {
    int[] s = parts[0].shape.clone();
    s[axis] = 0;
    for (Nd p : parts) s[axis] += p.shape[axis];
    Nd out = zeros(s);
    long[] os = out.strides();
    int at = 0;
    for (Nd p : parts) {
      int[] idx = new int[p.rank()];
      for (int i = 0; i < p.v.length; i++) {
        unravel(i, p.shape, idx);
        idx[axis] += at;
        out.v[(int) at(idx, os)] = p.v[i];
      }
      at += p.shape[axis];
    }
    return out;
  }

  // ---- index helpers --------------------------------------------------------------------------

  static void unravel(long i, int[] shape, int[] idx) {
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = (int) (i % shape[d]);
      i /= shape[d];
    }
  }

  static long at(int[] idx, long[] strides) {
    long o = 0;
    for (int d = 0; d < idx.length; d++) o += idx[d] * strides[d];
    return o;
  }

  @Override
  public String toString() {
    return "Nd" + Arrays.toString(shape) + (v.length <= 16 ? " " + Arrays.toString(v) : "");
  }
}
