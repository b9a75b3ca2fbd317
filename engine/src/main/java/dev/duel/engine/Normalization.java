package dev.duel.engine;

/**
 * Batch normalisation (Ioffe and Szegedy) over N and the spatial dims, per channel, PyTorch semantics:
 * training uses the batch's biased variance to normalise and its unbiased variance for the running
 * average; eval uses the running statistics.
 */
public final class Normalization {
  private Normalization() {}

  /**
   * x: N×C or N×C×H×W; gamma, beta, runningMean, runningVar: C. In training, runningMean/Var are
   * updated in place: r ← (1 − momentum)·r + momentum·batch statistic.
   */
  public static Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                 boolean training, float momentum, float eps) {
    return batchNorm(x, gamma, beta, runningMean, runningVar, training, momentum, eps, null, 0f);
  }

  /**
   * act(batchNorm(...)) with act RELU or LEAKY_RELU of slope alpha ≥ 0 ({@link UnaryOp#fusible}): in training
   * one op, the backend applying the activation as it writes y; the same floats and gradients as the two ops (the
   * activation's gradient taken from y, which is > 0 exactly where batch norm's output is). In eval, the two ops.
   */
  public static Tensor batchNormActivation(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                           boolean training, float momentum, float eps, UnaryOp act, float alpha) {
    ElementwiseOps.requireFusible("batch_norm", act, alpha);
    return batchNorm(x, gamma, beta, runningMean, runningVar, training, momentum, eps, act, alpha);
  }

  private static Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                  boolean training, float momentum, float eps, UnaryOp act, float alpha) {
    if (x.dim() != 2 && x.dim() != 4) {
      throw new IllegalArgumentException("batch_norm: input must be N×C or N×C×H×W, got " + Shape.str(x.shape));
    }
    int n = x.shape[0], c = x.shape[1], hw = x.dim() == 4 ? x.shape[2] * x.shape[3] : 1;
    for (Tensor p : new Tensor[] {gamma, beta, runningMean, runningVar}) {
      if (p != null && (p.dim() != 1 || p.shape[0] != c)) {
        throw new IllegalArgumentException("batch_norm: per-channel tensor of shape " + Shape.str(p.shape)
            + " does not match " + c + " channels of input " + Shape.str(x.shape));
      }
    }
    int[] chan = x.dim() == 4 ? new int[] {1, c, 1, 1} : new int[] {1, c};
    if (!training) {
      // y = x·scale + shift, scale = γ / sqrt(running_var + eps), shift = β − running_mean·scale.
      Tensor scale = runningVar.detach().add(eps).rsqrt().mul(gamma);
      Tensor shift = beta.sub(runningMean.detach().mul(scale));
      Tensor y = x.mul(scale.reshape(chan)).add(shift.reshape(chan));
      return act == null ? y : ElementwiseOps.unary(act, alpha, y);
    }
    if ((long) n * hw < 2) {
      throw new IllegalArgumentException("batch_norm in training needs more than one value per channel, got input "
          + Shape.str(x.shape));
    }
    Tensor xc = x.compact(), gc = gamma.compact(), bc = beta.compact();
    Tensor y = Tensor.empty(x.backend, x.shape);
    Tensor mean = Tensor.empty(x.backend, c), invStd = Tensor.empty(x.backend, c);
    Tensor varUnbiased = Tensor.empty(x.backend, c);
    if (act == null) {
      x.backend.batchNormForward(n, c, hw, eps, xc.buffer(), gc.buffer(), bc.buffer(), y.buffer(), mean.buffer(),
          invStd.buffer(), varUnbiased.buffer());
    } else {
      x.backend.batchNormActivationForward(n, c, hw, eps, xc.buffer(), gc.buffer(), bc.buffer(), act, alpha,
          y.buffer(), mean.buffer(), invStd.buffer(), varUnbiased.buffer());
    }
    if (runningMean != null && runningVar != null) {
      try (GradMode g = GradMode.disabled()) {
        runningMean.assign(runningMean.mul(1f - momentum).add(mean.mul(momentum)));
        runningVar.assign(runningVar.mul(1f - momentum).add(varUnbiased.mul(momentum)));
      }
    }
    String name = act == null ? "batch_norm" : "batch_norm_" + act.name().toLowerCase(java.util.Locale.ROOT);
    return y.recordOp(name, g -> {
      if (act != null) g = ElementwiseOps.activationGrad(act, alpha, y, g);   // to ∂L/∂(batch norm's output)
      if (GradMode.isEnabled()) {
        // A graph of the gradient is wanted: differentiate the same function written with basic ops.
        Tensor yc = composite(xc, gc, bc, chan, eps);
        return Autograd.grad(new Tensor[] {yc}, new Tensor[] {g}, new Tensor[] {xc, gc, bc}, true, true);
      }
      Tensor gyc = g.compact();
      Tensor gx = Tensor.empty(x.backend, x.shape);
      Tensor gGamma = Tensor.empty(x.backend, c), gBeta = Tensor.empty(x.backend, c);
      x.backend.batchNormBackward(n, c, hw, xc.buffer(), gyc.buffer(), gc.buffer(), mean.buffer(), invStd.buffer(),
          gx.buffer(), gGamma.buffer(), gBeta.buffer());
      return new Tensor[] {gx, gGamma, gBeta};
    }, xc, gc, bc);
  }

  /** y = (x − μ)/sqrt(σ² + eps)·γ + β with μ, σ² (biased) over all dims but 1, from basic ops. */
  static Tensor composite(Tensor x, Tensor gamma, Tensor beta, int[] chan, float eps) {
    int[] axes = x.dim() == 4 ? new int[] {0, 2, 3} : new int[] {0};
    Tensor mu = x.mean(true, axes);
    Tensor centered = x.sub(mu);
    Tensor var = centered.square().mean(true, axes);
    return centered.mul(var.add(eps).rsqrt()).mul(gamma.reshape(chan)).add(beta.reshape(chan));
  }
}
