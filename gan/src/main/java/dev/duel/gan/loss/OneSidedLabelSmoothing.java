package dev.duel.gan.loss;

/**
 * One-sided label smoothing (Salimans et al. 2016, section 3.4): the target for real samples in D's
 * loss becomes t = 1 − s (t = 0.9 for the usual s = 0.1), while fake samples keep the target 0:
 * <pre>
 *   L_D = E bce(D(x), t) + E bce(D(G(z)), 0),   bce(a, t) = −t·log σ(a) − (1 − t)·log(1 − σ(a))
 * </pre>
 * (for LSGAN, ½E(D(x) − t)²). Smoothing the fake side too would pull D towards p_g where p_data is
 * small and reinforce G's wrong modes, hence one-sided. It is not a loss of its own: the trainer
 * passes {@link #realTarget(float)} as the {@code realTarget} argument of
 * {@link GanLoss#discriminatorLoss}; Wasserstein and hinge ignore it.
 */
public final class OneSidedLabelSmoothing {
  /** Salimans et al.'s smoothing s = 0.1, i.e. real target 0.9. */
  public static final float DEFAULT_SMOOTHING = 0.1f;

  private OneSidedLabelSmoothing() {}

  /** t = 1 − s for smoothing s in [0, 1); s = 0 is no smoothing (t = 1). */
  public static float realTarget(float smoothing) {
    if (!(smoothing >= 0f && smoothing < 1f)) {
      throw new IllegalArgumentException("label smoothing must be in [0, 1) (0 = off, 0.1 gives real target 0.9), got "
          + smoothing);
    }
    return 1f - smoothing;
  }
}
