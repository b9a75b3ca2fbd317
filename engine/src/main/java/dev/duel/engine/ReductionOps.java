package dev.duel.engine;

import java.util.Arrays;

/** Sum / mean / max over axes. A reduction over a run of adjacent axes is one backend call. */
final class ReductionOps {
  private ReductionOps() {}

  static Tensor sumAll(Tensor x) {
    Tensor xc = x.contiguous();
    Tensor out = Tensor.empty(x.backend);
    x.backend.reduce(ReduceOp.SUM, xc.buffer(), xc.offset, 1, Math.toIntExact(x.numel()), 1, out.buffer());
    int[] shape = x.shape;
    return out.recordOp("sum", g -> new Tensor[] {g.expand(shape)}, xc);
  }

  static Tensor maxAll(Tensor x) {
    return max(x.reshape(-1), 0, false);
  }

  static Tensor sum(Tensor x, boolean keepDim, int... axes) {
    int rank = x.shape.length;
    boolean[] reduce = new boolean[rank];
    for (int a : axes) reduce[Shape.axis("sum", a, rank)] = true;
    // Reduce runs of adjacent axes from the last to the first, keeping dims; then drop them if asked.
    Tensor cur = x;
    int i = rank - 1;
    while (i >= 0) {
      if (!reduce[i]) { i--; continue; }
      int hi = i;
      while (i - 1 >= 0 && reduce[i - 1]) i--;
      cur = sumRun(cur, i, hi);
      i--;
    }
    if (keepDim) return cur;
    int[] kept = new int[rank];
    int n = 0;
    for (int d = 0; d < rank; d++) if (!reduce[d]) kept[n++] = x.shape[d];
    return cur.reshape(Arrays.copyOf(kept, n));
  }

  static Tensor mean(Tensor x, boolean keepDim, int... axes) {
    long count = 1;
    boolean[] seen = new boolean[x.shape.length];
    for (int a : axes) {
      int ax = Shape.axis("mean", a, x.shape.length);
      if (!seen[ax]) { seen[ax] = true; count *= x.shape[ax]; }
    }
    return sum(x, keepDim, axes).mul(1f / count);
  }

  /** Σ over axes lo..hi (inclusive), keeping them as size 1. */
  private static Tensor sumRun(Tensor x, int lo, int hi) {
    int[] outShape = x.shape.clone();
    for (int d = lo; d <= hi; d++) outShape[d] = 1;
    Tensor out = reduceRun(ReduceOp.SUM, x, lo, hi, outShape);
    int[] inShape = x.shape;
    return out.recordOp("sum", g -> new Tensor[] {g.expand(inShape)}, x);
  }

  private static Tensor reduceRun(ReduceOp op, Tensor x, int lo, int hi, int[] outShape) {
    Tensor xc = x.contiguousNoGrad();
    int outer = 1, len = 1, inner = 1;
    for (int d = 0; d < lo; d++) outer *= x.shape[d];
    for (int d = lo; d <= hi; d++) len *= x.shape[d];
    for (int d = hi + 1; d < x.shape.length; d++) inner *= x.shape[d];
    Tensor out = Tensor.empty(x.backend, outShape);
    x.backend.reduce(op, xc.buffer(), xc.offset, outer, len, inner, out.buffer());
    if (xc != x) xc.close();
    return out;
  }

  /** max along one axis. ∂/∂x = g on the maximal elements, split evenly among ties. */
  static Tensor max(Tensor x, int axis, boolean keepDim) {
    int ax = Shape.axis("max", axis, x.shape.length);
    if (x.shape[ax] == 0) throw new IllegalArgumentException("max over an empty axis " + ax);
    int[] keepShape = x.shape.clone();
    keepShape[ax] = 1;
    Tensor m = reduceRun(ReduceOp.MAX, x, ax, ax, keepShape);
    m.recordOp("max", g -> {
      Tensor mask = x.eq(m.detach());
      Tensor count = mask.sum(true, ax);
      return new Tensor[] {g.mul(mask).div(count)};
    }, x);
    if (keepDim) return m;
    int[] dropped = new int[x.shape.length - 1];
    for (int d = 0, j = 0; d < x.shape.length; d++) if (d != ax) dropped[j++] = x.shape[d];
    return m.reshape(dropped);
  }
}
