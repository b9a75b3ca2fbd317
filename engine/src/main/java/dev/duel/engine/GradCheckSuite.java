package dev.duel.engine;

import dev.duel.engine.GradCheck.Case;
import dev.duel.engine.GradCheck.Options;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The cases of {@link GradCheck#standardSuite}: one first-order check per op, and the second-order
 * checks behind WGAN-GP and R1. Inputs are drawn from Philox, so they are the same on every device
 * for a given seed, and they stay at least 0.15 away from every kink (relu at 0, ties of max/min),
 * more than the 2h = 0.02 that the finite differences reach.
 */
final class GradCheckSuite {
  private GradCheckSuite() {}

  /** Draws the inputs of one case from Philox (seed of the suite, name of the case). */
  private static final class Draw {
    private final Backend be;
    private final long seed;
    private long offset;

    Draw(Backend be, long suiteSeed, String name) {
      this.be = be;
      long h = suiteSeed;
      for (int i = 0; i < name.length(); i++) h = h * 31 + name.charAt(i);
      this.seed = h;
    }

    float[] u(int n, double lo, double hi) {
      float[] out = new float[n];
      Philox.fill(Distribution.UNIFORM, seed, offset, (float) lo, (float) hi, out, 0, 0, n);
      offset += Philox.blocks(n);
      return out;
    }

    Tensor leaf(float[] v, int... shape) {
      return Tensor.of(be, v, shape).requiresGrad(true);
    }

    /** U(lo, hi), requires grad. */
    Tensor range(double lo, double hi, int... shape) {
      return leaf(u(size(shape), lo, hi), shape);
    }

    Tensor uniform(int... shape) {
      return range(-1, 1, shape);
    }

    /** ±U(0.2, 1). */
    Tensor away(int... shape) {
      int n = size(shape);
      float[] v = u(n, 0.2, 1), s = u(n, 0, 1);
      for (int i = 0; i < n; i++) if (s[i] < 0.5f) v[i] = -v[i];
      return leaf(v, shape);
    }

    /** U(0.5, 2). */
    Tensor positive(int... shape) {
      return range(0.5, 2, shape);
    }

    /** 0.4·k + parity·0.2 + U(0, 0.05), k ∈ {−3..3}: values of opposite parity differ by ≥ 0.15. */
    Tensor lattice(int parity, int... shape) {
      int n = size(shape);
      float[] k = u(n, 0, 7), j = u(n, 0, 0.05);
      float[] v = new float[n];
      for (int i = 0; i < n; i++) v[i] = 0.4f * ((int) k[i] - 3) + 0.2f * parity + j[i];
      return leaf(v, shape);
    }

    /** rows × len, each row a permutation of 0, 0.3, 0.6, ... plus U(0, 0.1): no near-ties along the row. */
    Tensor distinctRows(int rows, int len) {
      float[] j = u(rows * len, 0, 0.1);
      float[] v = new float[rows * len];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < len; c++) v[r * len + c] = 0.3f * ((3 * c + r) % len) - 0.6f + j[r * len + c];
      }
      return leaf(v, rows, len);
    }

    Tensor constant(float[] v, int... shape) {
      return Tensor.of(be, v, shape);
    }

    private static int size(int[] shape) {
      return Math.toIntExact(Shape.numel(shape));
    }
  }

  private record Builder(Backend be, long seed, List<Case> cases) {
    void first(String op, Function<Draw, Tensor[]> inputs, Function<Tensor[], Tensor> f) {
      cases.add(new Case(op, 1, () -> inputs.apply(new Draw(be, seed, op)), f, null, Options.defaults()));
    }

    /** P = Σ_{i ∈ inner} ‖∂f/∂x_i‖², checked w.r.t. every input that requires grad. */
    void penalty(String op, Function<Draw, Tensor[]> inputs, Function<Tensor[], Tensor> f, int... inner) {
      cases.add(new Case(op, 2, () -> inputs.apply(new Draw(be, seed, op)), f, inner,
          Options.defaults().withTolerance(5e-3)));
    }

    /** A function that itself differentiates (createGraph) and is checked as a second-order case. */
    void secondOrder(String op, Function<Draw, Tensor[]> inputs, Function<Tensor[], Tensor> f) {
      cases.add(new Case(op, 2, () -> inputs.apply(new Draw(be, seed, op)), f, null,
          Options.defaults().withTolerance(5e-3)));
    }
  }

  static List<Case> cases(Backend be, long seed) {
    Builder b = new Builder(be, seed, new ArrayList<>());
    // ---- elementwise: binary with broadcasting, scalar, unary ----
    b.first("add", d -> new Tensor[] {d.uniform(2, 3), d.uniform(3)}, x -> x[0].add(x[1]));
    b.first("sub", d -> new Tensor[] {d.uniform(4, 1, 3), d.uniform(2, 3)}, x -> x[0].sub(x[1]));
    b.first("mul", d -> new Tensor[] {d.uniform(4, 1, 3), d.uniform(2, 3)}, x -> x[0].mul(x[1]));
    b.first("div", d -> new Tensor[] {d.uniform(2, 3), d.positive(3)}, x -> x[0].div(x[1]));
    b.first("maximum", d -> new Tensor[] {d.lattice(0, 2, 3), d.lattice(1, 3)}, x -> x[0].maximum(x[1]));
    b.first("minimum", d -> new Tensor[] {d.lattice(0, 2, 3), d.lattice(1, 2, 1)}, x -> x[0].minimum(x[1]));
    b.first("add_scalar", d -> new Tensor[] {d.uniform(2, 3)}, x -> x[0].add(0.7f));
    b.first("mul_scalar", d -> new Tensor[] {d.uniform(2, 3)}, x -> x[0].mul(-1.3f));
    b.first("div_scalar", d -> new Tensor[] {d.uniform(2, 3)}, x -> x[0].div(2.5f));
    b.first("rsub", d -> new Tensor[] {d.uniform(2, 3)}, x -> x[0].rsub(0.5f));
    b.first("neg", d -> new Tensor[] {d.uniform(2, 3)}, x -> x[0].neg());
    b.first("abs", d -> new Tensor[] {d.away(2, 3)}, x -> x[0].abs());
    b.first("relu", d -> new Tensor[] {d.away(2, 3)}, x -> x[0].relu());
    b.first("leaky_relu", d -> new Tensor[] {d.away(2, 3)}, x -> x[0].leakyRelu(0.2f));
    b.first("tanh", d -> new Tensor[] {d.range(-3, 3, 2, 3)}, x -> x[0].tanh());
    b.first("sigmoid", d -> new Tensor[] {d.range(-4, 4, 2, 3)}, x -> x[0].sigmoid());
    b.first("softplus", d -> new Tensor[] {d.range(-4, 4, 2, 3)}, x -> x[0].softplus());
    b.first("exp", d -> new Tensor[] {d.uniform(2, 3)}, x -> x[0].exp());
    b.first("log", d -> new Tensor[] {d.positive(2, 3)}, x -> x[0].log());
    b.first("sqrt", d -> new Tensor[] {d.positive(2, 3)}, x -> x[0].sqrt());
    b.first("rsqrt", d -> new Tensor[] {d.positive(2, 3)}, x -> x[0].rsqrt());
    b.first("square", d -> new Tensor[] {d.uniform(2, 3)}, x -> x[0].square());
    b.first("reciprocal", d -> new Tensor[] {d.positive(2, 3)}, x -> x[0].reciprocal());
    b.first("pow", d -> new Tensor[] {d.positive(2, 3)}, x -> x[0].pow(-1.5f));
    // ---- reductions ----
    b.first("sum", d -> new Tensor[] {d.uniform(2, 3, 4)}, x -> x[0].sum());
    b.first("sum_axes", d -> new Tensor[] {d.uniform(2, 3, 4)}, x -> x[0].sum(false, 0, 2));
    b.first("mean", d -> new Tensor[] {d.uniform(2, 3, 4)}, x -> x[0].mean());
    b.first("mean_axes", d -> new Tensor[] {d.uniform(2, 3, 4)}, x -> x[0].mean(true, 1));
    b.first("max_axis", d -> new Tensor[] {d.distinctRows(3, 5)}, x -> x[0].max(1, false));
    // ---- shape ----
    b.first("reshape", d -> new Tensor[] {d.uniform(2, 6)}, x -> x[0].reshape(3, 4));
    b.first("flatten", d -> new Tensor[] {d.uniform(2, 3, 2)}, x -> x[0].flatten());
    b.first("permute", d -> new Tensor[] {d.uniform(2, 3, 4)}, x -> x[0].permute(2, 0, 1).contiguous());
    b.first("transpose", d -> new Tensor[] {d.uniform(3, 4)}, x -> x[0].t().mul(x[0].t()));
    b.first("narrow", d -> new Tensor[] {d.uniform(4, 5)}, x -> x[0].narrow(1, 1, 3));
    b.first("expand", d -> new Tensor[] {d.uniform(3, 1)}, x -> x[0].expand(2, 3, 4));
    b.first("contiguous", d -> new Tensor[] {d.uniform(3, 4)}, x -> x[0].t().contiguous());
    b.first("concat", d -> new Tensor[] {d.uniform(2, 3), d.uniform(2, 2)}, x -> Tensor.concat(1, x[0], x[1]));
    // ---- linear algebra, convolution ----
    b.first("matmul", d -> new Tensor[] {d.uniform(3, 4), d.uniform(4, 5)}, x -> x[0].matmul(x[1]));
    b.first("matmul_batched", d -> new Tensor[] {d.uniform(2, 3, 4), d.uniform(2, 4, 2)}, x -> x[0].matmul(x[1]));
    b.first("matmul_transposed", d -> new Tensor[] {d.uniform(4, 3), d.uniform(5, 4)}, x -> x[0].t().matmul(x[1].t()));
    b.first("addmm", d -> new Tensor[] {d.uniform(5), d.uniform(3, 4), d.uniform(4, 5)}, x -> Tensor.addmm(x[0], x[1], x[2]));
    b.first("addmm_leaky_relu", d -> linearInputs(d, 0.15),
        x -> Tensor.addmmActivation(x[2], x[0], x[1], UnaryOp.LEAKY_RELU, 0.2f).matmul(x[3]));
    b.first("addmm_linear", d -> new Tensor[] {d.uniform(1, 5), d.uniform(3, 4), d.uniform(5, 4)},
        x -> Tensor.addmm(x[0], x[1], x[2].t()));
    b.first("conv2d", d -> new Tensor[] {d.uniform(2, 2, 5, 4), d.uniform(3, 2, 3, 2), d.uniform(3)},
        x -> Convolution.conv2d(x[0], x[1], x[2], 1, 1));
    b.first("conv2d_stride2", d -> new Tensor[] {d.uniform(1, 2, 6, 5), d.uniform(2, 2, 3, 3)},
        x -> Convolution.conv2d(x[0], x[1], null, 2, 1));
    b.first("conv_transpose2d", d -> new Tensor[] {d.uniform(2, 2, 3, 3), d.uniform(2, 3, 4, 4), d.uniform(3)},
        x -> Convolution.convTranspose2d(x[0], x[1], x[2], 2, 1, 0));
    // ---- normalisation, sampling ----
    b.first("batch_norm_train", d -> new Tensor[] {d.uniform(2, 3, 2, 2), d.positive(3), d.uniform(3)},
        x -> Normalization.batchNorm(x[0], x[1], x[2], null, null, true, 0.1f, 1e-5f));
    b.first("batch_norm_eval", d -> new Tensor[] {d.uniform(4, 3), d.positive(3), d.uniform(3),
            d.constant(d.u(3, -0.5, 0.5), 3), d.constant(d.u(3, 0.5, 2), 3)},
        x -> Normalization.batchNorm(x[0], x[1], x[2], x[3], x[4], false, 0.1f, 1e-5f));
    b.first("upsample_nearest", d -> new Tensor[] {d.uniform(1, 2, 2, 3)}, x -> Sampling.upsampleNearest(x[0], 2));
    b.first("embedding", d -> new Tensor[] {d.uniform(4, 3)}, x -> Sampling.embedding(x[0], new int[] {1, 3, 1, 0, 1}));
    long dropSeed = seed ^ 0xD20F;
    b.first("dropout", d -> new Tensor[] {d.uniform(3, 4)},
        x -> Sampling.dropout(x[0], 0.3f, true, new Generator(dropSeed)));
    // ---- losses ----
    b.first("bce_with_logits", d -> new Tensor[] {d.range(-3, 3, 2, 3), d.range(0, 1, 2, 3)},
        x -> Losses.bceWithLogits(x[0], x[1]));
    b.first("mse", d -> new Tensor[] {d.uniform(2, 3), d.uniform(2, 3)}, x -> Losses.mse(x[0], x[1]));
    b.first("l1", d -> new Tensor[] {d.lattice(0, 2, 3), d.lattice(1, 2, 3)}, x -> Losses.l1(x[0], x[1]));
    b.first("hinge", d -> hingeInputs(d), x -> Losses.hinge(x[0], x[1]));
    b.first("cross_entropy", d -> new Tensor[] {d.range(-2, 2, 4, 3)},
        x -> Losses.crossEntropy(x[0], new int[] {0, 2, 1, 2}));
    b.first("log_softmax", d -> new Tensor[] {d.range(-2, 2, 3, 4)}, x -> Losses.logSoftmax(x[0]));
    // ---- second order: the gradient of a gradient penalty ----
    b.penalty("gp_linear_leaky_relu", d -> linearInputs(d, 0.15), GradCheckSuite::linearLeaky, 0);
    b.penalty("gp_conv2d", d -> new Tensor[] {d.uniform(2, 2, 5, 5), d.uniform(3, 2, 3, 3), d.uniform(3)},
        x -> Convolution.conv2d(x[0], x[1], x[2], 2, 1).tanh(), 0);
    b.penalty("gp_conv_transpose2d", d -> new Tensor[] {d.uniform(2, 2, 3, 3), d.uniform(2, 3, 4, 4), d.uniform(3)},
        x -> Convolution.convTranspose2d(x[0], x[1], x[2], 2, 1, 0).tanh(), 0);
    b.penalty("gp_batch_norm_eval", d -> new Tensor[] {d.uniform(4, 3), d.positive(3), d.uniform(3),
            d.constant(d.u(3, -0.5, 0.5), 3), d.constant(d.u(3, 0.5, 2), 3)},
        x -> Normalization.batchNorm(x[0], x[1], x[2], x[3], x[4], false, 0.1f, 1e-5f).tanh(), 0);
    b.penalty("gp_batch_norm_train", d -> new Tensor[] {d.uniform(4, 3), d.positive(3), d.constant(d.u(3, -1, 1), 3)},
        x -> Normalization.batchNorm(x[0], x[1], x[2], null, null, true, 0.1f, 1e-5f), 0);
    b.penalty("gp_addmm_leaky_relu", d -> linearInputs(d, 0.15),
        x -> Tensor.addmmActivation(x[2], x[0], x[1], UnaryOp.LEAKY_RELU, 0.2f).matmul(x[3]), 0);
    b.penalty("gp_addmm_tanh", d -> new Tensor[] {d.uniform(2), d.uniform(3, 4), d.uniform(2, 4)},
        x -> Tensor.addmm(x[0], x[1], x[2].t()).tanh(), 1);
    b.penalty("gp_tanh", d -> new Tensor[] {d.uniform(3, 4), d.uniform(4, 2)}, x -> x[0].matmul(x[1]).tanh(), 0);
    b.penalty("gp_sigmoid", d -> new Tensor[] {d.uniform(3, 4), d.uniform(4, 2)}, x -> x[0].matmul(x[1]).sigmoid(), 0);
    b.penalty("gp_softplus", d -> new Tensor[] {d.uniform(3, 4), d.uniform(4, 2)}, x -> x[0].matmul(x[1]).softplus(), 0);
    b.secondOrder("wgan_gp", d -> new Tensor[] {d.uniform(3, 4), d.uniform(4, 5), d.uniform(5, 1)},
        GradCheckSuite::wganGp);
    return List.copyOf(b.cases());
  }

  /** x ∈ ±(0.2..1) times a random sign t, so that the hinge 1 − t·x stays away from its kink at 0. */
  private static Tensor[] hingeInputs(Draw d) {
    float[] s = d.u(6, 0, 1), m = d.u(6, 0.2, 1), sign = d.u(6, 0, 1);
    float[] x = new float[6], t = new float[6];
    for (int i = 0; i < 6; i++) {
      t[i] = s[i] < 0.5f ? -1f : 1f;
      x[i] = t[i] * (1f + (sign[i] < 0.5f ? -m[i] : m[i]));
    }
    return new Tensor[] {d.leaf(x, 2, 3), d.constant(t, 2, 3)};
  }

  /** D(x) = leaky_relu(x·W + b)·v; x 2×3, W 3×4, b 4, v 4×1. */
  private static Tensor linearLeaky(Tensor[] x) {
    return x[0].matmul(x[1]).add(x[2]).leakyRelu(0.2f).matmul(x[3]);
  }

  /** Inputs of linearLeaky whose pre-activations are at least {@code margin} away from the kink at 0. */
  private static Tensor[] linearInputs(Draw d, double margin) {
    for (int attempt = 0; attempt < 1000; attempt++) {
      Tensor[] xs = {d.uniform(2, 3), d.uniform(3, 4), d.uniform(4), d.uniform(4, 1)};
      float[] z;
      try (GradMode g = GradMode.disabled()) {
        z = xs[0].matmul(xs[1]).add(xs[2]).toArray();
      }
      boolean ok = true;
      for (float v : z) ok &= Math.abs(v) >= margin;
      if (ok) return xs;
    }
    throw new IllegalStateException("gp_linear_leaky_relu: no inputs away from the kink after 1000 draws");
  }

  /**
   * WGAN-GP's penalty mean_i (‖∇ₓ D(x)_i‖₂ − 1)² with D(x) = tanh(x·W)·v, per row i of x (3×4).
   * The gradient is taken with createGraph, so checking this function checks second derivatives
   * through matmul, tanh, square, sum, sqrt and mean.
   */
  static Tensor wganGp(Tensor[] x) {
    Tensor d = x[0].matmul(x[1]).tanh().matmul(x[2]);
    Tensor g = Autograd.grad(d.sum(), new Tensor[] {x[0]}, true)[0];
    return g.square().sum(false, 1).sqrt().sub(1f).square().mean();
  }
}
