package dev.duel.gan.loss;

import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.DiscriminatorNet;

/**
 * The R1 penalty (Mescheder et al. 2018, "Which training methods for GANs do actually converge?"): the
 * gradient of D on real data only, with x real and E the batch mean,
 * <pre>
 *   R1 = (γ/2)·E‖∇_x D(x)‖₂²
 * </pre>
 * added to L_D. ∇_x D(x) is computed with Autograd.grad(createGraph = true), so R1's gradient w.r.t.
 * D's parameters (a second derivative of D) flows on backward. The fake batch and the Generator are
 * not used (pass null if convenient). γ = 10 is a common choice for 28×28 images.
 */
public final class R1 implements Regularizer {
  public static final String NAME = "r1";
  public static final float DEFAULT_GAMMA = 10f;
  private final float gamma;

  public R1(float gamma) {
    if (!(gamma >= 0f) || !Float.isFinite(gamma)) {
      throw new IllegalArgumentException("R1: γ must be >= 0 and finite, got " + gamma);
    }
    this.gamma = gamma;
  }

  public R1() {
    this(DEFAULT_GAMMA);
  }

  public float gamma() {
    return gamma;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Tensor penalty(DiscriminatorNet d, Tensor real, Tensor fake, int[] labels, Generator rng) {
    InputGradient.requireBatch(NAME, "real batch", real);
    Tensor x;
    try (GradMode off = GradMode.disabled()) {
      x = real.detach();                                      // a fresh leaf over the same data
    }
    x.requiresGrad(true);
    Tensor g = InputGradient.of(NAME, d, x, labels);
    return InputGradient.squaredNorms(g).mean().mul(gamma / 2f);
  }
}
