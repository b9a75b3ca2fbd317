package dev.duel.gan.train;

import dev.duel.gan.loss.Minimax;
import dev.duel.gan.loss.NonSaturating;
import java.util.List;

/**
 * The values d_loss and g_loss take at the game's equilibrium, for the loss plot: at p_g = p_data the
 * optimal D is ½ everywhere (docs/math.md section 2), so
 * <pre>
 *   L_D = bce(½, 1) + bce(½, 0) = 2·log 2 = log 4
 *   L_G = −log ½ = log 2 (non-saturating),     L_G = log(1 − ½) = −log 2 (minimax, as {@link Minimax} computes it)
 * </pre>
 * R1 and instance noise leave these values alone (R1 is 0 where ∇D = 0; both players see the same noise).
 * Other settings have no such line: one-sided label smoothing moves D* to (1 − s)/2 (section 17), feature
 * matching replaces L_G, and least squares, WGAN and hinge compare raw scores whose level is not fixed.
 */
public final class Equilibrium {
  private Equilibrium() {}

  /** One dashed line of the loss plot. */
  public record Line(String label, double value, String series) {}

  public static List<Line> lines(TrainConfig c) {
    boolean logitLoss = c.loss.equals(NonSaturating.NAME) || c.loss.equals(Minimax.NAME);
    if (!logitLoss || c.labelSmoothing != 0f || c.featureMatching) return List.of();
    double log2 = Math.log(2);
    Line d = new Line("d_loss at equilibrium: log 4", 2 * log2, "d_loss");
    Line g = c.loss.equals(Minimax.NAME)
        ? new Line("g_loss at equilibrium: −log 2", -log2, "g_loss")
        : new Line("g_loss at equilibrium: log 2", log2, "g_loss");
    return List.of(d, g);
  }
}
