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
  private final int[] indices;
  private final float[] pixels;
  private final boolean unitInterval;

  public BatchSource(ImageDataset data, int batch, long seed) {
    this(data, batch, seed, false);
  }

  /**
   * unitInterval: hand out images on [0, 1], x' = (x + 1)/2, for a G with a Sigmoid output
   * ({@code GeneratorNet.outputsUnitInterval()}), so that D sees real and fake images on one range.
   */
  public BatchSource(ImageDataset data, int batch, long seed, boolean unitInterval) {
    this.unitInterval = unitInterval;
    this.data = data;
    this.shuffler = new Shuffler(data.size(), batch, true, seed); // full batches only: BatchNorm sees batch statistics
    this.indices = new int[batch];
    this.pixels = new float[batch * data.imageSize()];
  }

  /** The next batch; the tensor belongs to the caller's MemoryScope. */
  public Batch next(Backend backend) {
    int n = shuffler.next(indices);
    int[] labels = new int[n];
    data.gather(indices, n, pixels, labels);
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
