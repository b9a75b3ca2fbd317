package dev.duel.gan.train;

import dev.duel.gan.data.FashionMnist;
import dev.duel.gan.data.ImageDataset;
import dev.duel.gan.data.PairedData;
import dev.duel.gan.data.PairedFolder;
import dev.duel.gan.data.TaskPairs;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The pairs a pix2pix config trains or is scored on: --task edges|inpaint|superres|denoise builds them
 * from the images of --data (default: the shipped Fashion-MNIST) with the task's options
 * (--edge-threshold, --mask-size, --scale, --noise-std); --task folder:PATH reads a folder of paired PNGs.
 */
public final class TranslationData {
  private TranslationData() {}

  /** The task's parameters from a config. */
  public static TaskPairs.Params params(TrainConfig c) {
    return new TaskPairs.Params(c.edgeThreshold, c.maskSize, c.scale, c.noiseStd);
  }

  /**
   * One split's pairs. {@code dataOption}: the --data folder resolved against the working directory, or
   * null for the shipped Fashion-MNIST; {@code taskFolder}: the folder of --task folder:PATH resolved
   * (null: PATH as given). A folder's pairs keep the files' size and channels ({@link PairedFolder}).
   */
  public static PairedData load(TrainConfig c, Path dataOption, Path taskFolder, ImageDataset.Split split) throws IOException {
    if (c.taskFolder() != null) {
      Path root = taskFolder != null ? taskFolder : Path.of(c.taskFolder());
      return PairedFolder.read(PairedFolder.splitFolder(root, split), 0, 0, 0);
    }
    Path folder = FashionMnist.locate(dataOption);
    ImageDataset images = FashionMnist.loadFolder(folder, split);
    String source = (dataOption == null ? "Fashion-MNIST " : folder + " ") + (split == ImageDataset.Split.TRAIN ? "train" : "test");
    return new TaskPairs(images, c.task, params(c), source);
  }
}
