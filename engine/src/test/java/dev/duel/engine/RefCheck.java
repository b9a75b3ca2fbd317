package dev.duel.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * One finite-difference gradient check of an engine op against its float64 reference.
 *
 * <p>Method: the inputs are float32 values (so the engine and the float64 reference see exactly the
 * same numbers). The op's output y is turned into a scalar loss L = Σ w·y with a fixed random w. The
 * reference gradient is the central difference (L(x + h) − L(x − h))/2h of the float64 reference
 * forward, h = 1e-6, which is accurate to ~1e-9 relative. It is compared with the engine's float32
 * analytic gradient from two paths: {@code backward()} (first-order, fused backend kernels) and
 * {@code Autograd.grad(createGraph = true)} (the backward written with differentiable tensor ops).
 * Pass: max |analytic − reference| ≤ gradTol · max|reference|, and the engine forward within
 * fwdTol · max|reference forward|. NaN or Inf anywhere fails.
 *
 * <pre>{@code
 * RefCheck c = new RefCheck(be, "add (2,3)+(3)");
 * c.run(t -> t[0].add(t[1]), n -> n[0].add(n[1]), c.uniform(2, 3), c.uniform(3));
 * }</pre>
 */
final class RefCheck {
  static final double H = 1e-6;

  private final Backend be;
  private final String name;
  private final SplittableRandom rnd;
  private double gradTol = 1e-3;
  private double fwdTol = 1e-5;
  private boolean[] constant = new boolean[0];
  private boolean allowZeroGrad;

  RefCheck(Backend be, String name) {
    this.be = be;
    this.name = name;
    this.rnd = new SplittableRandom(TestSeeds.forCheck(name));
  }

  // ---- options --------------------------------------------------------------------------------

  RefCheck gradTol(double tol) { gradTol = tol; return this; }

  RefCheck fwdTol(double tol) { fwdTol = tol; return this; }

  /** Marks inputs that are not differentiated (targets, running statistics). */
  RefCheck constant(int... inputs) {
    constant = new boolean[64];
    for (int i : inputs) constant[i] = true;
    return this;
  }

  /** Allows a reference gradient that is exactly zero for some differentiable input. */
  RefCheck allowZeroGrad() { allowZeroGrad = true; return this; }

  // ---- inputs (float32 values as doubles) -----------------------------------------------------

  /** U(lo, hi). */
  Nd range(double lo, double hi, int... shape) {
    Nd x = Nd.zeros(shape);
    for (int i = 0; i < x.v.length; i++) x.v[i] = (float) rnd.nextDouble(lo, hi);
    return x;
  }

  /** U(−1, 1). */
  Nd uniform(int... shape) {
    return range(-1, 1, shape);
  }

  /** ±U(0.2, 1): away from 0, where abs, relu and leaky_relu have their kink. */
  Nd awayFromZero(int... shape) {
    Nd x = range(0.2, 1, shape);
    for (int i = 0; i < x.v.length; i++) if (rnd.nextBoolean()) x.v[i] = -x.v[i];
    return x;
  }

  /** U(0.5, 2): inside the domain of log, sqrt, rsqrt, reciprocal, fractional pow. */
  Nd positive(int... shape) {
    return range(0.5, 2, shape);
  }

  /** Values along {@code axis} a random permutation of 0, 0.3, 0.6, ... plus U(0, 0.1): no near-ties. */
  Nd distinctAlong(int axis, int... shape) {
    Nd x = Nd.zeros(shape);
    int[] idx = new int[shape.length];
    int len = shape[axis];
    long[] st = x.strides();
    for (int i = 0; i < x.v.length; i++) {
      Nd.unravel(i, shape, idx);
      if (idx[axis] != 0) continue;
      int[] perm = permutation(len);
      for (int j = 0; j < len; j++) {
        idx[axis] = j;
        x.v[(int) Nd.at(idx, st)] = (float) (perm[j] * 0.3 - 0.5 * len * 0.3 + rnd.nextDouble(0, 0.1));
      }
      idx[axis] = 0;
    }
    return x;
  }

