package dev.duel.gan.metrics;

import dev.duel.gan.data.ImageDataset;
import dev.duel.gan.data.SplitMix64;
import java.util.ArrayList;
import java.util.List;

/**
 * The image sets of docs/evaluation.md's calibration table, built from the Fashion-MNIST train split so
 * that each metric has a scale: the real-data floor, degraded real images, and the failure modes a GAN
 * shows (noise, collapse onto one image, dropped classes). Each set has {@code n} images.
 */
public final class CalibrationSets {
  private CalibrationSets() {}

  /** One named set and what it shows. */
  public record Named(String name, String what, ImageSet images) {}

  /** The sets, in table order. */
  public static List<Named> build(ImageDataset train, int n, long seed) {
    if (train.size() < n) throw new IllegalArgumentException("calibration needs " + n + " training images, the split has " + train.size());
    int per = ImageSet.PIXELS;
    List<Named> out = new ArrayList<>();
    float[] first = java.util.Arrays.copyOf(train.images(), n * per);
    out.add(new Named("train", "the first " + n + " training images (the floor: real vs real)", new ImageSet(first, n, "train[0:" + n + ")")));
    int small = Math.max(n / 5, 2);
    out.add(new Named("train-" + small, "the first " + small + " training images (the floor at a smaller n: FID's bias)",
        new ImageSet(java.util.Arrays.copyOf(first, small * per), small, "train[0:" + small + ")")));

    float[] noisy = first.clone();
    SplitMix64 g = new SplitMix64(seed);
    for (int i = 0; i < noisy.length; i++) noisy[i] = (float) Math.max(-1, Math.min(1, noisy[i] + 0.2 * g.nextGaussian()));
    out.add(new Named("train+noise", "the same images plus N(0, 0.2²) pixel noise, clipped to [−1, 1]", new ImageSet(noisy, n, "train + noise")));

    float[] blurred = new float[first.length];
    for (int i = 0; i < n; i++) blur2x(first, blurred, i * per);
    out.add(new Named("train-blur", "the same images averaged over 2×2 blocks (14×14 detail, upsampled)", new ImageSet(blurred, n, "train, 2×2 blur")));

    List<Integer> keep = new ArrayList<>();
    for (int i = 0; i < train.size() && keep.size() < n; i++) if (train.labels()[i] < 5) keep.add(i);
    float[] half = new float[keep.size() * per];
    for (int i = 0; i < keep.size(); i++) System.arraycopy(train.images(), keep.get(i) * per, half, i * per, per);
    out.add(new Named("5-classes", "training images of classes 0–4 only (half the modes dropped)", new ImageSet(half, keep.size(), "train, classes 0-4")));

    float[] same = new float[n * per];
    for (int i = 0; i < n; i++) System.arraycopy(first, 0, same, i * per, per);
    out.add(new Named("one-image", "training image 0 repeated " + n + " times (total collapse)", new ImageSet(same, n, "train[0] x " + n)));

    float[] noise = new float[n * per];
    SplitMix64 u = new SplitMix64(seed + 1);
    for (int i = 0; i < noise.length; i++) noise[i] = (float) (2 * u.nextDouble() - 1);
    out.add(new Named("uniform-noise", "pixels i.i.d. uniform in [−1, 1] (no image at all)", new ImageSet(noise, n, "uniform noise")));
    return out;
  }

  /** Each 2×2 block of a 28×28 image replaced by its mean. */
  static void blur2x(float[] in, float[] out, int off) {
    for (int y = 0; y < 28; y += 2) {
      for (int x = 0; x < 28; x += 2) {
        int p = off + y * 28 + x;
        float m = (in[p] + in[p + 1] + in[p + 28] + in[p + 29]) / 4;
        out[p] = out[p + 1] = out[p + 28] = out[p + 29] = m;
      }
    }
  }
}
