package dev.duel.gan.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A folder of paired PNGs in pix2pix's layout (facades, edges2shoes, maps …): each file holds the input on
 * its left half and the target on its right half, side by side, so its width is even and each half is
 * (width / 2) × height. The files read are those directly in the folder whose names end in .png (any
 * case), in name order; other files are ignored.
 *
 * <p>Refused, naming the file and the reason: a folder that does not exist, a folder with no .png file,
 * a file that is not a PNG or does not decode, an odd width, halves of a size different from the first
 * file's. Sizes come from each file's header before any pixel is decoded.
 *
 * <p>Each half goes through {@link ImageFit}: alpha over white, channels converted (1: luma; 3: gray
 * copied), resized to the model's height × width (area average when shrinking, bilinear when
 * enlarging), mapped to [−1, 1]. With channels = 0 the channels follow the data: 1 when every pixel of
 * every file is gray (R = G = B, which includes gray PNGs and Duel's own RGB-written grids), 3 otherwise.
 * With height = width = 0 the halves keep their own size.
 *
 * <p>Splits ({@link #splitFolder}): a folder with {@code train/} and {@code test/} (or {@code val/})
 * sub-folders, as pix2pix's datasets ship, reads each split from its sub-folder; a flat folder of PNGs is
 * the training split only, and has no test split.
 */
public final class PairedFolder {
  /** Most files read from one folder. */
  public static final int MAX_FILES = 1 << 18;

  private PairedFolder() {}

  /**
   * The pairs of one folder, as {@link PairedData} for the trainer (no randomness: {@code draw} is ignored).
   *
   * @param input       n×channels×height×width in [−1, 1], the left halves
   * @param target      n×channels×height×width in [−1, 1], the right halves
   * @param files       the files, in the order of the pairs
   */
  public record Pairs(float[] input, float[] target, int n, int channels, int height, int width, List<Path> files, String description)
      implements PairedData {
    /** As the paired transforms return them: the input keeps the target's channels. */
    public PairedTransforms.Pair pair() {
      return new PairedTransforms.Pair(input, channels, target);
    }

    /** Floats per image: channels·height·width. */
    public int imageSize() {
      return channels * height * width;
    }

    @Override
    public int size() { return n; }

    @Override
    public int inputChannels() { return channels; }

    @Override
    public int targetChannels() { return channels; }

    @Override
    public String describe() { return description; }

    @Override
    public void gather(int[] indices, int count, long draw, float[] inputs, float[] targets) {
      int per = imageSize();
      for (int i = 0; i < count; i++) {
        int k = indices[i];
        if (k < 0 || k >= n) throw new IndexOutOfBoundsException("pair " + k + " of " + n + " (" + description + ")");
        System.arraycopy(input, k * per, inputs, i * per, per);
        System.arraycopy(target, k * per, targets, i * per, per);
      }
    }
  }

  /**
   * Reads every pair of {@code folder}, each half fitted to channels × height × width (channels 0: from
   * the data; height = width = 0: the halves' own size).
   */
  public static Pairs read(Path folder, int channels, int height, int width) throws IOException {
    if (channels != 0 && channels != 1 && channels != 3) throw new IllegalArgumentException("paired folder: channels must be 0 (from the data), 1 or 3, got " + channels);
    if (height < 0 || width < 0 || (height == 0) != (width == 0))
      throw new IllegalArgumentException("paired folder: size " + height + "×" + width + " (give both, or 0×0 for the files' own size)");
    List<Path> files = list(folder);
    int halfW = 0, h = 0;
    for (Path f : files) {
      PngDecoder.Header hd = PngDecoder.header(f);
      if (hd.width() % 2 != 0)
        throw new IOException(f + ": width " + hd.width() + " is odd; a pix2pix pair is input | target side by side, two halves of equal width");
      if (halfW == 0) {
        halfW = hd.width() / 2;
        h = hd.height();
      } else if (hd.width() / 2 != halfW || hd.height() != h) {
        throw new IOException(f + ": halves of " + hd.width() / 2 + "×" + hd.height() + " (width×height), but " + files.get(0).getFileName()
            + " has halves of " + halfW + "×" + h + "; every pair in a folder must have the same size");
      }
    }
    int oh = height == 0 ? h : height, ow = width == 0 ? halfW : width;
    boolean allGray = true;   // a first decoding pass when the channels follow the data; pixels are not kept
    for (int i = 0; channels == 0 && allGray && i < files.size(); i++) allGray = isGray(PngDecoder.read(files.get(i)));
    int c = channels != 0 ? channels : allGray ? 1 : 3;
    long per = (long) c * oh * ow;
    if (per * files.size() > Integer.MAX_VALUE - 16)
      throw new IOException(folder + ": " + files.size() + " pairs of " + c + "×" + oh + "×" + ow + " do not fit in memory as one array; use fewer files or a smaller size");
    float[] in = new float[(int) per * files.size()], tg = new float[(int) per * files.size()];
    for (int i = 0; i < files.size(); i++) {
      PngDecoder.Image img = PngDecoder.read(files.get(i));
      if (img.width() / 2 != halfW || img.height() != h) throw new IOException(files.get(i) + ": changed while it was being read");
      System.arraycopy(ImageFit.fit(img, 0, halfW, c, oh, ow), 0, in, (int) (i * per), (int) per);
      System.arraycopy(ImageFit.fit(img, halfW, halfW, c, oh, ow), 0, tg, (int) (i * per), (int) per);
    }
    return new Pairs(in, tg, files.size(), c, oh, ow, List.copyOf(files),
        "paired folder " + folder + " (" + files.size() + " pairs, halves " + halfW + "×" + h + " fitted to " + c + "×" + oh + "×" + ow + ")");
  }

  /**
   * The folder holding one split of a paired dataset {@code root}: root/train for TRAIN, root/test (else
   * root/val) for TEST; a root with no train/ sub-folder is itself the training split and has no test split.
   */
  public static Path splitFolder(Path root, ImageDataset.Split split) throws IOException {
    if (!Files.isDirectory(root)) throw new NoSuchFileException(root.toString(), null, "paired PNG folder not found");
    boolean nested = Files.isDirectory(root.resolve("train"));
    if (split == ImageDataset.Split.TRAIN) return nested ? root.resolve("train") : root;
    for (String name : new String[] {"test", "val"}) if (Files.isDirectory(root.resolve(name))) return root.resolve(name);
    throw new NoSuchFileException(root.resolve("test").toString(), null,
        "the paired folder has no test/ or val/ sub-folder; put held-out pairs there (and the training pairs in train/)");
  }

  /** The .png files directly in {@code folder}, in name order; refuses a missing or PNG-less folder. */
  static List<Path> list(Path folder) throws IOException {
    return PngFiles.in(folder, "paired PNG folder", MAX_FILES, "use a subset", " (a paired folder holds input | target PNGs)");
  }


  /** True when every pixel has R = G = B (or the picture is a gray PNG). */
  static boolean isGray(PngDecoder.Image img) {
    if (img.isGray()) return true;
    int n = img.width() * img.height();
    float[] p = img.planes();
    for (int i = 0; i < n; i++) if (p[i] != p[n + i] || p[i] != p[2 * n + i]) return false;
    return true;
  }
}