  int[] permutation(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = p[i]; p[i] = p[j]; p[j] = t;
    }
    return p;
  }

  int nextInt(int bound) {
    return rnd.nextInt(bound);
  }

  double nextDouble(double lo, double hi) {
    return (float) rnd.nextDouble(lo, hi);
  }

  /** ±1 entries. */
  Nd signs(int... shape) {
    Nd x = Nd.zeros(shape);
    for (int i = 0; i < x.v.length; i++) x.v[i] = rnd.nextBoolean() ? 1 : -1;
    return x;
  }

  // ---- the check ------------------------------------------------------------------------------

  /** Checks op against ref on the inputs; returns the engine's forward output as float64. */
  Nd run(Function<Tensor[], Tensor> op, Function<Nd[], Nd> ref, Nd... inputs) {
    String where = name + " on " + be.name() + " " + TestSeeds.replay();
    Nd yRef = ref.apply(inputs);
    assertFinite(yRef.v, where + ": float64 reference forward");
    Nd w = range(-1, 1, yRef.shape);
    Nd yEngine;
    double[][] gFused = new double[inputs.length][], gGraph = new double[inputs.length][];
    try (MemoryScope scope = MemoryScope.open()) {
      // Path 1: backward(), the first-order kernels.
      Tensor[] leaves = leaves(inputs);
      Tensor y = op.apply(leaves);
      yEngine = Nd.of(y);
      assertArrayEquals(yRef.shape, yEngine.shape, where + ": output shape");
      y.backward(w.toTensor(be), false);
      for (int j = 0; j < inputs.length; j++) {
        if (isConstant(j)) continue;
        assertNotNull(leaves[j].grad(), where + ": backward() left no gradient in input " + j);
        gFused[j] = Nd.of(leaves[j].grad()).v;
        leaves[j].grad().close();   // accumulated gradients outlive scopes by design; free them here
      }
      // Path 2: Autograd.grad with createGraph, the differentiable backward closures.
      Tensor[] leaves2 = leaves(inputs);
      Tensor y2 = op.apply(leaves2);
      Tensor[] g2 = Autograd.grad(new Tensor[] {y2}, new Tensor[] {w.toTensor(be)}, leaves2, true, false);
      for (int j = 0; j < inputs.length; j++) {
        if (isConstant(j)) continue;
        assertNotNull(g2[j], where + ": Autograd.grad(createGraph) gave no gradient for input " + j);
        gGraph[j] = Nd.of(g2[j]).v;
      }
    }
    assertFinite(yEngine.v, where + ": engine forward");
    assertClose(yEngine.v, yRef.v, fwdTol, where + ": forward vs float64 reference");
    for (int j = 0; j < inputs.length; j++) {
      if (isConstant(j)) continue;
      double[] num = numericGradient(ref, inputs, j, w);
      assertFinite(num, where + ": float64 finite differences of input " + j);
      if (!allowZeroGrad) {
        assertTrue(maxAbs(num) > 0, where + ": reference gradient of input " + j + " is zero: the check would be vacuous");
      }
      assertFinite(gFused[j], where + ": backward() gradient of input " + j);
      assertClose(gFused[j], num, gradTol, where + ": backward() gradient of input " + j + " " + Arrays.toString(inputs[j].shape));
      assertFinite(gGraph[j], where + ": Autograd.grad(createGraph) gradient of input " + j);
      assertClose(gGraph[j], num, gradTol, where + ": Autograd.grad(createGraph) gradient of input " + j + " "
          + Arrays.toString(inputs[j].shape));
    }
    return yEngine;
  }

  private Tensor[] leaves(Nd[] inputs) {
    Tensor[] t = new Tensor[inputs.length];
    for (int j = 0; j < inputs.length; j++) t[j] = inputs[j].toTensor(be).requiresGrad(!isConstant(j));
    return t;
  }

  private boolean isConstant(int j) {
    return j < constant.length && constant[j];
  }

  /** ∂(Σ w·ref(x))/∂x_j by central differences in float64. */
  static double[] numericGradient(Function<Nd[], Nd> ref, Nd[] inputs, int j, Nd w) {
    Nd[] x = inputs.clone();
    x[j] = inputs[j].copy();
    double[] g = new double[x[j].v.length];
    for (int i = 0; i < g.length; i++) {
      double orig = x[j].v[i];
      x[j].v[i] = orig + H;
      double plus = ref.apply(x).dot(w);
      x[j].v[i] = orig - H;
      double minus = ref.apply(x).dot(w);
      x[j].v[i] = orig;
      g[i] = (plus - minus) / (2 * H);
    }
    return g;
  }

  // ---- assertions -----------------------------------------------------------------------------

  static void assertFinite(double[] a, String what) {
    for (int i = 0; i < a.length; i++) {
      if (!Double.isFinite(a[i])) fail(what + ": element " + i + " is " + a[i] + " (NaN/Inf never passes)");
    }
  }

  /** max|actual − expected| ≤ tol · max|expected| (or ≤ tol when expected is all zero). */
  static void assertClose(double[] actual, double[] expected, double tol, String what) {
    assertTrue(actual.length == expected.length, what + ": " + actual.length + " vs " + expected.length + " elements");
    double scale = Math.max(maxAbs(expected), 1e-30), worst = -1;
    int at = -1;
    for (int i = 0; i < actual.length; i++) {
      double e = Math.abs(actual[i] - expected[i]);
      if (!(e <= worst)) { worst = e; at = i; }
    }
    if (actual.length > 0 && !(worst <= tol * (maxAbs(expected) == 0 ? 1 : scale))) {
      fail(String.format("%s: max abs error %.3g at element %d (got %.9g, want %.9g), relative to max|want| %.3g: %.3g > tol %.1g",
          what, worst, at, actual[at], expected[at], scale, worst / scale, tol));
    }
  }

  static double maxAbs(double[] a) {
    double m = 0;
    for (double x : a) m = Math.max(m, Math.abs(x));
    return m;
  }
}
