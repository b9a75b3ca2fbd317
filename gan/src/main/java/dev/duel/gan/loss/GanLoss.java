package dev.duel.gan.loss;

import dev.duel.engine.Tensor;

/**
 * A GAN objective written over D's raw outputs (logits / critic values), N×1. The trainer minimises
 * {@link #discriminatorLoss} over D's parameters and {@link #generatorLoss} over G's.
 * Implementations: minimax (saturating), non-saturating, least-squares, Wasserstein, hinge; each class
 * carries its formula in docs/math.md's symbols.
 */
public interface GanLoss {
  /** The name used on the command line (e.g. "non-saturating", "wgan-gp"). */
  String name();

  /**
   * L_D given D's outputs on real and on fake samples. {@code realTarget} is the target for real
   * samples in losses that have one (1, or 0.9 with one-sided label smoothing); others ignore it.
   */
  Tensor discriminatorLoss(Tensor dReal, Tensor dFake, float realTarget);

  /** L_G given D's outputs on fake samples. */
  Tensor generatorLoss(Tensor dFake);

  /** Wasserstein-style critics need weight clipping or a gradient penalty; the trainer reads this. */
  default boolean isCritic() {
    return false;
  }

  /**
   * Whether D's output is a logit a with D = σ(a) the probability that the input is real (minimax,
   * non-saturating); the trainer then logs σ(a). Least squares, WGAN and hinge read D's output as a raw
   * score, and σ of it means nothing.
   */
  default boolean logitOutput() {
    return false;
  }

  /**
   * A penalty that is part of this objective and must be added to L_D at every D step (WGAN-GP's
   * gradient penalty), or null. Optional stabilisers such as R1 come from {@link StabiliserConfig}.
   */
  default Regularizer regularizer() {
    return null;
  }

  /** The weight clipping to apply to D after every D step (WGAN's c = 0.01), or null for none. */
  default WeightClipping weightClipping() {
    return null;
  }
}
