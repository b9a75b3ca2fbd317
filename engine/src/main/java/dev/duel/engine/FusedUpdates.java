package dev.duel.engine;

/**
 * Optimizer updates as one backend call per parameter (llm.c's fused AdamW), in place, outside autograd.
 * The formulas are on {@link Backend#sgdUpdate} and {@link Backend#adamUpdate}.
 */
public final class FusedUpdates {
  private FusedUpdates() {}

  public static void sgd(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float dampening,
                         float weightDecay, boolean nesterov) {
    check("sgd", param, grad, velocity);
    param.backend.sgdUpdate(param.buffer(), grad.buffer(), velocity.buffer(), param.numel(), lr, momentum, dampening,
        weightDecay, nesterov);
  }

  /** t is the 1-based step count used for bias correction. */
  public static void adam(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                          float weightDecay, int t) {
    check("adam", param, grad, m, v);
    param.backend.adamUpdate(param.buffer(), grad.buffer(), m.buffer(), v.buffer(), param.numel(), lr, beta1, beta2, eps,
        weightDecay, t);
  }

  private static void check(String op, Tensor param, Tensor... others) {
    for (Tensor t : others) {
      if (t.numel() != param.numel() || !t.isContiguous() || t.offset != 0 || t.backend != param.backend) {
        throw new IllegalArgumentException(op + ": state tensor " + Shape.str(t.shape) + " does not match parameter "
            + Shape.str(param.shape) + " (same size, contiguous, same device)");
      }
    }
    if (!param.isContiguous() || param.offset != 0) {
      throw new IllegalArgumentException(op + ": parameter " + Shape.str(param.shape) + " must be contiguous");
    }
  }
}
