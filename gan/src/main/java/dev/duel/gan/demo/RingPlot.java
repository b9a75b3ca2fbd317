package dev.duel.gan.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * A scatter plot of the ring: real samples (gray), the modes (red crosses, with their 3σ circles) and
 * generated samples (blue), titled with the modes covered and the high-quality share.
 */
public final class RingPlot {
  public static final int SIZE = 300;
  private static final Color REAL = new Color(0, 0, 0, 60);
  private static final Color FAKE = new Color(31, 119, 180, 70);

  private RingPlot() {}

  /**
   * @param real      n×2 real samples (drawn faintly), may be null
   * @param fake      n×2 generated samples
   * @param coverage  their scores
   */
  public static BufferedImage render(RingMixture ring, float[] real, float[] fake, RingMixture.Coverage coverage, String title) {
    double r = ring.radius() * 1.35;
    PlotCanvas c = new PlotCanvas(SIZE, SIZE + 48, 38, 8, 40, 34).ranges(-r, r, -r, r);
    c.axes(1, 1, "x₁");
    c.yLabel("x₂");
    if (real != null) dots(c, real, REAL, 1.6);
    dots(c, fake, FAKE, 2.2);
    c.g.setStroke(new BasicStroke(1f));
    for (int k = 0; k < ring.modes(); k++) {
      double x = c.px(ring.centerX(k)), y = c.py(ring.centerY(k));
      double rad = c.px(ring.centerX(k) + 3 * ring.std()) - x;
      c.g.setColor(new Color(214, 39, 40, 160));
      c.g.draw(new Ellipse2D.Double(x - rad, y - rad, 2 * rad, 2 * rad));
      c.g.draw(new Line2D.Double(x - 4, y, x + 4, y));
      c.g.draw(new Line2D.Double(x, y - 4, x, y + 4));
    }
    c.text(title, c.left, 16, PlotCanvas.AXIS, Font.BOLD, 12);
    c.text(String.format(Locale.ROOT, "modes %d/%d   high quality %.1f%%   entropy %.2f", coverage.modesCovered(), ring.modes(),
        100 * coverage.highQualityShare(), coverage.modeEntropy()), c.left, 32, PlotCanvas.AXIS, Font.PLAIN, 11);
    c.legend(c.left + 3, c.top + 3, new String[] {"real", "G(z)", "mode, 3σ"},
        new Color[] {new Color(0, 0, 0, 120), new Color(31, 119, 180, 200), new Color(214, 39, 40, 200)},
        new java.awt.Stroke[] {null, null, new BasicStroke(1f)});
    return c.finish();
  }

  /**
   * Up to {@code maxPanels} checkpoints of one run, evenly spaced, side by side. (Here, not in RingCommand:
   * a command class must not name AWT types in its method signatures, or picocli's reflection fails in a
   * runtime without java.desktop even for the other commands.)
   */
  public static BufferedImage strip(RingMixture ring, float[] real, String id, java.util.List<RingGan.Checkpoint> history,
                             int maxPanels) {
    int n = Math.min(maxPanels, history.size());
    BufferedImage[] panels = new BufferedImage[n];
    for (int i = 0; i < n; i++) {
      RingGan.Checkpoint c = history.get(n == 1 ? 0 : (int) Math.round((double) i * (history.size() - 1) / (n - 1)));
      panels[i] = render(ring, real, c.samples(), c.coverage(), id + ", step " + c.step());
    }
    return PlotCanvas.tile(panels, n);
  }

  private static void dots(PlotCanvas c, float[] xy, Color color, double size) {
    c.g.setColor(color);
    for (int i = 0; i + 1 < xy.length; i += 2) {
      if (!Float.isFinite(xy[i]) || !Float.isFinite(xy[i + 1])) continue;
      double x = c.px(xy[i]), y = c.py(xy[i + 1]);
      if (x < c.left || x > c.left + c.width || y < c.top || y > c.top + c.height) continue;
      c.g.fill(new Ellipse2D.Double(x - size / 2, y - size / 2, size, size));
    }
  }
}
