package dev.duel.nn;

import dev.duel.engine.Backend;
import dev.duel.engine.GradMode;
import dev.duel.engine.Normalization;
import dev.duel.engine.Tensor;

/**
 * PyTorch's BatchNorm1d (input N×C) and BatchNorm2d (N×C×H×W): weight γ, bias β, buffers running_mean,
 * running_var, num_batches_tracked; momentum 0.1, eps 1e-5.
 */
public final class BatchNorm extends Module implements FusesActivation {
  private final int features;
  private final int rank;
  private final float momentum, eps;

  private BatchNorm(Backend b, int features, int rank, float momentum, float eps) {
    this.features = features;
    this.rank = rank;
    this.momentum = momentum;
    this.eps = eps;
    registerParameter("weight", Tensor.ones(b, features));
    registerParameter("bias", Tensor.zeros(b, features));
    registerBuffer("running_mean", Tensor.zeros(b, features));
    registerBuffer("running_var", Tensor.ones(b, features));
    registerBuffer("num_batches_tracked", Tensor.zeros(b));            // a scalar, as in PyTorch (shape [])
  }

  public static BatchNorm bn1d(Backend b, int features) {
    return new BatchNorm(b, features, 2, 0.1f, 1e-5f);
  }

  public static BatchNorm bn2d(Backend b, int features) {
    return new BatchNorm(b, features, 4, 0.1f, 1e-5f);
  }

  /**
   * BatchNorm2d with PyTorch's momentum m (running = (1 − m)·running + m·batch) and ε; Keras's
   * BatchNormalization(momentum k, epsilon e) is m = 1 − k, ε = e.
   */
  public static BatchNorm bn2d(Backend b, int features, float momentum, float eps) {
    if (!(momentum > 0f && momentum <= 1f) || !(eps > 0f)) {
      throw new IllegalArgumentException("BatchNorm2d: momentum must be in (0, 1] and eps > 0, got " + momentum + ", " + eps);
    }
    return new BatchNorm(b, features, 4, momentum, eps);
  }

  @Override
  public Tensor forward(Tensor x) {
    return forward(x, null);
  }

  /** act(batch norm of x) as one op when act is fusible (a slope ≥ 0), else the two in turn. */
  @Override
  public Tensor forwardActivated(Tensor x, Activation act) {
    if (!act.op().fusible(act.slope())) return act.forward(forward(x));
    return forward(x, act);
  }

  private Tensor forward(Tensor x, Activation act) {
    if (x.dim() != rank || x.size(1) != features) {
      throw new IllegalArgumentException(describe() + ": input of shape " + java.util.Arrays.toString(x.shape()));
    }
    if (training) {
      try (GradMode g = GradMode.disabled()) {
        Tensor n = buffer("num_batches_tracked");
        n.assign(n.add(1f));
      }
    }
    if (act == null) {
      return Normalization.batchNorm(x, param("weight"), param("bias"), buffer("running_mean"), buffer("running_var"),
          training, momentum, eps);
    }
    return Normalization.batchNormActivation(x, param("weight"), param("bias"), buffer("running_mean"),
        buffer("running_var"), training, momentum, eps, act.op(), act.slope());
  }

  @Override
  public String describe() {
    return "BatchNorm" + (rank == 2 ? "1d" : "2d") + "(" + features + ")";
  }
}
