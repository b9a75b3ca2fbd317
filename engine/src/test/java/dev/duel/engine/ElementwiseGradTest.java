package dev.duel.engine;

import java.util.function.BiFunction;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finite-difference gradient checks of the elementwise ops against float64 references (see
 * {@link RefCheck}): broadcasting binary ops on several shape pairs, scalar ops, and every unary
 * activation, on contiguous inputs and on strided views.
 */
class ElementwiseGradTest {
  static final String DEVICES = "dev.duel.engine.TestDevices#all";

  /** Shape pairs: equal, trailing broadcast, both sides broadcast, scalars, size-1 dims. */
  static final int[][][] SHAPES = {
      {{3, 4}, {3, 4}}, {{2, 3}, {3}}, {{4, 1, 3}, {2, 3}}, {{}, {2, 3}}, {{2, 3}, {}}, {{2, 1}, {1, 3}},
      {{5}, {1}}, {{}, {}}};

  // ---- binary ---------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void add(Backend be) {
    binary(be, "add", Tensor::add, Double::sum, false);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void sub(Backend be) {
    binary(be, "sub", Tensor::sub, (a, b) -> a - b, false);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void mul(Backend be) {
    binary(be, "mul", Tensor::mul, (a, b) -> a * b, false);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void div(Backend be) {
    binary(be, "div", Tensor::div, (a, b) -> a / b, true);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void maximum(Backend be) {
    for (int[][] s : SHAPES) {
      RefCheck c = new RefCheck(be, "maximum " + str(s));
      c.allowZeroGrad().run(t -> t[0].maximum(t[1]), n -> Nd.zip(n[0], n[1], Math::max), lattice(c, 0, s[0]), lattice(c, 1, s[1]));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void minimum(Backend be) {
    for (int[][] s : SHAPES) {
      RefCheck c = new RefCheck(be, "minimum " + str(s));
      c.allowZeroGrad().run(t -> t[0].minimum(t[1]), n -> Nd.zip(n[0], n[1], Math::min), lattice(c, 1, s[0]), lattice(c, 0, s[1]));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void sameTensorOnBothSides(Backend be) {
    RefCheck c = new RefCheck(be, "x*x + x/(x+3)");
    c.run(t -> t[0].mul(t[0]).add(t[0].div(t[0].add(3f))), n -> n[0].mul(n[0]).add(n[0].div(n[0].add(3))), c.uniform(2, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void binaryOnStridedViews(Backend be) {
    // transposed (2,3)ᵀ times a narrowed column block (3, 2) of a (3, 4): neither operand is contiguous
    RefCheck c = new RefCheck(be, "mul of views");
    c.run(t -> t[0].t().mul(t[1].narrow(1, 1, 2)), n -> n[0].transpose(0, 1).mul(n[1].narrow(1, 1, 2)),
        c.uniform(2, 3), c.uniform(3, 4));
  }

  private static void binary(Backend be, String op, BiFunction<Tensor, Tensor, Tensor> f, DoubleBinaryOperator ref,
                             boolean denominatorAwayFromZero) {
    for (int[][] s : SHAPES) {
      RefCheck c = new RefCheck(be, op + " " + str(s));
      Nd b = denominatorAwayFromZero ? c.range(0.5, 2, s[1]).mul(c.signs(s[1])) : c.uniform(s[1]);
      c.run(t -> f.apply(t[0], t[1]), n -> Nd.zip(n[0], n[1], ref), c.uniform(s[0]), b);
    }
  }

  /** 0.4·k + parity·0.2 + U(0, 0.05): entries of opposite parity differ by at least 0.15 (no ties of max/min). */
  private static Nd lattice(RefCheck c, int parity, int... shape) {
    Nd x = Nd.zeros(shape);
    for (int i = 0; i < x.v.length; i++) x.v[i] = (float) (0.4 * (c.nextInt(7) - 3) + 0.2 * parity + c.nextDouble(0, 0.05));
    return x;
  }

  // ---- scalar ---------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void scalarOps(Backend be) {
    unary(be, "add(0.7)", t -> t.add(0.7f), x -> x + 0.7f, c -> c.uniform(2, 3));
    unary(be, "sub(0.7)", t -> t.sub(0.7f), x -> x - 0.7f, c -> c.uniform(2, 3));
    unary(be, "mul(-1.3)", t -> t.mul(-1.3f), x -> x * -1.3f, c -> c.uniform(2, 3));
    unary(be, "div(2.5)", t -> t.div(2.5f), x -> x / 2.5, c -> c.uniform(2, 3));
    unary(be, "rsub(0.5)", t -> t.rsub(0.5f), x -> 0.5 - x, c -> c.uniform(2, 3));
    unary(be, "scalar rsub", t -> t.rsub(2f), x -> 2 - x, c -> c.uniform());
  }

  // ---- unary ----------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void piecewiseLinear(Backend be) {
    unary(be, "neg", Tensor::neg, x -> -x, c -> c.uniform(2, 3));
    unary(be, "abs", Tensor::abs, Math::abs, c -> c.awayFromZero(2, 3));
    unary(be, "relu", Tensor::relu, x -> Math.max(x, 0), c -> c.awayFromZero(3, 4));
    unary(be, "leaky_relu(0.2)", t -> t.leakyRelu(0.2f), x -> x > 0 ? x : 0.2f * x, c -> c.awayFromZero(3, 4));
    unary(be, "leaky_relu(0.01) 4d", t -> t.leakyRelu(0.01f), x -> x > 0 ? x : 0.01f * x, c -> c.awayFromZero(2, 2, 2, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void smoothActivations(Backend be) {
    unary(be, "tanh", Tensor::tanh, Math::tanh, c -> c.range(-3, 3, 3, 4));
    unary(be, "sigmoid", Tensor::sigmoid, x -> 1 / (1 + Math.exp(-x)), c -> c.range(-6, 6, 3, 4));
    unary(be, "softplus", Tensor::softplus, x -> Math.log1p(Math.exp(x)), c -> c.range(-6, 6, 3, 4));
    unary(be, "softplus large", Tensor::softplus, x -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
        c -> c.range(-30, 30, 7));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void expLogRoots(Backend be) {
    unary(be, "exp", Tensor::exp, Math::exp, c -> c.range(-2, 2, 3, 4));
    unary(be, "log", Tensor::log, Math::log, c -> c.range(0.1, 3, 3, 4));
    unary(be, "sqrt", Tensor::sqrt, Math::sqrt, c -> c.range(0.1, 3, 3, 4));
    unary(be, "rsqrt", Tensor::rsqrt, x -> 1 / Math.sqrt(x), c -> c.positive(3, 4));
    unary(be, "square", Tensor::square, x -> x * x, c -> c.uniform(3, 4));
    unary(be, "reciprocal", Tensor::reciprocal, x -> 1 / x, c -> c.range(0.5, 2, 3, 4).mul(c.signs(3, 4)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void pow(Backend be) {
    unary(be, "pow(2)", t -> t.pow(2f), x -> x * x, c -> c.uniform(3, 4));
    unary(be, "pow(3) of negatives too", t -> t.pow(3f), x -> x * x * x, c -> c.uniform(3, 4));
    unary(be, "pow(0.5)", t -> t.pow(0.5f), Math::sqrt, c -> c.positive(3, 4));
    unary(be, "pow(-1.5)", t -> t.pow(-1.5f), x -> Math.pow(x, -1.5), c -> c.positive(3, 4));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void unaryOnViews(Backend be) {
    // a contiguous view with a non-zero offset (rows 1..2 of a 3×4) and a transposed one
    for (String act : new String[] {"relu", "leaky_relu", "tanh", "sigmoid", "softplus", "exp", "square"}) {
      Function<Tensor, Tensor> f = activation(act);
      DoubleUnaryOperator r = activationRef(act);
      RefCheck c = new RefCheck(be, act + " of a row slice");
      if (act.equals("relu")) c.allowZeroGrad();
      c.run(t -> f.apply(t[0].narrow(0, 1, 2)), n -> n[0].narrow(0, 1, 2).map(r), c.awayFromZero(3, 4));
      RefCheck d = new RefCheck(be, act + " of a transpose");
      if (act.equals("relu")) d.allowZeroGrad();
      d.run(t -> f.apply(t[0].t()), n -> n[0].transpose(0, 1).map(r), d.awayFromZero(3, 4));
      // concat's backward hands the second part a row slice of its gradient (an offset view)
      RefCheck e = new RefCheck(be, act + " into concat");
      if (act.equals("relu")) e.allowZeroGrad();
      e.run(t -> Tensor.concat(0, f.apply(t[0]), f.apply(t[1])), n -> Nd.concat(0, n[0].map(r), n[1].map(r)),
          e.awayFromZero(2, 3), e.awayFromZero(3, 3));
    }
  }

  private static Function<Tensor, Tensor> activation(String name) {
    return switch (name) {
      case "relu" -> Tensor::relu;
      case "leaky_relu" -> t -> t.leakyRelu(0.2f);
      case "tanh" -> Tensor::tanh;
      case "sigmoid" -> Tensor::sigmoid;
      case "softplus" -> Tensor::softplus;
      case "exp" -> Tensor::exp;
      case "square" -> Tensor::square;
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static DoubleUnaryOperator activationRef(String name) {
    return switch (name) {
      case "relu" -> x -> Math.max(x, 0);
      case "leaky_relu" -> x -> x > 0 ? x : 0.2f * x;
      case "tanh" -> Math::tanh;
      case "sigmoid" -> x -> 1 / (1 + Math.exp(-x));
      case "softplus" -> x -> Math.log1p(Math.exp(x));
      case "exp" -> Math::exp;
      case "square" -> x -> x * x;
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** One unary check; relu may legitimately have an all-zero gradient. */
  private static void unary(Backend be, String name, Function<Tensor, Tensor> f, DoubleUnaryOperator ref,
                                Function<RefCheck, Nd> input) {
    RefCheck c = new RefCheck(be, name);
    if (name.equals("relu")) c.allowZeroGrad();
    c.run(t -> f.apply(t[0]), n -> n[0].map(ref), input.apply(c));
  }

  static String str(int[][] shapes) {
    StringBuilder sb = new StringBuilder();
    for (int[] s : shapes) sb.append(sb.isEmpty() ? "" : " with ").append(java.util.Arrays.toString(s));
    return sb.toString();
  }
}
