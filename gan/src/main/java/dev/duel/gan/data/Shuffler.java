package dev.duel.gan.data;

/**
 * Mini-batches of sample indices, reshuffled every epoch, with a cursor that can be saved and restored
 * exactly (for bit-identical resume).
 *
 * <p>Epoch e's order is a Fisher–Yates permutation of 0..n−1 drawn from
 * {@code SplitMix64(seed ⊕ mix(e + 1))}: for i = n−1 down to 1, j = nextInt(i + 1), swap(i, j).
 * It depends only on (seed, e), never on earlier epochs, so the cursor (epoch, position) is the whole
 * state. Batches never straddle two epochs: the last batch of an epoch is short, or skipped when
 * {@code dropLast} (the GAN default, so BatchNorm always sees full batches).
 */
public final class Shuffler {
  /** Where the next batch starts: epoch (from 0) and position in that epoch's permutation. */
  public record Cursor(long epoch, int position) {}

  private final int size, batchSize;
  private final boolean dropLast;
  private final long seed;
  private long epoch;
  private int position;
  private int[] order;

  /**
   * @param size      number of samples n ≥ 1
   * @param batchSize indices per batch, 1 ≤ batchSize (≤ n when dropLast)
   * @param dropLast  skip an epoch's last, short batch
   * @param seed      the run's seed
   */
  public Shuffler(int size, int batchSize, boolean dropLast, long seed) {
    if (size < 1) throw new IllegalArgumentException("Shuffler needs at least one sample, got " + size);
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    if (dropLast && batchSize > size)
      throw new IllegalArgumentException("batch size " + batchSize + " exceeds the " + size
          + " samples, so every batch would be dropped; use a smaller batch");
    this.size = size;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    this.seed = seed;
    this.order = permutation(0);
  }

  public int size() { return size; }

  public int batchSize() { return batchSize; }

  /** Batches in one epoch: ⌊n / b⌋ with dropLast, else ⌈n / b⌉. */
  public int batchesPerEpoch() {
    return dropLast ? size / batchSize : (size + batchSize - 1) / batchSize;
  }

  /** Epoch e's order of the sample indices (a fresh array). */
  public int[] permutation(long e) {
    int[] p = new int[size];
    for (int i = 0; i < size; i++) p[i] = i;
    SplitMix64 g = new SplitMix64(seed ^ SplitMix64.mix(e + 1));
    for (int i = size - 1; i > 0; i--) {
      int j = g.nextInt(i + 1);
      int t = p[i]; p[i] = p[j]; p[j] = t;
    }
    return p;
  }

  /**
   * Writes the next batch's indices to out[0, count) and returns count (batchSize, or fewer for the
   * last batch of an epoch without dropLast). Afterwards {@link #cursor()} names the epoch of this
   * batch and the position just past it.
   */
  public int next(int[] out) {
    if (out.length < batchSize) throw new IllegalArgumentException("index buffer of " + out.length + " is smaller than the batch size " + batchSize);
    int left = size - position;
    if (left == 0 || (dropLast && left < batchSize)) {
      epoch++;
      position = 0;
      order = permutation(epoch);
      left = size;
    }
    int count = Math.min(batchSize, left);
    System.arraycopy(order, position, out, 0, count);
    position += count;
    return count;
  }

  /** The current cursor; {@link #restore} of it continues with the identical batches. */
  public Cursor cursor() {
    return new Cursor(epoch, position);
  }

  /** Continues from {@code c}, as saved by {@link #cursor()} of a Shuffler with the same n, batch, dropLast and seed. */
  public void restore(Cursor c) {
    if (c.epoch() < 0 || c.position() < 0 || c.position() > size)
      throw new IllegalArgumentException("data cursor " + c + " does not fit a dataset of " + size
          + " samples (was the checkpoint made with another dataset?)");
    if (c.epoch() != epoch) order = permutation(c.epoch());
    epoch = c.epoch();
    position = c.position();
  }
}
