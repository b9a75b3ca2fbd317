package dev.duel.gan.loss;

import java.util.List;
import java.util.Locale;

/**
 * The GAN objectives by their command-line names:
 * <ul>
 *   <li>{@code minimax}: {@link Minimax} (saturating L_G);</li>
 *   <li>{@code non-saturating}: {@link NonSaturating} (the reference step's loss);</li>
 *   <li>{@code lsgan}: {@link LeastSquares};</li>
 *   <li>{@code wgan}: {@link Wasserstein} with {@link WeightClipping} (c = 0.01);</li>
 *   <li>{@code wgan-gp}: {@link Wasserstein} with {@link GradientPenalty} (λ = 10), returned by
 *       {@link GanLoss#regularizer()};</li>
 *   <li>{@code hinge}: {@link Hinge}.</li>
 * </ul>
 */
public final class GanLosses {
  /** Every valid name, in the order above. */
  public static final List<String> NAMES = List.of(Minimax.NAME, NonSaturating.NAME, LeastSquares.NAME,
      Wasserstein.NAME_CLIPPED, Wasserstein.NAME_GP, Hinge.NAME);

  private GanLosses() {}

  /** The objective called {@code name} (case-insensitive), with λ = 10 for wgan-gp and c = 0.01 for wgan. */
  public static GanLoss byName(String name) {
    return byName(name, GradientPenalty.DEFAULT_LAMBDA, WeightClipping.DEFAULT_CLIP);
  }

  /** The objective called {@code name}, with the given gradient-penalty λ (wgan-gp) and clip value c (wgan). */
  public static GanLoss byName(String name, float gpLambda, float clip) {
    String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    return switch (key) {
      case Minimax.NAME -> new Minimax();
      case NonSaturating.NAME -> new NonSaturating();
      case LeastSquares.NAME -> new LeastSquares();
      case Wasserstein.NAME_CLIPPED -> Wasserstein.clipped(clip);
      case Wasserstein.NAME_GP -> Wasserstein.withGradientPenalty(gpLambda);
      case Hinge.NAME -> new Hinge();
      default -> throw new IllegalArgumentException("unknown GAN loss '" + name + "'; valid names: "
          + String.join(", ", NAMES));
    };
  }
}
