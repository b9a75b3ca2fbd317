package dev.duel.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Numerical gradient checks of the engine, on any backend: the analytic gradient from {@link Autograd}
 * against a finite-difference gradient of the engine's own forward (the CLI's {@code duel gradcheck}).
 *
 * <p>Method. The function's output y (any shape) becomes a scalar loss L = Σ w·y with fixed random
 * weights w (w = 1 for a scalar output), summed in float64 on the host. For every element x_i of every
 * input that requires a gradient, the reference is Richardson's five-point central difference
 * <pre>
 *   ∂L/∂x_i ≈ (4·D(h) − D(2h)) / 3,   D(h) = (L(x + h·e_i) − L(x − h·e_i)) / 2h,
 * </pre>
 * whose truncation error is O(h⁴), so a large step (h = 1e-2) keeps float32 round-off in L small.
 * Inputs must stay 2h away from kinks (relu at 0, ties of max). The analytic gradient is
 * {@code Autograd.grad(y, inputs, gradOutput = w)}. Per input: max absolute error, and the relative
 * error max|analytic − numeric| / max(‖analytic‖∞, ‖numeric‖∞). NaN or Inf never passes.
 *
 * <p>Second order. {@link #checkSecondOrder} checks the gradient of the gradient penalty
 * P = Σ_{i ∈ inner} ‖∂f/∂x_i‖² (built with {@code createGraph = true}, as WGAN-GP and R1 do) with
 * respect to every input, against finite differences of P evaluated with the first-order gradient.
 * Any function that calls {@link Autograd#grad} itself can be given to {@link #check} as well.
 */
public final class GradCheck {
  /** The seed of {@link #standardSuite()}. */
  public static final long DEFAULT_SEED = 20_240_601L;

  private GradCheck() {}

  /**
   * step: the finite-difference step h; tolerance: the largest relative error that passes; seed:
   * the projection weights w.
   */
  public record Options(double step, double tolerance, long seed) {
    public Options {
      if (!(step > 0) || !(tolerance > 0)) {
        throw new IllegalArgumentException("GradCheck.Options: step and tolerance must be > 0, got " + step + ", " + tolerance);
      }
    }

    /** h = 1e-2, tolerance 1e-3 (float32 forward, five-point differences: the errors seen are ~1e-5). */
    public static Options defaults() {
      return new Options(1e-2, 1e-3, DEFAULT_SEED);
    }

    public Options withTolerance(double t) {
      return new Options(step, t, seed);
    }

    public Options withStep(double h) {
      return new Options(h, tolerance, seed);
    }

    public Options withSeed(long s) {
      return new Options(step, tolerance, s);
    }
  }

  /** The errors of one input's gradient. scale = max(‖analytic‖∞, ‖numeric‖∞). */
  public record InputError(int index, String shape, double maxAbsError, double maxRelError, double scale,
                           boolean finite) {}

  /** The outcome of one check. */
  public record Result(String name, int order, List<InputError> inputs, double tolerance) {
    public double maxAbsError() {
      return inputs.stream().mapToDouble(InputError::maxAbsError).max().orElse(0);
    }

    public double maxRelError() {
      return inputs.stream().mapToDouble(InputError::maxRelError).max().orElse(0);
    }

    public boolean finite() {
      return inputs.stream().allMatch(InputError::finite);
    }

    public boolean passed() {
      return !inputs.isEmpty() && finite() && maxRelError() <= tolerance;
    }

    /** One line: name, order, max relative and absolute error, PASS/FAIL. */
    public String summary() {
      return String.format(Locale.ROOT, "%-28s order %d  max rel %9.2e  max abs %9.2e  %s", name, order,
          maxRelError(), maxAbsError(), passed() ? "PASS" : finite() ? "FAIL" : "FAIL (NaN/Inf)");
    }
  }

  // ---- checks -----------------------------------------------------------------------------------

  /** {@link #check(String, Function, Tensor[], Options)} with {@link Options#defaults()}. */
  public static Result check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
    return check(name, f, inputs, Options.defaults());
  }

  /**
   * Compares ∂(Σ w·f(inputs))/∂inputs from Autograd with finite differences, for every input with
   * requiresGrad(); the others are constants. f must build its result from the tensors it is given
   * (it is called once per finite-difference point, with fresh input tensors).
   */
  public static Result check(String name, Function<Tensor[], Tensor> f, Tensor[] inputs, Options options) {
    return run(name, 1, f, inputs, options);
  }

  /**
   * Checks the second derivatives behind a gradient penalty: the analytic ∂P/∂inputs, with
   * P = Σ_{i ∈ inner} ‖∂(Σ w·f)/∂inputs[i]‖² from {@code Autograd.grad(createGraph = true)}, against
   * finite differences of P. The inner inputs must require grad.
   */
  public static Result checkSecondOrder(String name, Function<Tensor[], Tensor> f, Tensor[] inputs, int[] inner,
                                        Options options) {
    for (int i : inner) {
      if (i < 0 || i >= inputs.length || !inputs[i].requiresGrad()) {
        throw new IllegalArgumentException("GradCheck.checkSecondOrder(" + name + "): inner input " + i
            + " must be an index of an input with requiresGrad(true)");
      }
    }
    return run(name, 2, gradientPenalty(f, inner, options.seed()), inputs, options);
  }

  /** P(inputs) = Σ_{i ∈ inner} ‖∂(Σ w·f)/∂inputs[i]‖², differentiable (createGraph). */
  public static Function<Tensor[], Tensor> gradientPenalty(Function<Tensor[], Tensor> f, int[] inner, long seed) {
    return xs -> {
      Tensor y = f.apply(xs);
      Tensor[] wrt = new Tensor[inner.length];
      for (int k = 0; k < inner.length; k++) wrt[k] = xs[inner[k]];
      Tensor[] g = Autograd.grad(new Tensor[] {y}, new Tensor[] {projection(y, seed)}, wrt, true, true);
      Tensor p = null;
      for (Tensor gi : g) {
        if (gi == null) continue;
        Tensor s = gi.square().sum();
        p = p == null ? s : p.add(s);
      }
      if (p == null) throw new IllegalArgumentException("gradientPenalty: f does not depend on the inner inputs");
      return p;
    };
  }

  private static Result run(String name, int order, Function<Tensor[], Tensor> f, Tensor[] inputs, Options o) {
    if (inputs.length == 0) throw new IllegalArgumentException("GradCheck(" + name + "): no inputs");
    Backend be = inputs[0].backend();
    int[][] shapes = new int[inputs.length][];
    float[][] values = new float[inputs.length][];
    boolean[] diff = new boolean[inputs.length];
    for (int j = 0; j < inputs.length; j++) {
      shapes[j] = inputs[j].shape();
      values[j] = inputs[j].toArray();
      diff[j] = inputs[j].requiresGrad();
    }
    // The analytic gradient.
    float[][] analytic = new float[inputs.length][];
    float[] w;
    try (MemoryScope scope = MemoryScope.open()) {
      Tensor[] xs = fresh(be, inputs, shapes, values, diff);
      Tensor y = f.apply(xs);
      if (!y.requiresGrad()) {
        throw new IllegalArgumentException("GradCheck(" + name + "): the output does not depend on any input with "
            + "requiresGrad(true)");
      }
      Tensor wt = projection(y, o.seed());
      w = wt.toArray();
      List<Tensor> wrt = new ArrayList<>();
      for (int j = 0; j < inputs.length; j++) if (diff[j]) wrt.add(xs[j]);
      Tensor[] g = Autograd.grad(new Tensor[] {y}, new Tensor[] {wt}, wrt.toArray(new Tensor[0]), false, false);
      for (int j = 0, k = 0; j < inputs.length; j++) {
        if (!diff[j]) continue;
        Tensor gj = g[k++];
        analytic[j] = gj == null ? new float[values[j].length] : gj.toArray();   // unused input: zero gradient
      }
    }
    // The numeric gradient and the errors.
    List<InputError> errors = new ArrayList<>();
    for (int j = 0; j < inputs.length; j++) {
      if (!diff[j]) continue;
      double[] numeric = new double[values[j].length];
      for (int i = 0; i < numeric.length; i++) {
        numeric[i] = fivePoint(be, f, inputs, shapes, values, diff, w, j, i, o.step());
      }
      errors.add(compare(j, shapes[j], analytic[j], numeric));
    }
    if (errors.isEmpty()) throw new IllegalArgumentException("GradCheck(" + name + "): no input requires grad");
    return new Result(name, order, List.copyOf(errors), o.tolerance());
  }

  /** (4·D(h) − D(2h))/3 with D(h) the central difference over the steps actually representable in float32. */
  private static double fivePoint(Backend be, Function<Tensor[], Tensor> f, Tensor[] inputs, int[][] shapes,
                                  float[][] values, boolean[] diff, float[] w, int j, int i, double h) {
    float x = values[j][i];
    float p1 = (float) (x + h), m1 = (float) (x - h), p2 = (float) (x + 2 * h), m2 = (float) (x - 2 * h);
    double d1 = (loss(be, f, inputs, shapes, values, diff, w, j, i, p1) - loss(be, f, inputs, shapes, values, diff, w, j, i, m1))
        / ((double) p1 - m1);
    double d2 = (loss(be, f, inputs, shapes, values, diff, w, j, i, p2) - loss(be, f, inputs, shapes, values, diff, w, j, i, m2))
        / ((double) p2 - m2);
    return (4 * d1 - d2) / 3;
  }

  /** Σ w·f(inputs with element i of input j set to v), in float64. */
  private static double loss(Backend be, Function<Tensor[], Tensor> f, Tensor[] inputs, int[][] shapes,
                             float[][] values, boolean[] diff, float[] w, int j, int i, float v) {
    float saved = values[j][i];
    values[j][i] = v;
    try (MemoryScope scope = MemoryScope.open()) {
      float[] y = f.apply(fresh(be, inputs, shapes, values, diff)).toArray();
      double s = 0;
      for (int k = 0; k < y.length; k++) s += (double) w[k] * y[k];
      return s;
    } finally {
      values[j][i] = saved;
    }
  }

  /** New leaves holding {@code values}; constants are passed through unchanged. */
  private static Tensor[] fresh(Backend be, Tensor[] inputs, int[][] shapes, float[][] values, boolean[] diff) {
    Tensor[] xs = new Tensor[inputs.length];
    for (int j = 0; j < inputs.length; j++) {
      xs[j] = diff[j] ? Tensor.of(be, values[j], shapes[j]).requiresGrad(true) : inputs[j];
    }
    return xs;
  }

  private static InputError compare(int index, int[] shape, float[] analytic, double[] numeric) {
    double maxAbs = 0, scale = 0;
    boolean finite = true;
    for (int i = 0; i < numeric.length; i++) {
      double a = analytic[i], n = numeric[i];
      if (!Double.isFinite(a) || !Double.isFinite(n)) { finite = false; continue; }
      maxAbs = Math.max(maxAbs, Math.abs(a - n));
      scale = Math.max(scale, Math.max(Math.abs(a), Math.abs(n)));
    }
    double rel = scale == 0 ? 0 : maxAbs / scale;
    if (!finite) { maxAbs = Double.NaN; rel = Double.NaN; }
    return new InputError(index, Shape.str(shape), maxAbs, rel, scale, finite);
  }

  /** w: 1 for a scalar y, else U(−1, 1) from Philox (seed) in y's shape. */
  private static Tensor projection(Tensor y, long seed) {
    if (y.numel() == 1) return Tensor.ones(y.backend(), y.shape());
    return new Generator(seed ^ 0x7E57_0001L).uniform(y.backend(), -1f, 1f, y.shape());
  }

  // ---- the standard suite -----------------------------------------------------------------------

  /**
   * One named check of the standard suite; {@link #run()} builds its inputs and checks. With
   * {@code inner} set, the check is of the gradient penalty over those inputs; without, of f itself
   * (which, for an order-2 case, differentiates inside).
   */
  public record Case(String op, int order, Supplier<Tensor[]> inputs, Function<Tensor[], Tensor> f, int[] inner,
                     Options options) {
    public Result run() {
      try (MemoryScope scope = MemoryScope.open()) {
        Tensor[] xs = inputs.get();
        return inner == null ? GradCheck.run(op, order, f, xs, options) : checkSecondOrder(op, f, xs, inner, options);
      }
    }
  }

  /** The standard suite on the default backend with {@link #DEFAULT_SEED}. */
  public static List<Case> standardSuite() {
    return standardSuite(Devices.defaultBackend(), DEFAULT_SEED);
  }

  /**
   * One case per op (first order), and the second-order cases WGAN-GP and R1 need. The inputs are
   * drawn from Philox with {@code seed}, so the suite is the same on every device.
   */
  public static List<Case> standardSuite(Backend backend, long seed) {
    return GradCheckSuite.cases(backend, seed);
  }
}
