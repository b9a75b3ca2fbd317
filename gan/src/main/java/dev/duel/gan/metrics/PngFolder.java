package dev.duel.gan.metrics;

import dev.duel.gan.data.PngDecoder;
import dev.duel.gan.data.PngFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a folder of PNG files (the ones directly in it whose names end in .png, in name order) as
 * 28×28 grayscale images for scoring. Each file's size is read from its header before any pixel is
 * decoded, and anything but 28×28 is refused naming the file. Grayscale PNGs (1 to 16 bits) give their
 * gray level v / (2^depth − 1) scaled to [−1, 1]; RGB and palette PNGs are accepted when every pixel is gray
 * (R = G = B, as Duel's own image writers produce) and refused otherwise; alpha is ignored. Decoded by
 * {@link PngDecoder} (java.base alone), so it also runs in the GPU kit's runtime, which has no javax.imageio.
 */
public final class PngFolder {
  /** Most files read from one folder. */
  public static final int MAX_FILES = 1 << 20;

  private PngFolder() {}

  public static ImageSet read(Path folder) throws IOException {
    List<Path> files = PngFiles.in(folder, "PNG folder", MAX_FILES, "score a subset", "");
    float[] images = new float[files.size() * ImageSet.PIXELS];
    for (int i = 0; i < files.size(); i++) readInto(files.get(i), images, i * ImageSet.PIXELS);
    return new ImageSet(images, files.size(), "PNG folder " + folder + " (" + files.size() + " files)");
  }

  /** Decodes one 28×28 PNG into out[off, off + 784) as floats in [−1, 1]. */
  static void readInto(Path file, float[] out, int off) throws IOException {
    PngDecoder.Header h = PngDecoder.header(file);
    if (h.width() != ImageSet.SIDE || h.height() != ImageSet.SIDE) {
      throw new IOException(file + ": the image is " + h.width() + "×" + h.height() + ", duel eval scores 28×28 grayscale images"
          + " (resize or crop them to 28×28 first)");
    }
    PngDecoder.Image img = PngDecoder.read(file);
    if (img.width() != ImageSet.SIDE || img.height() != ImageSet.SIDE) throw new IOException(file + ": changed while it was being read");
    float[] p = img.planes();
    int n = ImageSet.PIXELS;
    for (int i = 0; i < n; i++) {
      if (!img.isGray() && (p[i] != p[n + i] || p[n + i] != p[2 * n + i])) {
        throw new IOException(file + ": pixel (" + i % ImageSet.SIDE + ", " + i / ImageSet.SIDE + ") has colour (R, G, B) = ("
            + level(p[i]) + ", " + level(p[n + i]) + ", " + level(p[2 * n + i]) + "); duel eval scores grayscale images (convert it to grayscale first)");
      }
      out[off + i] = p[i] * 2f - 1f;               // v ∈ [0, 1] ↦ 2v − 1: b/127.5 − 1 for 8-bit samples
    }
  }

  /** A sample in [0, 1] as the 0…255 level it is shown as. */
  private static long level(float v) {
    return Math.round(v * 255.0);
  }
}
