package dev.duel.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Finite-difference gradient checks of sum/mean/max and the view/copy ops against float64 references. */
class ReductionShapeGradTest {
  static final String DEVICES = "dev.duel.engine.TestDevices#all";

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void sumAndMeanOverAll(Backend be) {
    for (int[] shape : new int[][] {{}, {1}, {7}, {2, 3}, {2, 3, 4}}) {
      RefCheck c = new RefCheck(be, "sum all " + java.util.Arrays.toString(shape));
      Nd x = c.uniform(shape);
      c.fwdTol(1e-5 * cancellation(x)).run(t -> t[0].sum(), n -> n[0].sumAll(), x);
      RefCheck m = new RefCheck(be, "mean all " + java.util.Arrays.toString(shape));
      Nd y = m.uniform(shape);
      m.fwdTol(1e-5 * cancellation(y)).run(t -> t[0].mean(), n -> n[0].sumAll().mul(1.0 / n[0].size()), y);
    }
  }

  /**
   * Σ|x| / |Σx| (at least 1): a float sum's error is bounded by a multiple of u·Σ|x|, so relative to the
   * result it grows by this factor when the terms cancel (seen on an H200: 24 uniform values summing to
   * −0.003, error 2.1e-7 = 7e-5 of the result, far inside u·Σ|x|).
   */
  static double cancellation(Nd x) {
    double sum = 0, abs = 0;
    for (double v : x.v) {
      sum += v;
      abs += Math.abs(v);
    }
    return Math.max(1, abs / Math.max(Math.abs(sum), 1e-300));
  }

