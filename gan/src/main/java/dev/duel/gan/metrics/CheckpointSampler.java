package dev.duel.gan.metrics;

import dev.duel.engine.Backend;
import dev.duel.gan.models.GeneratorNet;
import dev.duel.gan.train.Checkpoints;
import dev.duel.gan.train.GanModels;
import dev.duel.gan.train.Samples;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Samples images from a training checkpoint ({@code runs/NAME/checkpoints/step-N}, as the trainer writes
 * it: safetensors files and a {@code state.json} with the run's config and every file's SHA-256). The
 * checkpoint is verified and its generator rebuilt by the trainer's own code ({@link Checkpoints#locate},
 * {@link GanModels#generatorFrom}), then run in eval mode on z ~ N(0, I): an n×latent matrix drawn on the
 * CPU from Philox stream {@code seed} in one go, so neither the device nor the batch size changes the
 * samples — they are exactly the images of {@code duel sample CKPT --n N --seed S}. cgan-mlp gets the
 * labels 0, 1, …, 9, 0, 1, … (balanced classes, as {@code duel sample} gives by default). The sampling is
 * {@link Samples#fromSeed}, the code the trainer's {@code --fid-every} runs too.
 */
public final class CheckpointSampler {
  public static final String WEIGHTS = "g.safetensors", EMA_WEIGHTS = "g_ema.safetensors";
  private static final Pattern STEP = Pattern.compile("step-\\d{1,18}");

  private CheckpointSampler() {}

  /** True when {@code path} looks like a checkpoint (holds state.json) or a run folder (holds checkpoints/ or step-N folders). */
  public static boolean isCheckpointOrRun(Path path) throws IOException {
    if (!Files.isDirectory(path)) return false;
    if (Files.isRegularFile(path.resolve(Checkpoints.STATE)) || Files.isDirectory(path.resolve("checkpoints"))) return true;
    try (Stream<Path> s = Files.list(path)) {
      return s.anyMatch(p -> Files.isDirectory(p) && STEP.matcher(p.getFileName().toString()).matches());
    }
  }

  /**
   * n images from the generator of the checkpoint (or the newest complete one of the run folder) that
   * {@code path} names, read from {@code weightsFile} (g.safetensors, or g_ema.safetensors).
   */
  public static ImageSet sample(Path path, String weightsFile, Backend backend, int n, long seed, int batchSize, PrintStream log)
      throws IOException {
    if (n < 1) throw new IllegalArgumentException("--samples must be at least 1, got " + n);
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    Checkpoints.Checkpoint c = Checkpoints.locate(path, log);
    GeneratorNet g = GanModels.generatorFrom(c, weightsFile, backend);
    float[] images;
    try {
      images = Samples.fromSeed(g, backend, n, seed, batchSize);
    } catch (ArithmeticException e) {
      throw new ArithmeticException(c.folder() + ": the generator produced NaN/Inf pixels (a diverged checkpoint?)");
    }
    Object model = c.config().get("model");
    return new ImageSet(images, n, "checkpoint " + c.folder() + " (" + model + ", step " + c.step() + ", seed " + seed
        + (weightsFile.equals(WEIGHTS) ? "" : ", " + weightsFile) + ")");
  }
}
