package dev.duel.gan.train;

import dev.duel.engine.Backend;
import dev.duel.engine.Tensor;
import dev.duel.gan.data.ImageDataset;
import dev.duel.gan.data.Shuffler;

/**
 * Mini-batches of real images for the trainer: the {@link Shuffler}'s order (reshuffled each pass, from
 * the run's seed) gathered from the in-memory data set and uploaded to the device. The Shuffler's cursor
 * is the whole state of the data stream: saved in checkpoints, restored on resume.
 */
public final class BatchSource {
  /** A batch: images N×C×H×W in [−1, 1] (or [0, 1], see the constructor) on the device, and their labels. */
  public record Batch(Tensor images, int[] labels) {}

  private final ImageDataset data;
  private final Shuffler shuffler;
  private final int[] indices, rows;
  private final int shard;
  private final int[] ranks;
  private final float[] pixels;
  private final boolean unitInterval;

  public BatchSource(ImageDataset data, int batch, long seed) {
    this(data, batch, seed, 1, new int[] {0}, false);
  }

  /**
   * unitInterval: hand out images on [0, 1], x' = (x + 1)/2, for a G with a Sigmoid output
   * ({@code GeneratorNet.outputsUnitInterval()}), so that D sees real and fake images on one range.
   */
  public BatchSource(ImageDataset data, int batch, long seed, boolean unitInterval) {
    this(data, batch, seed, 1, new int[] {0}, unitInterval);
  }

  /**
   * A data-parallel source: the global batch {@code batch} of the shared permutation is cut into {@code world}
   * shards of batch/world rows, and this source yields the shards of {@code ranks}, in rank order (one rank's
   * in a data-parallel process; all of them, i.e. the whole global batch, in a simulated one). Every rank's
   * Shuffler runs the same global cursor, so the cursor saved by rank 0 restores every rank.
   */
  public BatchSource(ImageDataset data, int batch, long seed, int world, int[] ranks) {
    this(data, batch, seed, world, ranks, false);
  }

  /** The data-parallel source of {@code ranks} with images on [0, 1] when {@code unitInterval} (see above). */
  public BatchSource(ImageDataset data, int batch, long seed, int world, int[] ranks, boolean unitInterval) {
    this.unitInterval = unitInterval;
    this.data = data;
    this.shuffler = new Shuffler(data.size(), batch, true, seed); // full batches only: BatchNorm sees batch statistics
    this.indices = new int[batch];
    this.shard = batch / world;
    this.ranks = ranks.clone();
    this.rows = new int[shard * ranks.length];
    this.pixels = new float[rows.length * data.imageSize()];
  }

  /** The next batch (this process's shards of the next global batch); the tensor belongs to the caller's MemoryScope. */
  public Batch next(Backend backend) {
    shuffler.next(indices);                                       // always a full global batch (dropLast)
    int n = 0;
    for (int r : ranks) for (int i = 0; i < shard; i++) rows[n++] = indices[r * shard + i];
    int[] labels = new int[n];
    data.gather(rows, n, pixels, labels);
    if (unitInterval) for (int i = 0; i < n * data.imageSize(); i++) pixels[i] = 0.5f * (pixels[i] + 1f);
    return new Batch(Tensor.of(backend, pixels, n, data.channels(), data.height(), data.width()), labels);
  }

  /** Full batches per pass over the data. */
  public int batchesPerPass() {
    return shuffler.batchesPerEpoch();
  }

  public Shuffler.Cursor cursor() {
    return shuffler.cursor();
  }

  public void restore(Shuffler.Cursor c) {
    shuffler.restore(c);
  }
}
