package dev.duel.gan.metrics;

/**
 * A set of 28×28 grayscale images to score, with where they came from.
 *
 * @param images      n×1×28×28 floats in [−1, 1], row-major (pixel byte b ↦ b/127.5 − 1)
 * @param count       n ≥ 1
 * @param description a human-readable origin, e.g. "IDX file samples.idx3-ubyte.gz"
 */
public record ImageSet(float[] images, int count, String description) {
  public static final int SIDE = 28, PIXELS = SIDE * SIDE;

  public ImageSet {
    if (count < 1) throw new IllegalArgumentException("an image set needs at least one image (" + description + ")");
    if ((long) count * PIXELS != images.length)
      throw new IllegalArgumentException(description + ": " + count + " images of 28×28 need " + (long) count * PIXELS
          + " floats, got " + images.length);
  }

  /** The first {@code n} images (this set when n ≥ count). */
  public ImageSet head(int n) {
    if (n >= count) return this;
    if (n < 1) throw new IllegalArgumentException("head(" + n + ") of an image set");
    return new ImageSet(java.util.Arrays.copyOf(images, n * PIXELS), n, description + " (first " + n + ")");
  }

  /** n images drawn without replacement with a seeded shuffle (this set when n ≥ count). */
  public ImageSet randomSubset(int n, long seed) {
    if (n >= count) return this;
    if (n < 1) throw new IllegalArgumentException("a subset of " + n + " images");
    int[] idx = Kid.choose(new dev.duel.gan.data.SplitMix64(seed), count, n);
    java.util.Arrays.sort(idx);
    float[] out = new float[n * PIXELS];
    for (int i = 0; i < n; i++) System.arraycopy(images, idx[i] * PIXELS, out, i * PIXELS, PIXELS);
    return new ImageSet(out, n, description + " (random " + n + ", seed " + seed + ")");
  }
}
