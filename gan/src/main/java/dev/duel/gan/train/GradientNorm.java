package dev.duel.gan.train;

import dev.duel.engine.GradMode;
import dev.duel.engine.Tensor;
import java.util.List;

/** The logged grad_norm_g / grad_norm_d: √(Σ_p Σ g²) over the parameters' gradients (those that have one). */
final class GradientNorm {
  private GradientNorm() {}

  static float of(List<Tensor> params) {
    try (GradMode off = GradMode.disabled()) {
      Tensor sum = null;
      for (Tensor p : params) {
        if (p.grad() == null) continue;
        Tensor s = p.grad().square().sum();
        sum = sum == null ? s : sum.add(s);
      }
      return sum == null ? 0f : (float) Math.sqrt(sum.item());
    }
  }
}
