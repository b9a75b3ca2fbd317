package dev.duel.gan.train;

import dev.duel.gan.loss.GanLoss;
import dev.duel.gan.loss.Regularizer;
import dev.duel.gan.loss.GanLosses;
import dev.duel.gan.loss.R1;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a config's names into what the trainer minimises: the {@link GanLoss} (--loss), the penalties
 * added to L_D at every D step (WGAN-GP's, with λ = --gp; R1 with γ = --r1), and the bound of D's weight
 * clipping after every D step (--loss wgan, c = --clip; 0 = none).
 */
public final class Objectives {
  private Objectives() {}

  /** A run's objective: the loss, the penalties added to L_D, and the weight-clipping bound (0 = none). */
  public record Objective(GanLoss loss, List<Regularizer> regularizers, float clip) {
    public Objective {
      regularizers = List.copyOf(regularizers);
    }
  }

  /** The names --loss accepts. */
  public static List<String> lossNames() {
    return GanLosses.NAMES;
  }

  /** The objective the config names; an IllegalArgumentException naming the choices otherwise. */
  public static Objective of(TrainConfig c) {
    GanLoss loss = GanLosses.byName(c.loss, c.gp, c.clip);
    List<Regularizer> regs = new ArrayList<>();
    if (loss.regularizer() != null) regs.add(loss.regularizer());
    if (c.r1 > 0f) regs.add(new R1(c.r1));
    return new Objective(loss, regs, loss.weightClipping() != null ? loss.weightClipping().clip() : 0f);
  }
}
