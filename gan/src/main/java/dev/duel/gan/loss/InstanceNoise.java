package dev.duel.gan.loss;

import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;

/**
 * Instance noise (Sønderby et al. 2017; Arjovsky and Bottou 2017): D sees its inputs, real and fake,
 * through Gaussian noise whose level is annealed linearly to zero, so p_data and p_g overlap early on:
 * <pre>
 *   x̃ = x + σ(s)·n,   n ~ N(0, I),   σ(s) = σ₀·max(0, 1 − s/T)
 * </pre>
 * with s the training step and T the annealing length. ∂x̃/∂x = I, so G's gradient passes through
 * unchanged. Once σ(s) = 0 the input is returned as is and no noise is drawn (the Generator does not
 * advance); since that depends on s alone, a resumed run draws the same numbers.
 */
public final class InstanceNoise {
  private final float sigma0;
  private final long annealSteps;

  /** σ₀ ≥ 0 the initial standard deviation, T ≥ 1 the number of steps over which it falls to 0. */
  public InstanceNoise(float sigma0, long annealSteps) {
    if (!(sigma0 >= 0f) || !Float.isFinite(sigma0)) {
      throw new IllegalArgumentException("InstanceNoise: σ₀ must be >= 0 and finite, got " + sigma0);
    }
    if (annealSteps < 1) {
      throw new IllegalArgumentException("InstanceNoise: the annealing length T must be >= 1 step, got " + annealSteps);
    }
    this.sigma0 = sigma0;
    this.annealSteps = annealSteps;
  }

  public float sigma0() {
    return sigma0;
  }

  public long annealSteps() {
    return annealSteps;
  }

  /** σ(s) = σ₀·max(0, 1 − s/T); s &lt; 0 is refused. */
  public float sigma(long step) {
    if (step < 0) throw new IllegalArgumentException("InstanceNoise: step must be >= 0, got " + step);
    if (step >= annealSteps) return 0f;
    return (float) (sigma0 * (1.0 - (double) step / annealSteps));
  }

  /** x + σ(step)·n with n ~ N(0, I) from rng, same shape as x; x itself when σ(step) = 0. */
  public Tensor apply(Tensor x, long step, Generator rng) {
    float s = sigma(step);
    if (s == 0f) return x;
    return x.add(rng.normal(x.backend(), 0f, s, x.shape()));
  }
}
