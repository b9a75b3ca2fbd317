package dev.duel.gan.loss;

import dev.duel.engine.GradMode;
import dev.duel.engine.Tensor;
import dev.duel.nn.Module;

/**
 * WGAN's weight clipping (Arjovsky et al. 2017, Algorithm 1): after each critic update,
 * <pre>
 *   w ← clip(w, −c, c)   for every parameter w of D,   c = 0.01 by default
 * </pre>
 * a crude way to keep the critic K-Lipschitz for some K. It is a projection, not a loss term: it
 * changes the parameters in place, records nothing in the graph and leaves the gradients alone.
 * Buffers (batch-norm running statistics) are not clipped, as in the paper's code.
 */
public final class WeightClipping {
  public static final float DEFAULT_CLIP = 0.01f;
  private final float c;

  public WeightClipping(float c) {
    if (!(c > 0f) || !Float.isFinite(c)) {
      throw new IllegalArgumentException("WeightClipping: clip value c must be positive and finite, got " + c);
    }
    this.c = c;
  }

  public WeightClipping() {
    this(DEFAULT_CLIP);
  }

  public float clip() {
    return c;
  }

  /** Clamps every parameter of {@code d} into [−c, c], in place (call it after each D step). */
  public void apply(Module d) {
    try (GradMode off = GradMode.disabled()) {
      for (Tensor w : d.parameters()) {
        try (Tensor lo = Tensor.scalar(w.backend(), -c);
             Tensor hi = Tensor.scalar(w.backend(), c);
             Tensor low = w.maximum(lo);
             Tensor clamped = low.minimum(hi)) {
          w.assign(clamped);
        }
      }
    }
  }
}
