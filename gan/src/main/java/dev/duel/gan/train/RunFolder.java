package dev.duel.gan.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of one run, {@code runs/<name>/}:
 * <pre>
 * config.json            the run's options (the same object as in each state.json)
 * metrics.jsonl          one JSON line per step
 * losses.png             d_loss and g_loss against the step, redrawn each epoch
 * samples/epoch-NNN.png  G(fixed noise) after each epoch; samples/latest.png the newest
 * checkpoints/step-N/    g, d, opt_g, opt_d (and g_ema) .safetensors + state.json
 * </pre>
 */
public record RunFolder(Path root) {
  public Path config() { return root.resolve("config.json"); }

  public Path metrics() { return root.resolve("metrics.jsonl"); }

  public Path lossPlot() { return root.resolve("losses.png"); }

  public Path samples() { return root.resolve("samples"); }

  public Path checkpoints() { return root.resolve("checkpoints"); }

  /** Creates the folders. */
  public RunFolder create() throws IOException {
    Files.createDirectories(samples());
    Files.createDirectories(checkpoints());
    return this;
  }

  /**
   * True when the folder holds a run that can be resumed: a checkpoint (a run writes step 0 when it
   * starts). A folder whose run stopped before that holds nothing to continue and may be started over.
   */
  public boolean holdsRun() throws IOException {
    return !Checkpoints.list(checkpoints()).isEmpty();
  }

  /** The lock file ({@link RunLock}). */
  public Path lock() { return root.resolve(RunLock.FILE); }
}
