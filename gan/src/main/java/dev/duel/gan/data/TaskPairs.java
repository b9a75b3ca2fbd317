package dev.duel.gan.data;

import java.util.List;
import java.util.Locale;

/**
 * The pairs of an image-to-image task built from plain images with {@link PairedTransforms}: the target
 * is the image, the input its sketch (edges), its masked copy (inpaint), its low-resolution copy
 * (superres) or its noisy copy (denoise). Inpainting holes and denoising noise are drawn per sample from
 * SplitMix64(mix(draw ⊕ index·φ)), φ = 0x9E3779B97F4A7C15, so a sample's pair depends on (draw, index)
 * only ({@link PairedData}).
 */
public final class TaskPairs implements PairedData {
  /** The task names of {@code duel train --task}, besides folder:PATH. */
  public static final List<String> TASKS = List.of("edges", "inpaint", "superres", "denoise");
  private static final long PHI = 0x9E3779B97F4A7C15L;

  /**
   * A task's parameters: the Sobel threshold of edges, the hole side of inpaint (pixels), the
   * down-sampling factor of superres, the noise σ of denoise. Each task reads its own.
   */
  public record Params(float edgeThreshold, int maskSize, int scale, float noiseStd) {
    /** --edge-threshold 0.5, --mask-size 10, --scale 2, --noise-std 0.4. */
    public static final Params DEFAULT = new Params(0.5f, 10, 2, 0.4f);
  }

  private final ImageDataset images;
  private final String task, source;
  private final Params p;

  /** {@code source} names the images ("Fashion-MNIST train") in {@link #describe()}. */
  public TaskPairs(ImageDataset images, String task, Params p, String source) {
    if (!TASKS.contains(task)) {
      throw new IllegalArgumentException("--task '" + task + "' is not a task; choose one of " + String.join(", ", TASKS) + " or folder:PATH");
    }
    if (!(p.edgeThreshold() >= 0f && Float.isFinite(p.edgeThreshold())))
      throw new IllegalArgumentException("--edge-threshold must be a number >= 0, got " + p.edgeThreshold());
    if (p.maskSize() < 1) throw new IllegalArgumentException("--mask-size must be at least 1 pixel, got " + p.maskSize());
    if (p.scale() < 2 || p.scale() > Math.min(images.height(), images.width()))
      throw new IllegalArgumentException("--scale must be in [2, " + Math.min(images.height(), images.width()) + "], got " + p.scale());
    if (!(p.noiseStd() >= 0f && Float.isFinite(p.noiseStd())))
      throw new IllegalArgumentException("--noise-std must be a number >= 0, got " + p.noiseStd());
    if (task.equals("edges") && images.channels() != 1 && images.channels() != 3)
      throw new IllegalArgumentException("--task edges needs 1- or 3-channel images, the data has " + images.channels());
    this.images = images;
    this.task = task;
    this.p = p;
    this.source = source;
  }

  @Override
  public int size() { return images.size(); }

  @Override
  public int inputChannels() { return task.equals("edges") ? 1 : images.channels(); }

  @Override
  public int targetChannels() { return images.channels(); }

  @Override
  public int height() { return images.height(); }

  @Override
  public int width() { return images.width(); }

  @Override
  public String describe() {
    String params = switch (task) {
      case "edges" -> "Sobel threshold " + p.edgeThreshold();
      case "inpaint" -> p.maskSize() + "×" + p.maskSize() + " hole";
      case "superres" -> p.scale() + "× down-sampled";
      default -> String.format(Locale.ROOT, "noise σ %s", p.noiseStd());
    };
    return source + ", " + task + " (" + params + ")";
  }

  @Override
  public void gather(int[] indices, int count, long draw, float[] inputs, float[] targets) {
    int c = images.channels(), h = images.height(), w = images.width(), per = c * h * w;
    images.gather(indices, count, targets, null);
    float[] batch = count * per == targets.length ? targets : java.util.Arrays.copyOf(targets, count * per);
    switch (task) {
      case "edges" -> copy(PairedTransforms.edges(batch, count, c, h, w, p.edgeThreshold()).input(), inputs, count * h * w);
      case "superres" -> copy(PairedTransforms.superResolution(batch, count, c, h, w, p.scale()).input(), inputs, count * per);
      default -> {
        float[] one = new float[per];
        for (int i = 0; i < count; i++) {
          System.arraycopy(batch, i * per, one, 0, per);
          SplitMix64 rng = new SplitMix64(SplitMix64.mix(draw ^ (indices[i] * PHI)));
          PairedTransforms.Pair pair = task.equals("inpaint")
              ? PairedTransforms.inpaint(one, 1, c, h, w, p.maskSize(), rng)
              : PairedTransforms.denoise(one, 1, c, h, w, p.noiseStd(), rng);
          System.arraycopy(pair.input(), 0, inputs, i * per, per);
        }
      }
    }
  }

  private static void copy(float[] from, float[] to, int n) {
    System.arraycopy(from, 0, to, 0, n);
  }
}
