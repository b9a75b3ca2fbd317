package dev.duel.gan.train;

import java.nio.file.Path;

/**
 * What a run that produced a NaN or ∞ tells the user to do. A resume may change the learning rates
 * (TrainConfig.CHANGEABLE_ON_RESUME), not the model or the objective: anything else needs a new run.
 */
final class DivergenceAdvice {
  private DivergenceAdvice() {}

  /** newRunChanges: what a new run (another --name) could change, e.g. "a stabiliser (--spectral-norm)". */
  static String of(TrainConfig cfg, Path lastCheckpoint, String newRunChanges) {
    if (lastCheckpoint == null) {
      return "No checkpoint had been written (--checkpoint-every 0); start again with a lower --lr-d / --lr-g or "
          + newRunChanges + ".";
    }
    return "The last good checkpoint is " + lastCheckpoint + "; continue from it with lower learning rates, e.g. half: "
        + ResumeCommand.of(cfg, "--lr-d", Float.toString(cfg.lrD / 2), "--lr-g", Float.toString(cfg.lrG / 2))
        + "; or start a new run (another --name) with " + newRunChanges + ".";
  }
}
