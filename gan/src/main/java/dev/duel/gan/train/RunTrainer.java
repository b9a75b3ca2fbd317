package dev.duel.gan.train;

import dev.duel.engine.Backend;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What {@code duel train} drives, whatever the model: {@link Trainer} (G from noise, Algorithm 1) or
 * {@link Pix2PixTrainer} (G from an input image, on pairs). Both write the same run folder (config.json,
 * metrics.jsonl, samples/, losses.png, checkpoints/) and resume bit-identically on the CPU.
 */
public interface RunTrainer {
  /** Trains to the end of the last epoch; the last step's stats, or null when nothing was left to do. */
  StepStats train() throws IOException;

  /** Continues from a checkpoint of a run with the same config (but for the changeable options). */
  void restore(Checkpoints.Checkpoint c) throws IOException;

  /** Stop at the next step boundary with a checkpoint (safe from any thread, e.g. a signal handler). */
  void requestStop(String why);

  /** Why {@link #train()} stopped early, or null. */
  String stopRequest();

  long step();

  long totalSteps();

  int stepsPerEpoch();

  /** The newest checkpoint written or resumed from, or null. */
  Path lastCheckpoint();

  RunFolder runFolder();

  Backend backend();

  TrainConfig config();

  /** The objective in words ("non-saturating + gradient-penalty", "λ·L1 only"). */
  String describeObjective();
}
