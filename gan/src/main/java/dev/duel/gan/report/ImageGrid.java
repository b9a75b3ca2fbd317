package dev.duel.gan.report;

import dev.duel.nn.state.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A grid of images as one picture, like torchvision's make_grid: rows × cols cells of H×W images (each
 * pixel drawn as a scale × scale block), separated and framed by {@link #PADDING} pixels of gray.
 *
 * <p>Input: N×C×H×W floats in [−1, 1], C = 1 (grayscale) or 3 (RGB), N ≤ rows·cols, filled row by
 * row; empty cells stay gray. Pixel byte = round((x + 1)·127.5) clamped to [0, 255]; a NaN pixel is
 * drawn pure red so a diverged model is visible at a glance. Written by {@link PngEncoder}: no AWT, so grids
 * are drawn in runtimes without java.desktop too.
 */
public final class ImageGrid {

  /** Gap between cells and around the grid, in output pixels. */
  public static final int PADDING = 2;
  /** RGB of the gaps: mid gray, visible against both black and white backgrounds. */
  public static final int PAD_RGB = 0x808080;
  /** RGB of a NaN pixel. */
  public static final int NAN_RGB = 0xFF0000;

  private ImageGrid() {}

  /** Draws the grid; the picture is (cols·W·scale + (cols+1)·PADDING) × (rows·H·scale + (rows+1)·PADDING). */
  public static RgbImage render(float[] images, int c, int h, int w, int rows, int cols, int scale) {
    if ((c != 1 && c != 3) || h < 1 || w < 1 || rows < 1 || cols < 1 || scale < 1)
      throw new IllegalArgumentException("ImageGrid: needs C in {1, 3} and positive H, W, rows, cols, scale; got C=" + c
          + " H=" + h + " W=" + w + " rows=" + rows + " cols=" + cols + " scale=" + scale);
    int per = c * h * w;
    if (images.length % per != 0)
      throw new IllegalArgumentException("ImageGrid: " + images.length + " floats is not a whole number of " + c + "×" + h + "×" + w + " images");
    int n = images.length / per;
    if (n > rows * cols) throw new IllegalArgumentException("ImageGrid: " + n + " images do not fit " + rows + "×" + cols + " cells");
    long width = (long) cols * w * scale + (cols + 1L) * PADDING, height = (long) rows * h * scale + (rows + 1L) * PADDING;
    if (width * height > 1L << 28) throw new IllegalArgumentException("ImageGrid: a " + width + "×" + height + " picture is too large");
    int[] px = new int[(int) (width * height)];
    java.util.Arrays.fill(px, PAD_RGB);
    for (int i = 0; i < n; i++) {
      int x0 = PADDING + (i % cols) * (w * scale + PADDING), y0 = PADDING + (i / cols) * (h * scale + PADDING);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int rgb = c == 1 ? gray(images[i * per + y * w + x])
              : rgb(images[i * per + y * w + x], images[i * per + h * w + y * w + x], images[i * per + 2 * h * w + y * w + x]);
          for (int sy = 0; sy < scale; sy++) {
            int at = (int) ((y0 + y * scale + sy) * width) + x0 + x * scale;
            java.util.Arrays.fill(px, at, at + scale, rgb);
          }
        }
      }
    }
    return new RgbImage((int) width, (int) height, px);
  }

  /** Draws the grid and writes it to {@code png} atomically. */
  public static void write(Path png, float[] images, int c, int h, int w, int rows, int cols, int scale) throws IOException {
    RgbImage image = render(images, c, h, w, rows, cols, scale);
    AtomicFiles.writeStream(png, out -> PngEncoder.write(image, out));
  }

  /** Columns of a near-square grid for n images: ⌈√n⌉. */
  public static int columnsFor(int n) {
    int c = (int) Math.ceil(Math.sqrt(Math.max(n, 1)));
    while ((long) c * c < n) c++;
    return c;
  }

  /** The byte of x ∈ [−1, 1]: round((x + 1)·127.5) clamped to [0, 255]; −1 for NaN. */
  static int toByte(float x) {
    if (x != x) return -1;
    long v = Math.round((x + 1.0) * 127.5);
    return (int) Math.max(0, Math.min(255, v));
  }

  private static int gray(float x) {
    int b = toByte(x);
    return b < 0 ? NAN_RGB : (b << 16) | (b << 8) | b;
  }

  /** 0xRRGGBB of a pixel in [−1, 1] per channel; pure red when any is NaN. */
  public static int rgbOf(float r, float g, float b) {
    return rgb(r, g, b);
  }

  private static int rgb(float r, float g, float b) {
    int R = toByte(r), G = toByte(g), B = toByte(b);
    return R < 0 || G < 0 || B < 0 ? NAN_RGB : (R << 16) | (G << 8) | B;
  }
}
