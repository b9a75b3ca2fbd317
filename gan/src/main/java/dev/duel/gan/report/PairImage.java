package dev.duel.gan.report;

import dev.duel.nn.state.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Images side by side with no gap, in pix2pix's paired layout: {@code duel translate} writes input | output,
 * so a folder of its results is itself a paired folder ({@code duel train --task folder:PATH} reads it).
 *
 * <p>Each panel is C×H×W floats in [−1, 1], C = 1 (drawn gray) or 3 (RGB); every pixel becomes a
 * zoom × zoom block (nearest neighbour). Bytes as {@link ImageGrid}: round((x + 1)·127.5) clamped, NaN
 * drawn red. Written by {@link PngEncoder} (8-bit RGB, no AWT), atomically.
 */
public final class PairImage {
  private PairImage() {}

  /**
   * Draws panels[0] | panels[1] | … ; channels[i] is panel i's C.
   */
  public static RgbImage render(float[][] panels, int[] channels, int h, int w, int zoom) {
    if (panels.length < 1 || panels.length != channels.length || h < 1 || w < 1 || zoom < 1 || (long) panels.length * w * zoom * h * zoom > 1L << 26)
      throw new IllegalArgumentException("PairImage: " + panels.length + " panels of " + h + "×" + w + " at zoom " + zoom);
    int width = panels.length * w * zoom, height = h * zoom;
    int[] px = new int[width * height];
    for (int p = 0; p < panels.length; p++) {
      int c = channels[p];
      if ((c != 1 && c != 3) || panels[p].length != c * h * w)
        throw new IllegalArgumentException("PairImage: panel " + p + " has " + panels[p].length + " floats, not " + c + "×" + h + "×" + w);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int i = y * w + x;
          int rgb = c == 1 ? ImageGrid.rgbOf(panels[p][i], panels[p][i], panels[p][i])
              : ImageGrid.rgbOf(panels[p][i], panels[p][h * w + i], panels[p][2 * h * w + i]);
          for (int sy = 0; sy < zoom; sy++) {
            int at = (y * zoom + sy) * width + (p * w + x) * zoom;
            java.util.Arrays.fill(px, at, at + zoom, rgb);
          }
        }
      }
    }
    return new RgbImage(width, height, px);
  }

  /** Renders and writes the PNG atomically (temporary file, fsync, rename). */
  public static void write(Path png, float[][] panels, int[] channels, int h, int w, int zoom) throws IOException {
    RgbImage image = render(panels, channels, h, w, zoom);
    AtomicFiles.writeStream(png, out -> PngEncoder.write(image, out));
  }
}
