package dev.duel.gan.metrics;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads a folder of PNG files (the ones directly in it whose names end in .png, in name order) as
 * 28×28 grayscale images for scoring. Each file's size is read from its header before any pixel is
 * decoded, and anything but 28×28 is refused naming the file. Grayscale PNGs (1 to 16 bits) give their
 * gray level scaled to [−1, 1]; RGB and palette PNGs are accepted when every pixel is gray (R = G = B, as
 * Duel's own image writers produce) and refused otherwise; alpha is ignored.
 */
public final class PngFolder {
  /** Most files read from one folder. */
  public static final int MAX_FILES = 1 << 20;

  static {
    if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    ImageIO.setUseCache(false);
  }

  private PngFolder() {}

  public static ImageSet read(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) throw new NoSuchFileException(folder.toString(), null, "PNG folder not found");
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(folder)) {
      Iterator<Path> it = s.iterator();
      while (it.hasNext()) {
        Path p = it.next();
        if (p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png") && Files.isRegularFile(p)) {
          if (files.size() == MAX_FILES) throw new IOException(folder + ": more than " + MAX_FILES + " PNG files; score a subset");
          files.add(p);
        }
      }
    }
    if (files.isEmpty()) throw new NoSuchFileException(folder.toString(), null, "no .png files in this folder");
    files.sort(null);
    float[] images = new float[files.size() * ImageSet.PIXELS];
    for (int i = 0; i < files.size(); i++) readInto(files.get(i), images, i * ImageSet.PIXELS);
    return new ImageSet(images, files.size(), "PNG folder " + folder + " (" + files.size() + " files)");
  }

  /** Decodes one 28×28 PNG into out[off, off + 784) as floats in [−1, 1]. */
  static void readInto(Path file, float[] out, int off) throws IOException {
    BufferedImage img;
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) throw new IOException(file + ": cannot be opened");
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      ImageReader reader = null;
      while (readers.hasNext()) {
        ImageReader r = readers.next();
        if ("png".equalsIgnoreCase(r.getFormatName())) { reader = r; break; }
      }
      if (reader == null) throw new IOException(file + ": not a PNG file (its bytes are not a PNG signature)");
      try {
        reader.setInput(in, true, true);
        int w = reader.getWidth(0), h = reader.getHeight(0);
        if (w != ImageSet.SIDE || h != ImageSet.SIDE) {
          throw new IOException(file + ": the image is " + w + "×" + h + ", duel eval scores 28×28 grayscale images"
              + " (resize or crop them to 28×28 first)");
        }
        img = reader.read(0);
      } catch (javax.imageio.IIOException e) {
        throw new IOException(file + ": corrupt PNG (" + e.getMessage() + ")", e);
      } catch (RuntimeException e) {
        // The JDK's PNG decoder lets some malformed chunks escape as unchecked exceptions
        // (IllegalArgumentException, ArrayIndexOutOfBounds...): still a corrupt file, not a bug here.
        throw new IOException(file + ": corrupt PNG (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
      } finally {
        reader.dispose();
      }
    }
    Raster raster = img.getRaster();
    boolean gray = img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
        && !(img.getColorModel() instanceof IndexColorModel);
    if (gray) {
      // The raw samples: getRGB would pass them through a gamma conversion.
      double max = (1 << img.getColorModel().getComponentSize(0)) - 1;
      for (int y = 0; y < ImageSet.SIDE; y++)
        for (int x = 0; x < ImageSet.SIDE; x++)
          out[off + y * ImageSet.SIDE + x] = (float) (raster.getSample(x, y, 0) / max * 2 - 1);
      return;
    }
    for (int y = 0; y < ImageSet.SIDE; y++) {
      for (int x = 0; x < ImageSet.SIDE; x++) {
        int rgb = img.getRGB(x, y), r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
        if (r != g || g != b) {
          throw new IOException(file + ": pixel (" + x + ", " + y + ") has colour (R, G, B) = (" + r + ", " + g + ", " + b
              + "); duel eval scores grayscale images (convert it to grayscale first)");
        }
        out[off + y * ImageSet.SIDE + x] = (float) (r / 127.5 - 1.0);
      }
    }
  }
}
