package dev.duel.gan.loss;

import dev.duel.engine.Autograd;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.DiscriminatorNet;
import java.util.Arrays;

/**
 * ∇_x D(x) per sample, as a differentiable tensor (Autograd.grad with createGraph = true), so that a
 * penalty on it can be differentiated again w.r.t. D's parameters. The gradient taken is that of
 * Σ_i D(x_i): it equals ∇_{x_i} D(x_i) row by row when D treats samples independently (no batch norm in
 * training mode, no minibatch layers), which is what the penalties assume (PyTorch's grad_outputs = 1).
 */
final class InputGradient {
  private InputGradient() {}

  /** x: N×... a leaf with requiresGrad; returns ∇_x Σ_i D(x_i), same shape as x, with its graph. */
  static Tensor of(String who, DiscriminatorNet d, Tensor x, int[] labels) {
    Tensor out = d.score(x, labels);
    if (!out.requiresGrad()) {
      throw new IllegalStateException(who + ": D's output does not depend on its input or parameters (is grad mode "
          + "disabled around the D step?)");
    }
    Tensor g = Autograd.grad(out.sum(), new Tensor[] {x}, true)[0];
    if (g == null) {
      throw new IllegalStateException(who + ": D's output does not depend on its input " + Arrays.toString(x.shape()));
    }
    return g;
  }

  /** ‖g_i‖² per sample: N, from g N×... */
  static Tensor squaredNorms(Tensor g) {
    return g.reshape(g.size(0), -1).square().sum(false, 1);
  }

  static void requireBatch(String who, String what, Tensor x) {
    if (x == null) throw new IllegalArgumentException(who + ": " + what + " is null");
    if (x.dim() < 2 || x.size(0) == 0) {
      throw new IllegalArgumentException(who + ": " + what + " must be a non-empty batch N×..., got shape "
          + Arrays.toString(x.shape()));
    }
  }
}
