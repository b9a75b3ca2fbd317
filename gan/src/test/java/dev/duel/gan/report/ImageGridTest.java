package dev.duel.gan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {
  @TempDir Path dir;

  static int rgb(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xFFFFFF;
  }

  @Test
  void grayscaleGridReadsBackPixelForPixel() throws IOException {
    // 3 images of 2×3 in a 2×2 grid, scale 2: cell (2·3)×(2·2) px, picture (2·6 + 3·2) × (2·4 + 3·2) = 18 × 14.
    int h = 2, w = 3;
    float[] x = new float[3 * h * w];
    for (int i = 0; i < x.length; i++) x[i] = -1f + 2f * i / (x.length - 1);
    x[0] = Float.NaN;
    x[1] = 0f;
    x[2] = 5f;
    Path f = dir.resolve("grid.png");
    ImageGrid.write(f, x, 1, h, w, 2, 2, 2);
    BufferedImage img = ImageIO.read(f.toFile());
    assertEquals(18, img.getWidth());
    assertEquals(14, img.getHeight());
    for (int i = 0; i < 4; i++) {
      int x0 = 2 + (i % 2) * (6 + 2), y0 = 2 + (i / 2) * (4 + 2);
      for (int yy = 0; yy < 4; yy++)
        for (int xx = 0; xx < 6; xx++) {
          int want;
          if (i == 3) want = ImageGrid.PAD_RGB; // empty cell
          else {
            float v = x[i * 6 + (yy / 2) * w + xx / 2];
            if (Float.isNaN(v)) want = 0xFF0000;
            else { int b = (int) Math.max(0, Math.min(255, Math.round((v + 1.0) * 127.5))); want = b * 0x010101; }
          }
          assertEquals(want, rgb(img, x0 + xx, y0 + yy), "cell " + i + " at " + xx + "," + yy);
        }
    }
    assertEquals(0x808080, rgb(img, 0, 0), "frame");
    assertEquals(0x808080, rgb(img, 8, 5), "gutter");
    assertEquals(128 * 0x010101, rgb(img, 2 + 2, 2), "0 maps to round(127.5) = 128");
    assertEquals(0xFFFFFF, rgb(img, 2 + 4, 2), "values above 1 clamp to white");
  }

  @Test
  void rgbChannelsLandInTheirPlace() throws IOException {
    float[] x = {1f, -1f, -1f, /* G */ -1f, 1f, -1f, /* B */ -1f, -1f, 1f}; // one 1×3 image: red, green, blue pixels
    Path f = dir.resolve("rgb.png");
    ImageGrid.write(f, x, 3, 1, 3, 1, 1, 1);
    BufferedImage img = ImageIO.read(f.toFile());
    assertEquals(0xFF0000, rgb(img, 2, 2));
    assertEquals(0x00FF00, rgb(img, 3, 2));
    assertEquals(0x0000FF, rgb(img, 4, 2));
  }

  @Test
  void stripAndBadArguments() throws IOException {
    Path f = dir.resolve("strip.png");
    Strip.write(f, new float[5 * 4 * 4], 1, 4, 4, 3);
    BufferedImage img = ImageIO.read(f.toFile());
    assertEquals(5 * 12 + 6 * 2, img.getWidth());
    assertEquals(12 + 2 * 2, img.getHeight());
    Strip.write(f, new float[6 * 16], 1, 4, 4, 2, 1);
    img = ImageIO.read(f.toFile());
    assertEquals(3 * 4 + 4 * 2, img.getWidth());
    assertEquals(2 * 4 + 3 * 2, img.getHeight());
    assertThrows(IllegalArgumentException.class, () -> ImageGrid.render(new float[5 * 16], 1, 4, 4, 2, 2, 1), "5 images in 4 cells");
    assertThrows(IllegalArgumentException.class, () -> ImageGrid.render(new float[17], 1, 4, 4, 2, 2, 1));
    assertThrows(IllegalArgumentException.class, () -> ImageGrid.render(new float[32], 2, 4, 4, 2, 2, 1));
    assertThrows(IllegalArgumentException.class, () -> Strip.write(f, new float[5 * 16], 1, 4, 4, 2, 1));
    assertEquals(8, ImageGrid.columnsFor(64));
    assertEquals(9, ImageGrid.columnsFor(65));
    assertEquals(1, ImageGrid.columnsFor(1));
  }
}
