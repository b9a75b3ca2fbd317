package dev.duel.gan.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossPlotTest {
  @TempDir Path dir;

  /** Pixels whose colour is within {@code tol} per channel of {@code rgb}. */
  static int count(BufferedImage img, int rgb, int tol) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++)
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, y);
        if (Math.abs(((p >> 16) & 255) - ((rgb >> 16) & 255)) <= tol && Math.abs(((p >> 8) & 255) - ((rgb >> 8) & 255)) <= tol
            && Math.abs((p & 255) - (rgb & 255)) <= tol) n++;
      }
    return n;
  }

  @Test
  void writesALegiblePng() throws IOException {
    LossPlot p = new LossPlot("GAN losses").yLabel("loss").smoothing(0.8);
    for (int s = 0; s <= 2000; s += 5) {
      p.add("d_loss", s, 1.2 * Math.exp(-s / 600.0) + 0.1 * Math.sin(s * 0.37));
      p.add("g_loss", s, 0.7 + 0.5 * (1 - Math.exp(-s / 400.0)) + 0.1 * Math.cos(s * 0.53));
    }
    p.add("g_loss", 2005, Double.NaN);
    Path f = dir.resolve("loss.png");
    p.write(f, 800, 500);
    byte[] head = new byte[8];
    System.arraycopy(Files.readAllBytes(f), 0, head, 0, 8);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, head, "PNG signature");
    BufferedImage img = ImageIO.read(f.toFile());
    assertEquals(800, img.getWidth());
    assertEquals(500, img.getHeight());
    assertTrue(count(img, 0x1f77b4, 10) > 500, "the first series is drawn in blue");
    assertTrue(count(img, 0xff7f0e, 10) > 500, "the second in orange");
    assertTrue(count(img, 0x000000, 60) > 200, "text and axes are drawn");
    assertEquals(401, p.points("d_loss"));
  }

  /** A reference line far above the data stretches the y range to it and is drawn dashed across the plot. */
  @Test
  void referenceLinesAreDrawnAndWidenTheRange() {
    LossPlot plain = new LossPlot("t"), withLine = new LossPlot("t");
    for (int s = 0; s <= 100; s++) {
      plain.add("d_loss", s, 0.1 + 0.001 * s);
      withLine.add("d_loss", s, 0.1 + 0.001 * s);
    }
    withLine.reference("d_loss at equilibrium: log 4", Math.log(4), "d_loss");
    assertEquals(java.util.List.of("d_loss at equilibrium: log 4"), withLine.referenceLabels());
    BufferedImage a = plain.render(600, 400), b = withLine.render(600, 400);
    // The data line is squeezed to the bottom of b: in its upper third only the reference line (and legend) is blue.
    int blueTopA = 0, blueTopB = 0;                   // bluish: blue well above red, in the left part (the legend is right)
    for (int y = 30; y < 140; y++) {
      for (int x = 80; x < 300; x++) {
        if ((a.getRGB(x, y) & 255) - ((a.getRGB(x, y) >> 16) & 255) > 60) blueTopA++;
        if ((b.getRGB(x, y) & 255) - ((b.getRGB(x, y) >> 16) & 255) > 60) blueTopB++;
      }
    }
    assertEquals(0, blueTopA, "without the reference the data fills the frame; nothing blue up there only by the line");
    assertTrue(blueTopB > 60, "a dashed blue line across the top part: " + blueTopB + " blue pixels");
    assertTrue(blueTopB < 220 * 3, "dashed, not a solid band: " + blueTopB);
    assertThrows(IllegalArgumentException.class, () -> withLine.reference("bad", Double.NaN, "d_loss"));
  }

  @Test
  void anEmptyPlotStillRenders() {
    BufferedImage img = new LossPlot("nothing yet").render(400, 300);
    assertEquals(400, img.getWidth());
    assertThrows(IllegalArgumentException.class, () -> new LossPlot("x").render(10, 10));
    assertThrows(IllegalArgumentException.class, () -> new LossPlot("x").smoothing(1));
  }

  @Test
  void ticksAreNiceNumbers() {
    assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6000000000000001, 0.8, 1}, LossPlot.ticks(0, 1, 6), 1e-12);
    assertArrayEquals(new double[] {0.2, 0.4, 0.6, 0.8}, LossPlot.ticks(0.13, 0.87, 6), 1e-12);
    assertArrayEquals(new double[] {0, 500, 1000, 1500, 2000}, LossPlot.ticks(0, 2000, 7), 1e-9);
    assertArrayEquals(new double[] {-0.02, 0, 0.02}, LossPlot.ticks(-0.03, 0.03, 6), 1e-12);
    assertEquals(3, LossPlot.ticks(-0.03, 0.03, 3).length, "at least 3 ticks even for a small target");
  }

  @Test
  void emaIsDebiasedAndSkipsNonFinite() {
    double[] y = {2, 2, Double.NaN, 2};
    assertArrayEquals(new double[] {2, 2, Double.NaN, 2}, LossPlot.ema(y, 4, 0.9), 1e-12);
    double[] s = LossPlot.ema(new double[] {0, 1}, 2, 0.5);
    assertEquals(0, s[0]);
    assertEquals((0.5 * 0.5 * 0 + 0.5 * 1) / 0.75, s[1], 1e-12); // (α(1−α)·0 + (1−α)·1) / (1 − α²)
  }

  @Test
  void readsMetricsJsonlAndForgivesOnlyATruncatedLastLine() throws IOException {
    Path m = dir.resolve("metrics.jsonl");
    Files.writeString(m, "{\"step\":1,\"d_loss\":1.5,\"g_loss\":0.7}\n{\"step\":2,\"d_loss\":1.25}\n\n{\"step\":3,\"d_lo");
    LossPlot p = LossPlot.fromMetrics(m, List.of("d_loss", "g_loss"), "losses");
    assertEquals(2, p.points("d_loss"));
    assertEquals(1, p.points("g_loss"));
    Files.writeString(m, "{\"step\":1,\"d_loss\":1.5}\n{broken\n{\"step\":3,\"d_loss\":1}\n");
    IOException e = assertThrows(IOException.class, () -> LossPlot.fromMetrics(m, List.of("d_loss"), "x"));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }
}