  /**
   * {@link #cancellation(Nd)} for a sum over some axes, against the check's scale (the largest result): the largest
   * Σ|x| of an output over the largest |Σx| of any output, at least 1. A sum over all 120 values of a 2×3×4×5 tensor
   * once came to 0.032 with an error of 5.1e-7 (1.6e-5 of it), far inside u·Σ|x|.
   */
  static double cancellation(Nd x, int[] axes) {
    double worstAbs = 0, largest = 0;
    for (double v : x.map(Math::abs).sum(false, axes).v) worstAbs = Math.max(worstAbs, v);
    for (double v : x.sum(false, axes).v) largest = Math.max(largest, Math.abs(v));
    return Math.max(1, worstAbs / Math.max(largest, 1e-300));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void sumAndMeanOverAxes(Backend be) {
    int[] shape = {2, 3, 4, 5};
    int[][] axesSets = {{0}, {1}, {3}, {-1}, {1, 2}, {0, 2}, {0, 3}, {0, 1, 3}, {0, 1, 2, 3}, {2, 0}};
    for (int[] axes : axesSets) {
      for (boolean keep : new boolean[] {false, true}) {
        String tag = java.util.Arrays.toString(axes) + (keep ? " keepDim" : "");
        RefCheck c = new RefCheck(be, "sum " + tag);
        Nd x = c.uniform(shape);
        c.fwdTol(1e-5 * cancellation(x, axes)).run(t -> t[0].sum(keep, axes), n -> n[0].sum(keep, axes), x);
        RefCheck m = new RefCheck(be, "mean " + tag);
        Nd y = m.uniform(shape);
        m.fwdTol(1e-5 * cancellation(y, axes)).run(t -> t[0].mean(keep, axes), n -> n[0].mean(keep, axes), y);
      }
    }
    // a reduction of a non-contiguous view
    RefCheck v = new RefCheck(be, "sum over axis 0 of a transpose");
    v.run(t -> t[0].t().sum(false, 0), n -> n[0].transpose(0, 1).sum(false, 0), v.uniform(3, 4));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void maxOverAnAxis(Backend be) {
    int[] shape = {3, 4, 5};
    for (int axis : new int[] {0, 1, 2, -1}) {
      for (boolean keep : new boolean[] {false, true}) {
        RefCheck c = new RefCheck(be, "max axis " + axis + (keep ? " keepDim" : ""));
        int ax = axis < 0 ? axis + 3 : axis;
        c.run(t -> t[0].max(axis, keep), n -> n[0].max(axis, keep), c.distinctAlong(ax, shape));
      }
    }
    RefCheck all = new RefCheck(be, "max of all");
    all.run(t -> t[0].max(), n -> n[0].reshape(n[0].size()).max(0, false), all.distinctAlong(0, 7));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void reshapeAndFlatten(Backend be) {
    RefCheck c = new RefCheck(be, "reshape (2,6)->(3,4)");
    c.run(t -> t[0].reshape(3, 4).mul(t[1]), n -> n[0].reshape(3, 4).mul(n[1]), c.uniform(2, 6), c.uniform(3, 4));
    RefCheck d = new RefCheck(be, "reshape with -1 of a transpose");
    d.run(t -> t[0].t().reshape(-1, 2), n -> n[0].transpose(0, 1).reshape(6, 2), d.uniform(3, 4));
    RefCheck e = new RefCheck(be, "flatten (2,3,2)");
    e.run(t -> t[0].flatten().square(), n -> n[0].reshape(2, 6).map(x -> x * x), e.uniform(2, 3, 2));
    RefCheck s = new RefCheck(be, "reshape scalar to (1,1)");
    s.run(t -> t[0].reshape(1, 1).mul(3f), n -> n[0].reshape(1, 1).mul(3.0), s.uniform());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void transposeAndPermute(Backend be) {
    RefCheck c = new RefCheck(be, "transpose(0,2)");
    c.run(t -> t[0].transpose(0, 2).mul(t[1]), n -> n[0].transpose(0, 2).mul(n[1]), c.uniform(2, 3, 4), c.uniform(4, 3, 2));
    RefCheck p = new RefCheck(be, "permute(2,0,1)");
    p.run(t -> t[0].permute(2, 0, 1).mul(t[1]), n -> n[0].permute(2, 0, 1).mul(n[1]), p.uniform(2, 3, 4), p.uniform(4, 2, 3));
    RefCheck q = new RefCheck(be, "permute twice (4d)");
    q.run(t -> t[0].permute(0, 2, 3, 1).permute(3, 1, 0, 2).contiguous().mul(t[1]),
        n -> n[0].permute(0, 2, 3, 1).permute(3, 1, 0, 2).mul(n[1]), q.uniform(2, 3, 2, 2), q.uniform(3, 2, 2, 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void narrow(Backend be) {
    RefCheck c = new RefCheck(be, "narrow axis 1");
    c.run(t -> t[0].narrow(1, 1, 3).mul(t[1]), n -> n[0].narrow(1, 1, 3).mul(n[1]), c.uniform(4, 5), c.uniform(4, 3));
    RefCheck d = new RefCheck(be, "narrow axis 0 then axis 2");
    d.run(t -> t[0].narrow(0, 1, 1).narrow(2, 2, 2).square(), n -> n[0].narrow(0, 1, 1).narrow(2, 2, 2).map(x -> x * x),
        d.uniform(3, 2, 5));
    RefCheck e = new RefCheck(be, "two narrows of one tensor");
    e.run(t -> t[0].narrow(0, 0, 2).mul(t[0].narrow(0, 1, 2)), n -> n[0].narrow(0, 0, 2).mul(n[0].narrow(0, 1, 2)),
        e.uniform(3, 4));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void expandAndContiguous(Backend be) {
    RefCheck c = new RefCheck(be, "expand (3,1)->(2,3,4)");
    c.run(t -> t[0].expand(2, 3, 4).mul(t[1]), n -> n[0].expand(2, 3, 4).mul(n[1]), c.uniform(3, 1), c.uniform(2, 3, 4));
    RefCheck s = new RefCheck(be, "expand scalar");
    s.run(t -> t[0].expand(2, 2).mul(t[1]), n -> n[0].expand(2, 2).mul(n[1]), s.uniform(), s.uniform(2, 2));
    RefCheck k = new RefCheck(be, "contiguous of a transpose");
    k.run(t -> t[0].t().contiguous().mul(t[1]), n -> n[0].transpose(0, 1).mul(n[1]), k.uniform(3, 4), k.uniform(4, 3));
    RefCheck e = new RefCheck(be, "contiguous of an expand");
    e.run(t -> t[0].expand(3, 4).contiguous().square(), n -> n[0].expand(3, 4).map(x -> x * x), e.uniform(1, 4));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void concat(Backend be) {
    RefCheck c = new RefCheck(be, "concat axis 1");
    c.run(t -> Tensor.concat(1, t[0], t[1], t[2]).mul(t[3]), n -> Nd.concat(1, n[0], n[1], n[2]).mul(n[3]),
        c.uniform(2, 3), c.uniform(2, 1), c.uniform(2, 2), c.uniform(2, 6));
    RefCheck d = new RefCheck(be, "concat axis 0 of views");
    d.run(t -> Tensor.concat(0, t[0].t(), t[1]).square(), n -> Nd.concat(0, n[0].transpose(0, 1), n[1]).map(x -> x * x),
        d.uniform(3, 2), d.uniform(1, 3));
    RefCheck e = new RefCheck(be, "concat of a tensor with itself, axis -1 of 3d");
    e.run(t -> Tensor.concat(-1, t[0], t[0]).mul(t[1]), n -> Nd.concat(2, n[0], n[0]).mul(n[1]),
        e.uniform(2, 2, 3), e.uniform(2, 2, 6));
  }
}
