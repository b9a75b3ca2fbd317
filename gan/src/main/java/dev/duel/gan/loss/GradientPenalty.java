package dev.duel.gan.loss;

import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.DiscriminatorNet;
import java.util.Arrays;

/**
 * WGAN-GP's gradient penalty (Gulrajani et al. 2017, Algorithm 1). With x real, G(z) fake, ε ~ U[0, 1]
 * drawn per sample from the step's Generator, E the batch mean:
 * <pre>
 *   x̂ = ε·x + (1 − ε)·G(z)
 *   GP = λ·E(‖∇_x̂ D(x̂)‖₂ − 1)²,   ‖g‖₂ = sqrt(Σ g² + 1e-12),   λ = 10 by default
 * </pre>
 * ∇_x̂ D(x̂) is computed with Autograd.grad(createGraph = true), so GP's own gradient w.r.t. D's
 * parameters (a second derivative of D) flows into D's .grad on backward. The 1e-12 inside the sqrt
 * keeps that gradient finite (not NaN) where ∇_x̂ D(x̂) = 0. Both x and G(z) are detached: the
 * penalty trains D only. Note that D's forward on x̂ runs in D's current mode (batch norm in training
 * mode couples the samples; the paper's critic has no batch norm).
 */
public final class GradientPenalty implements Regularizer {
  public static final String NAME = "gradient-penalty";
  public static final float DEFAULT_LAMBDA = 10f;
  static final float EPS = 1e-12f;
  private final float lambda;

  public GradientPenalty(float lambda) {
    if (!(lambda >= 0f) || !Float.isFinite(lambda)) {
      throw new IllegalArgumentException("GradientPenalty: λ must be >= 0 and finite, got " + lambda);
    }
    this.lambda = lambda;
  }

  public GradientPenalty() {
    this(DEFAULT_LAMBDA);
  }

  public float lambda() {
    return lambda;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Tensor penalty(DiscriminatorNet d, Tensor real, Tensor fake, int[] labels, Generator rng) {
    InputGradient.requireBatch(NAME, "real batch", real);
    InputGradient.requireBatch(NAME, "fake batch", fake);
    if (!Arrays.equals(real.shape(), fake.shape())) {
      throw new IllegalArgumentException(NAME + ": real " + Arrays.toString(real.shape()) + " and fake "
          + Arrays.toString(fake.shape()) + " batches differ in shape; x̂ mixes them sample by sample");
    }
    int n = real.size(0);
    int[] perSample = new int[real.dim()];                    // N×1×…×1: one ε per sample
    Arrays.fill(perSample, 1);
    perSample[0] = n;
    Tensor xHat;
    try (GradMode off = GradMode.disabled()) {
      Tensor eps = rng.uniform(real.backend(), 0f, 1f, perSample);
      xHat = eps.mul(real).add(eps.rsub(1f).mul(fake));      // a leaf: nothing recorded
    }
    xHat.requiresGrad(true);
    Tensor g = InputGradient.of(NAME, d, xHat, labels);
    Tensor norms = InputGradient.squaredNorms(g).add(EPS).sqrt(); // N
    return norms.sub(1f).square().mean().mul(lambda);
  }
}
