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

  /** True when the folder already holds a run (its metrics or a checkpoint). */
  public boolean holdsRun() throws IOException {
    return Files.exists(metrics()) || !Checkpoints.list(checkpoints()).isEmpty();
  }
}
