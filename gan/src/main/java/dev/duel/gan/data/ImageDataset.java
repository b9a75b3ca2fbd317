package dev.duel.gan.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Labelled images in memory, scaled to [−1, 1] (the range of a Tanh generator): x = b / 127.5 − 1 for a
 * pixel byte b, so 0 → −1 and 255 → 1 exactly.
 *
 * <p>Layout: {@code images} is N×C×H×W row-major (NCHW, C = 1 for IDX files), {@code labels} is N ints.
 */
public final class ImageDataset {
  /** Which half of an MNIST-format folder: the file prefix of the split. */
  public enum Split {
    TRAIN("train"), TEST("t10k");

    public final String prefix;

    Split(String prefix) { this.prefix = prefix; }
  }

  private static final float[] SCALE = new float[256];
  static {
    for (int b = 0; b < 256; b++) SCALE[b] = (float) (b / 127.5 - 1.0);
  }

  private final float[] images;
  private final int[] labels;
  private final int n, c, h, w, numClasses;

  /**
   * @param images N×C×H×W floats (not copied)
   * @param labels N labels ≥ 0 (not copied)
   */
  public ImageDataset(float[] images, int[] labels, int n, int c, int h, int w) {
    if (n < 0 || c < 1 || h < 1 || w < 1 || (long) n * c * h * w != images.length || labels.length != n)
      throw new IllegalArgumentException("ImageDataset: " + n + "×" + c + "×" + h + "×" + w + " needs " + (long) n * c * h * w
          + " floats and " + n + " labels, got " + images.length + " and " + labels.length);
    int max = -1;
    for (int i = 0; i < n; i++) {
      if (labels[i] < 0) throw new IllegalArgumentException("ImageDataset: label " + labels[i] + " at index " + i + " is negative");
      max = Math.max(max, labels[i]);
    }
    this.images = images;
    this.labels = labels;
    this.n = n; this.c = c; this.h = h; this.w = w;
    this.numClasses = max + 1;
  }

  /** Loads a pair of IDX files: images (N×H×W, or N×C×H×W) and labels (N). */
  public static ImageDataset fromIdx(Path imagesFile, Path labelsFile) throws IOException {
    IdxFile im = IdxFile.read(imagesFile);
    IdxFile lb = IdxFile.read(labelsFile);
    int[] d = im.dims();
    if (d.length != 3 && d.length != 4)
      throw new IdxFormatException(imagesFile, "expected images of N×rows×cols (idx3), found dims " + Arrays.toString(d));
    if (lb.ndim() != 1) throw new IdxFormatException(labelsFile, "expected labels of N (idx1), found dims " + Arrays.toString(lb.dims()));
    if (lb.count() != im.count())
      throw new IdxFormatException(labelsFile, lb.count() + " labels for the " + im.count() + " images of " + imagesFile.getFileName());
    int n = d[0], c = d.length == 4 ? d[1] : 1, h = d[d.length - 2], w = d[d.length - 1];
    byte[] px = im.data();
    float[] x = new float[px.length];
    for (int i = 0; i < px.length; i++) x[i] = SCALE[px[i] & 0xFF];
    byte[] lbytes = lb.data();
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = lbytes[i] & 0xFF;
    return new ImageDataset(x, y, n, c, h, w);
  }

  /**
   * Loads one split of an MNIST-format folder: {@code train-images-idx3-ubyte[.gz]} and
   * {@code train-labels-idx1-ubyte[.gz]}, or the {@code t10k-} pair (also the dotted names
   * {@code train-images.idx3-ubyte} that some mirrors use).
   */
  public static ImageDataset loadFolder(Path folder, Split split) throws IOException {
    if (!Files.isDirectory(folder))
      throw new NoSuchFileException(folder.toString(), null, "data folder not found (pass --data with a folder in MNIST format)");
    return fromIdx(find(folder, split.prefix + "-images", "idx3-ubyte"), find(folder, split.prefix + "-labels", "idx1-ubyte"));
  }

  /** The file of {@code stem}-{@code kind} in {@code folder}, raw or .gz; a clear error when none is there. */
  static Path find(Path folder, String stem, String kind) throws NoSuchFileException {
    List<String> names = List.of(stem + "-" + kind, stem + "-" + kind + ".gz", stem + "." + kind, stem + "." + kind + ".gz");
    for (String name : names) {
      Path p = folder.resolve(name);
      if (Files.isRegularFile(p)) return p;
    }
    throw new NoSuchFileException(folder.resolve(names.get(1)).toString(), null,
        "missing from data folder " + folder + " (looked for " + String.join(", ", names) + ")");
  }

  /** A dataset of the first {@code count} items (copies), e.g. for quick runs and tests. */
  public ImageDataset head(int count) {
    if (count < 0 || count > n) throw new IllegalArgumentException("head(" + count + ") of a dataset of " + n);
    int per = c * h * w;
    return new ImageDataset(Arrays.copyOf(images, count * per), Arrays.copyOf(labels, count), count, c, h, w);
  }

  /**
   * Gathers items {@code indices[0, count)} into out: outImages[i·C·H·W …] and outLabels[i] (outLabels may
   * be null). The batch is count×C×H×W.
   */
  public void gather(int[] indices, int count, float[] outImages, int[] outLabels) {
    int per = c * h * w;
    if (outImages.length < count * per) throw new IllegalArgumentException("gather: image buffer of " + outImages.length + " < " + count + "×" + per);
    for (int i = 0; i < count; i++) {
      int k = indices[i];
      System.arraycopy(images, k * per, outImages, i * per, per);
      if (outLabels != null) outLabels[i] = labels[k];
    }
  }

  /** Number of items N. */
  public int size() { return n; }

  public int channels() { return c; }

  public int height() { return h; }

  public int width() { return w; }

  /** C·H·W: floats per image. */
  public int imageSize() { return c * h * w; }

  /** Largest label + 1 (10 for Fashion-MNIST). */
  public int numClasses() { return numClasses; }

  /** All images, N×C×H×W in [−1, 1] (not a copy: do not modify). */
  public float[] images() { return images; }

  /** All labels (not a copy: do not modify). */
  public int[] labels() { return labels; }

  /** The pixel byte b as b / 127.5 − 1. */
  public static float scale(int b) { return SCALE[b & 0xFF]; }
}
