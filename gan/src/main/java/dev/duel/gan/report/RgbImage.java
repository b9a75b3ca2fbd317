package dev.duel.gan.report;

/**
 * A picture as packed 0xRRGGBB pixels, row by row: what {@link ImageGrid} draws and {@link PngEncoder}
 * writes, with no dependency on AWT (a runtime without java.desktop, such as the GPU kit's, can draw grids).
 */
public record RgbImage(int width, int height, int[] pixels) {
  public RgbImage {
    if (width < 1 || height < 1 || pixels.length != (long) width * height)
      throw new IllegalArgumentException("RgbImage: " + pixels.length + " pixels for " + width + "×" + height);
  }

  /** The pixel at column x, row y, as 0xRRGGBB. */
  public int rgb(int x, int y) {
    return pixels[y * width + x];
  }
}
