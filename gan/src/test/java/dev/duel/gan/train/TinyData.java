package dev.duel.gan.train;

import dev.duel.gan.data.FashionMnist;
import dev.duel.gan.data.IdxWriter;
import dev.duel.gan.data.ImageDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test data: the first 512 images of the shipped Fashion-MNIST test split, in memory and as an
 * MNIST-format folder (for the CLI and the subprocess of the kill test). Loaded once per JVM.
 */
public final class TinyData {
  public static final int SIZE = 512;
  private static ImageDataset data;
  private static Path folder;

  private TinyData() {}

  public static synchronized ImageDataset dataset() {
    if (data == null) {
      try {
        data = FashionMnist.load(null, ImageDataset.Split.TEST).head(SIZE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return data;
  }

  /** A folder holding train-images-idx3-ubyte and train-labels-idx1-ubyte of {@link #dataset()}. */
  public static synchronized Path folder() {
    if (folder == null) {
      try {
        Path f = Files.createTempDirectory("duel-tiny-data");
        ImageDataset d = dataset();
        IdxWriter.writeImages(f.resolve("train-images-idx3-ubyte"), d.images(), d.size(), 28, 28);
        IdxWriter.writeLabels(f.resolve("train-labels-idx1-ubyte"), d.labels());
        f.toFile().deleteOnExit();
        folder = f;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return folder;
  }

  /** A small, fast config: mlp of width 4 on batches of 8, 6 steps per epoch, 2 epochs. */
  public static TrainConfig smallMlp() {
    TrainConfig c = new TrainConfig();
    c.model = "mlp";
    c.width = 4;
    c.latent = 8;
    c.batch = 8;
    c.limit = 6;
    c.epochs = 2;
    c.checkpointEvery = 4;
    c.keepCheckpoints = 10;
    return c;
  }
}
