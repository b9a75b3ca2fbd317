package dev.duel.gan.train;

import dev.duel.engine.Losses;
import dev.duel.engine.Tensor;
import dev.duel.gan.loss.GanLoss;
import dev.duel.gan.loss.Regularizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a config's names into the objective the trainer minimises: the {@link GanLoss} (--loss) and
 * the {@link Regularizer}s added to L_D (--r1, --gp).
 *
 * <p>MERGE NOTE: the losses and regularisers of gan/loss/ are written on another branch. Until they
 * are wired in here, the only loss is {@link NonSaturatingForNow} (the benchmark step's objective) and
 * R1 / WGAN-GP are refused with a message saying so. Replace both methods' bodies with the real
 * registry when merging; nothing else in the trainer names a loss class.
 */
public final class Objectives {
  private Objectives() {}

  /** The names {@link #loss} accepts in this build. */
  public static List<String> lossNames() {
    return List.of(NonSaturatingForNow.NAME);
  }

  /** The loss named by --loss; an IllegalArgumentException naming the choices otherwise. */
  public static GanLoss loss(TrainConfig c) {
    if (c.loss.equals(NonSaturatingForNow.NAME)) return new NonSaturatingForNow();
    throw new IllegalArgumentException("--loss '" + c.loss + "' is not available in this build; choose one of "
        + String.join(", ", lossNames()));
  }

  /** The penalties named by --r1 and --gp (weights > 0). */
  public static List<Regularizer> regularizers(TrainConfig c) {
    List<Regularizer> out = new ArrayList<>();
    if (c.r1 > 0f || c.gp > 0f) {
      throw new IllegalArgumentException((c.r1 > 0f ? "--r1" : "--gp")
          + " is not available in this build yet (the regularisers of gan/loss are not wired into the trainer)");
    }
    return out;
  }

  /**
   * TEMPORARY, to be replaced by gan/loss's NonSaturating when that branch is merged: the
   * non-saturating GAN loss over logits (Goodfellow et al. 2014, §3), written with the engine's
   * BCE-with-logits exactly as {@link ReferenceStep} writes it:
   * L_D = BCE(D(x), t) + BCE(D(G(z)), 0), L_G = BCE(D(G(z)), 1), t = 1 or 1 − label smoothing.
   */
  static final class NonSaturatingForNow implements GanLoss {
    static final String NAME = "non-saturating";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Tensor discriminatorLoss(Tensor dReal, Tensor dFake, float realTarget) {
      return Losses.bceWithLogits(dReal, realTarget).add(Losses.bceWithLogits(dFake, 0f));
    }

    @Override
    public Tensor generatorLoss(Tensor dFake) {
      return Losses.bceWithLogits(dFake, 1f);
    }
  }
}
