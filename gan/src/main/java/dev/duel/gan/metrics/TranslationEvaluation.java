package dev.duel.gan.metrics;

import dev.duel.engine.Backend;
import dev.duel.gan.data.ImageDataset;
import dev.duel.gan.data.PairedData;
import dev.duel.gan.data.PairedFolder;
import dev.duel.gan.models.UNet;
import dev.duel.gan.train.Checkpoints;
import dev.duel.gan.train.PairedSamples;
import dev.duel.gan.train.TrainConfig;
import dev.duel.gan.train.TranslationData;
import dev.duel.gan.train.TranslationModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code duel eval} of an image-to-image (pix2pix) checkpoint: its G translates the first n pairs of the
 * test split of its task (the task's randomness, an inpainting hole or denoising noise, drawn from
 * {@code seed}, so every evaluation sees the same pairs), and the outputs are scored against their
 * targets with {@link PairMetrics} (L1, PSNR, SSIM on [0, 1]) and, when they are 28×28 grayscale (the
 * shipped classifier's input), as a sample set with the {@link Evaluator} (FID, KID, precision/recall …)
 * against the reference set.
 */
public final class TranslationEvaluation {
  private TranslationEvaluation() {}

  /**
   * What one evaluation gives.
   *
   * @param generation the Evaluator's report of the outputs, or null when they are not 28×28 gray
   */
  public record Result(String checkpoint, String pairs, String task, int count, int channels, int height, int width,
                       PairMetrics.Scores scores, Evaluator.Report generation, double translateSeconds) {
    public Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", "translation");
      m.put("checkpoint", checkpoint);
      m.put("pairs", pairs);
      m.put("task", task);
      m.put("pair_count", count);
      m.put("output_shape", new int[] {channels, height, width});
      m.put("metric_range", "[0, 1] (pixels x in [-1, 1] mapped to (x + 1) / 2)");
      m.put("l1", scores.l1());
      m.put("psnr_db", scores.psnr());
      m.put("ssim", scores.ssim());
      m.put("translate_seconds", translateSeconds);
      if (generation != null) m.putAll(generation.toJson());
      else m.put("fid", null);
      return m;
    }

    public String table() {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format("checkpoint: %s%n", checkpoint));
      sb.append(String.format("pairs:      %s, the first %d (%d×%d×%d outputs)%n%n", pairs, count, channels, height, width));
      sb.append(String.format("%-24s %-24s %s%n", "metric", "value", "better"));
      sb.append(String.format("%-24s %-24s %s%n", "L1 (on [0, 1])", String.format("%.5f", scores.l1()), "lower"));
      sb.append(String.format("%-24s %-24s %s%n", "PSNR (dB, peak 1)", String.format("%.3f", scores.psnr()), "higher"));
      sb.append(String.format("%-24s %-24s %s%n", "SSIM (11×11, σ 1.5)", String.format("%.4f", scores.ssim()), "higher (max 1)"));
      if (generation == null) {
        sb.append(String.format("%nFID etc.: not computed; the shipped classifier scores 28×28 grayscale images, these outputs are %d×%d×%d%n",
            channels, height, width));
      } else {
        sb.append(String.format("%nthe outputs as a sample set:%n")).append(generation.table());
      }
      return sb.toString();
    }
  }

  /** Whether {@code c} was trained by the image-to-image trainer. */
  public static boolean isTranslation(Checkpoints.Checkpoint c) {
    return "pix2pix".equals(c.config().get("model"));
  }

  /**
   * Evaluates checkpoint {@code c} ({@code weightsFile}: g.safetensors or g_ema.safetensors) on at most
   * {@code maxPairs} test pairs. {@code data}: the --data folder for Fashion-MNIST tasks (null: shipped);
   * {@code taskFolder}: the folder of a --task folder:PATH run resolved (null: PATH as saved), whose test/
   * (or val/) pairs are fitted to G's channels and size; {@code evaluatorFor}: builds the Evaluator, on
   * demand, for 28×28 gray outputs.
   */
  public static Result evaluate(Checkpoints.Checkpoint c, String weightsFile, Backend backend, Path data, Path taskFolder, int maxPairs, long seed,
                                int batch, EvaluatorFactory evaluatorFor) throws IOException {
    if (maxPairs < 1) throw new IllegalArgumentException("--samples must be at least 1, got " + maxPairs);
    TrainConfig cfg = TrainConfig.fromSaved(c.config(), c.folder().resolve(Checkpoints.STATE).toString()).validate();
    UNet g = TranslationModels.generatorFrom(c, weightsFile, backend);
    PairedData test = cfg.taskFolder() == null ? TranslationData.load(cfg, data, null, ImageDataset.Split.TEST)
        : PairedFolder.read(PairedFolder.splitFolder(taskFolder != null ? taskFolder : Path.of(cfg.taskFolder()), ImageDataset.Split.TEST),
            g.outChannels(), g.height(), g.width());
    if (test.inputChannels() != g.inChannels() || test.targetChannels() != g.outChannels() || test.height() != g.height() || test.width() != g.width())
      throw new IllegalArgumentException(test.describe() + " has pairs " + test.inputChannels() + "×" + test.height() + "×" + test.width() + " → "
          + test.targetChannels() + "×…, but " + c.folder() + "'s G maps " + g.inChannels() + "×" + g.height() + "×" + g.width() + " → "
          + g.outChannels() + "×…");
    int n = Math.min(maxPairs, test.size());
    int h = test.height(), w = test.width(), cout = test.targetChannels();
    float[] in = new float[n * test.inputChannels() * h * w], target = new float[n * cout * h * w];
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) idx[i] = i;
    test.gather(idx, n, seed, in, target);
    long t0 = System.nanoTime();
    float[] out;
    try {
      out = PairedSamples.translate(g, backend, in, n, batch);
    } catch (ArithmeticException e) {
      throw new ArithmeticException(c.folder() + ": " + e.getMessage());
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    PairMetrics.Scores scores = PairMetrics.of(out, target, n, cout, h, w);
    String name = "checkpoint " + c.folder() + " (pix2pix" + (cfg.l1Only ? ", L1 only" : "") + ", step " + c.step()
        + (weightsFile.equals(CheckpointSampler.WEIGHTS) ? "" : ", " + weightsFile) + ")";
    Evaluator.Report generation = null;
    if (cout == 1 && h == ImageSet.SIDE && w == ImageSet.SIDE) {
      generation = evaluatorFor.create().evaluate(new ImageSet(out, n, "outputs of " + name + " on " + n + " test pairs"));
    }
    return new Result(name, test.describe(), cfg.task, n, cout, h, w, scores, generation, seconds);
  }

  /** Builds the Evaluator (its reference features) only when the outputs can be scored by it. */
  @FunctionalInterface
  public interface EvaluatorFactory {
    Evaluator create() throws IOException;
  }
}
