package dev.duel.gan.metrics;

import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.CganMlp;
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
 * labels 0, 1, …, 9, 0, 1, … (balanced classes, as {@code duel sample} gives by default).
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
    int latent = g.latentDim();
    float[] noise;
    try (MemoryScope scope = MemoryScope.open()) {
      noise = new Generator(seed).normal(Devices.cpu(), 0f, 1f, n, latent).toArray();
    }
    boolean conditional = g instanceof CganMlp.G;
    float[] images = new float[n * ImageSet.PIXELS];
    for (int start = 0; start < n; start += batchSize) {
      int b = Math.min(batchSize, n - start);
      int[] labels = null;
      if (conditional) {
        labels = new int[b];
        for (int i = 0; i < b; i++) labels[i] = (start + i) % CganMlp.CLASSES;
      }
      float[] x;
      try (MemoryScope scope = MemoryScope.open()) {
        Tensor z = Tensor.of(backend, java.util.Arrays.copyOfRange(noise, start * latent, (start + b) * latent), b, latent);
        x = Samples.generate(g, z, labels);
      }
      if (x.length != b * ImageSet.PIXELS)
        throw new IllegalStateException("the generator made " + x.length + " values for " + b + " images of 28×28");
      for (float v : x) {
        if (!Float.isFinite(v)) throw new ArithmeticException(c.folder() + ": the generator produced NaN/Inf pixels (a diverged checkpoint?)");
      }
      System.arraycopy(x, 0, images, start * ImageSet.PIXELS, x.length);
    }
    Object model = c.config().get("model");
    return new ImageSet(images, n, "checkpoint " + c.folder() + " (" + model + ", step " + c.step() + ", seed " + seed
        + (weightsFile.equals(WEIGHTS) ? "" : ", " + weightsFile) + ")");
  }
}
