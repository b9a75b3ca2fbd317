package dev.duel.engine;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.duel.engine.GradCheck.Options;
import dev.duel.engine.GradCheck.Result;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Second derivatives, as WGAN-GP and R1 use them: P = ‖∇ₓ D_θ(x)‖² (or mean (‖∇ₓ D‖₂ − 1)²) is built
 * with {@code Autograd.grad(createGraph = true)}, and ∂P/∂θ, ∂P/∂x from Autograd are compared with
 * finite differences of P, which the engine evaluates with its first-order gradient
 * ({@link GradCheck}, float32 forward, five-point differences, relative tolerance 5e-3). Two cases are
 * compared with a fully float64 reference instead (closed-form ∇ₓD, float64 differences).
 */
class SecondOrderGradTest {
  static final String DEVICES = "dev.duel.engine.TestDevices#all";
  static final Options OPTIONS = Options.defaults().withTolerance(5e-3);

  // ---- P = ‖∇ₓ D‖², checked by GradCheck.checkSecondOrder --------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void linearWithSmoothActivations(Backend be) {
    String[] acts = {"tanh", "sigmoid", "softplus"};
    for (String act : acts) {
      RefCheck c = new RefCheck(be, "gp linear " + act);
      // D(x) = act(x·W + b)·v
      Function<Tensor, Tensor> a = switch (act) {
        case "tanh" -> Tensor::tanh;
        case "sigmoid" -> Tensor::sigmoid;
        default -> Tensor::softplus;
      };
      penalty(be, "linear + " + act, t -> a.apply(t[0].matmul(t[1]).add(t[2])).matmul(t[3]),
          leaves(be, c.uniform(3, 4), c.uniform(4, 5), c.uniform(5), c.uniform(5, 1)));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void linearLeakyRelu(Backend be) {
    // D(x) = leaky_relu(x·W + b)·v; P depends on W and v (through the slopes), its pre-activations are
    // kept 0.1 away from the kink. ∂P/∂x and ∂P/∂b are zero almost everywhere.
    RefCheck c = new RefCheck(be, "gp linear leaky_relu");
    for (int attempt = 0; ; attempt++) {
      Nd x = c.uniform(3, 4), w = c.uniform(4, 5), b = c.uniform(5), v = c.uniform(5, 1);
      Nd z = NdOps.matmul(x, w).add(b);
      if (minAbs(z) < 0.1) {
        if (attempt > 200) fail("no pre-activations away from the kink");
        continue;
      }
      Result r = penalty(be, "linear + leaky_relu", t -> t[0].matmul(t[1]).add(t[2]).leakyRelu(0.2f).matmul(t[3]),
          leaves(be, x, w, b, v));
      assertTrue(r.inputs().get(1).scale() > 0 && r.inputs().get(3).scale() > 0, "∂P/∂W and ∂P/∂v must be non-zero");
      return;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void conv2d(Backend be) {
    int[][] cases = {{1, 1}, {2, 1}, {1, 0}, {2, 2}};   // {stride, padding}
    for (int[] sp : cases) {
      RefCheck c = new RefCheck(be, "gp conv2d " + sp[0] + "/" + sp[1]);
      // D(x) = tanh(conv2d(x, W, b))·w_out (summed with fixed weights by GradCheck)
      penalty(be, "conv2d stride " + sp[0] + " pad " + sp[1],
          t -> Convolution.conv2d(t[0], t[1], t[2], sp[0], sp[1]).tanh(),
          leaves(be, c.uniform(2, 2, 5, 4), c.uniform(3, 2, 3, 2), c.uniform(3)));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void convTranspose2d(Backend be) {
    int[][] cases = {{1, 0, 0}, {2, 1, 0}, {2, 1, 1}};   // {stride, padding, output padding}
    for (int[] sp : cases) {
      RefCheck c = new RefCheck(be, "gp conv_transpose2d " + sp[0] + "/" + sp[1] + "/" + sp[2]);
      penalty(be, "conv_transpose2d " + java.util.Arrays.toString(sp),
          t -> Convolution.convTranspose2d(t[0], t[1], t[2], sp[0], sp[1], sp[2]).softplus(),
          leaves(be, c.uniform(2, 2, 3, 3), c.uniform(2, 3, 4, 3), c.uniform(3)));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void batchNormEval(Backend be) {
    for (int[] shape : new int[][] {{4, 3}, {2, 3, 2, 2}}) {
      RefCheck c = new RefCheck(be, "gp batch_norm eval " + java.util.Arrays.toString(shape));
      Tensor[] in = leaves(be, c.uniform(shape), c.positive(3), c.uniform(3));
      Tensor rm = c.range(-0.5, 0.5, 3).toTensor(be), rv = c.positive(3).toTensor(be);
      penalty(be, "batch_norm eval " + java.util.Arrays.toString(shape),
          t -> Normalization.batchNorm(t[0], t[1], t[2], rm, rv, false, 0.1f, 1e-5f).tanh(), in);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void batchNormTrain(Backend be) {
    for (int[] shape : new int[][] {{5, 3}, {2, 3, 2, 2}}) {
      RefCheck c = new RefCheck(be, "gp batch_norm train " + java.util.Arrays.toString(shape));
      // D = Σ w·bn(x): ∇ₓD depends on x and γ (batch statistics), not on β, which stays constant.
      Tensor beta = c.uniform(3).toTensor(be);
      penalty(be, "batch_norm train " + java.util.Arrays.toString(shape),
          t -> Normalization.batchNorm(t[0], t[1], beta, null, null, true, 0.1f, 1e-5f),
          leaves(be, c.uniform(shape), c.positive(3)));
      RefCheck d = new RefCheck(be, "gp batch_norm train + tanh " + java.util.Arrays.toString(shape));
      penalty(be, "batch_norm train + tanh " + java.util.Arrays.toString(shape),
          t -> Normalization.batchNorm(t[0], t[1], t[2], null, null, true, 0.1f, 1e-5f).tanh(),
          leaves(be, d.uniform(shape), d.positive(3), d.uniform(3)));
    }
  }

  // ---- WGAN-GP and R1 as written in a trainer: mean, square, sqrt, sum ------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void wganGpAndR1(Backend be) {
    RefCheck c = new RefCheck(be, "wgan-gp mlp");
    Tensor[] in = leaves(be, c.uniform(3, 4), c.uniform(4, 5), c.uniform(5), c.uniform(5, 1));
    // D(x) = tanh(x·W + b)·v; WGAN-GP: mean_i (‖∇ₓ D(x)_i‖₂ − 1)²; R1: mean_i ‖∇ₓ D(x)_i‖².
    Function<Tensor[], Tensor> d = t -> t[0].matmul(t[1]).add(t[2]).tanh().matmul(t[3]);
    check(be, "wgan-gp", t -> gradNorms(d, t).sqrt().sub(1f).square().mean(), in);
    check(be, "r1", t -> gradNorms(d, t).mean().mul(5f), in);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void wganGpThroughADcganDiscriminator(Backend be) {
    TestDevices.assumeAffordable(be, "~1 min under emulation; its conv, batch-norm and WGAN-GP second derivatives"
        + " are checked on cuda-emu by conv2d, batchNormTrain and wganGpAndR1");
    // conv(s2) → leaky_relu → conv(s2) → batch_norm(train) → leaky_relu → flatten → linear, the dcgan28 D
    // at toy size. The step is 1e-3 (reach 2e-3 per element); the first leaky pre-activations move at
    // most 2e-3 and are kept 0.01 from the kink, the second (after batch norm, which rescales) 0.05.
    RefCheck c = new RefCheck(be, "wgan-gp dcgan D");
    Function<Tensor[], Tensor> d = t -> {
      Tensor h = Convolution.conv2d(t[0], t[1], t[2], 2, 1).leakyRelu(0.2f);
      h = Normalization.batchNorm(Convolution.conv2d(h, t[3], null, 2, 1), t[4], t[5], null, null, true, 0.1f, 1e-5f);
      return h.leakyRelu(0.2f).flatten().matmul(t[6]);
    };
    for (int attempt = 0; attempt < 500; attempt++) {
      Tensor[] in = leaves(be, c.uniform(2, 1, 8, 8), c.range(-0.5, 0.5, 3, 1, 4, 4), c.uniform(3),
          c.range(-0.5, 0.5, 4, 3, 4, 4), c.positive(4), c.uniform(4), c.uniform(16, 1));
      if (!awayFromKinks(in)) continue;
      check(be, "wgan-gp dcgan D", t -> gradNorms(d, t).sqrt().sub(1f).square().mean(), in, OPTIONS.withStep(1e-3));
      return;
    }
    fail("no inputs with leaky pre-activations away from the kink in 500 draws " + TestSeeds.replay());
  }

  /** Whether the pre-activations of both leaky_relu layers of the dcgan D above are away from 0. */
  private static boolean awayFromKinks(Tensor[] t) {
    try (GradMode g = GradMode.disabled()) {
      Tensor z1 = Convolution.conv2d(t[0], t[1], t[2], 2, 1);
      Tensor z2 = Normalization.batchNorm(Convolution.conv2d(z1.leakyRelu(0.2f), t[3], null, 2, 1), t[4], t[5], null, null,
          true, 0.1f, 1e-5f);
      return minAbs(Nd.of(z1)) >= 0.01 && minAbs(Nd.of(z2)) >= 0.05;
    }
  }

  /** Per-row Σ_j (∂ΣD/∂x_ij)², with createGraph (x = t[0], flattened per sample). */
  private static Tensor gradNorms(Function<Tensor[], Tensor> d, Tensor[] t) {
    Tensor g = Autograd.grad(d.apply(t).sum(), new Tensor[] {t[0]}, true)[0];
    assertNotNull(g, "∇ₓD is null");
    return g.reshape(g.size(0), -1).square().sum(false, 1);
  }

  // ---- fully float64 references -----------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void wganGpMatchesFloat64Reference(Backend be) {
    RefCheck c = new RefCheck(be, "wgan-gp float64");
    Nd x = c.uniform(3, 4), w = c.uniform(4, 5), b = c.uniform(5), v = c.uniform(5, 1);
    // float64: ∇ₓD_i = W·(v ⊙ (1 − tanh²(x_i·W + b))), P = mean_i (‖∇ₓD_i‖ − 1)²
    Function<Nd[], Nd> ref = n -> {
      Nd t = NdOps.matmul(n[0], n[1]).add(n[2]).map(Math::tanh);
      Nd s = t.map(y -> 1 - y * y).mul(n[3].reshape(1, 5));                 // 3×5
      Nd g = NdOps.matmul(s, n[1].transpose(0, 1));                          // 3×4
      return g.mul(g).sum(false, 1).map(Math::sqrt).add(-1).map(q -> q * q).sumAll().mul(1.0 / 3);
    };
    Function<Tensor[], Tensor> engine = t -> {
      Tensor dOut = t[0].matmul(t[1]).add(t[2]).tanh().matmul(t[3]);
      Tensor g = Autograd.grad(dOut.sum(), new Tensor[] {t[0]}, true)[0];
      return g.square().sum(false, 1).sqrt().sub(1f).square().mean();
    };
    c.run(engine, ref, x, w, b, v);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void r1ThroughConvMatchesFloat64Reference(Backend be) {
    RefCheck c = new RefCheck(be, "r1 conv float64");
    Nd x = c.uniform(2, 2, 4, 5), w = c.uniform(3, 2, 3, 3), b = c.uniform(3), wo = c.uniform(2, 3, 4, 5);
    // D = Σ wo ⊙ softplus(conv(x, W, b)), stride 1, pad 1 (same size); ∇ₓD = convT(wo ⊙ σ(z), W); P = ‖∇ₓD‖².
    Function<Nd[], Nd> ref = n -> {
      Nd z = NdOps.conv2d(n[0], n[1], n[2], 1, 1);
      Nd gy = z.map(q -> 1 / (1 + Math.exp(-q))).mul(n[3]);
      Nd gx = NdOps.convTranspose2d(gy, n[1], null, 1, 1, 0);
      return gx.mul(gx).sumAll();
    };
    Function<Tensor[], Tensor> engine = t -> {
      Tensor dOut = Convolution.conv2d(t[0], t[1], t[2], 1, 1).softplus().mul(t[3]).sum();
      Tensor g = Autograd.grad(dOut, new Tensor[] {t[0]}, true)[0];
      return g.square().sum();
    };
    c.run(engine, ref, x, w, b, wo);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static Tensor[] leaves(Backend be, Nd... values) {
    Tensor[] t = new Tensor[values.length];
    for (int i = 0; i < values.length; i++) t[i] = values[i].toTensor(be).requiresGrad(true);
    return t;
  }

  private static Result penalty(Backend be, String name, Function<Tensor[], Tensor> d, Tensor[] in) {
    Result r = GradCheck.checkSecondOrder(name, d, in, new int[] {0}, OPTIONS);
    assertPassed(be, r);
    return r;
  }

  private static void check(Backend be, String name, Function<Tensor[], Tensor> p, Tensor[] in) {
    check(be, name, p, in, OPTIONS);
  }

  private static void check(Backend be, String name, Function<Tensor[], Tensor> p, Tensor[] in, Options o) {
    assertPassed(be, GradCheck.check(name, p, in, o));
  }

  private static void assertPassed(Backend be, Result r) {
    String where = r.summary() + " " + r.inputs() + " on " + be.name() + " " + TestSeeds.replay();
    assertTrue(r.finite(), "NaN/Inf: " + where);
    assertTrue(r.inputs().stream().anyMatch(e -> e.scale() > 0), "all second derivatives are zero (vacuous): " + where);
    assertTrue(r.passed(), where);
  }

  private static double minAbs(Nd z) {
    double m = Double.POSITIVE_INFINITY;
    for (double q : z.v) m = Math.min(m, Math.abs(q));
    return m;
  }
}
