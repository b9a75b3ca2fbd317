package dev.duel.gan.train;

import dev.duel.engine.Losses;
import dev.duel.engine.Tensor;
import dev.duel.gan.loss.GanLoss;
import dev.duel.gan.loss.Regularizer;
import java.util.List;

/**
 * Turns a config's names into what the trainer minimises: the {@link GanLoss} (--loss), the penalties
 * added to L_D at every D step (WGAN-GP's, with λ = --gp; R1 with γ = --r1), and the bound of D's weight
 * clipping after every D step (--loss wgan, c = --clip; 0 = none).
 *
 * <p>MERGE NOTE: gan/loss's losses and regularisers are written on another branch. Until they are
 * wired in here, the only loss is {@link NonSaturatingForNow} (the benchmark step's objective) and
 * R1 is refused with a message saying so. With that branch merged, {@link #of} becomes:
 * <pre>{@code
 * GanLoss loss = GanLosses.byName(c.loss, c.gp, c.clip);
 * List<Regularizer> regs = new ArrayList<>();
 * if (loss.regularizer() != null) regs.add(loss.regularizer());
 * if (c.r1 > 0f) regs.add(new R1(c.r1));
 * return new Objective(loss, regs, loss.weightClipping() != null ? loss.weightClipping().clip() : 0f);
 * }</pre>
 * and {@link #lossNames} returns GanLosses.NAMES. Nothing else in the trainer names a loss class.
 */
public final class Objectives {
  private Objectives() {}

  /** A run's objective: the loss, the penalties added to L_D, and the weight-clipping bound (0 = none). */
  public record Objective(GanLoss loss, List<Regularizer> regularizers, float clip) {
    public Objective {
      regularizers = List.copyOf(regularizers);
    }
  }

  /** The names --loss accepts in this build. */
  public static List<String> lossNames() {
    return List.of(NonSaturatingForNow.NAME);
  }

  /** The objective the config names; an IllegalArgumentException naming the choices otherwise. */
  public static Objective of(TrainConfig c) {
    if (!c.loss.equals(NonSaturatingForNow.NAME)) {
      throw new IllegalArgumentException("--loss '" + c.loss + "' is not available in this build; choose one of "
          + String.join(", ", lossNames()));
    }
    if (c.r1 > 0f) {
      throw new IllegalArgumentException("--r1 is not available in this build yet (gan/loss's R1 is not wired into the trainer)");
    }
    return new Objective(new NonSaturatingForNow(), List.of(), 0f);
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
