package dev.duel.gan.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Stroke;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * One frame of the 1-D game in the style of Figure 1 of Goodfellow et al. (2014): p_data (black,
 * dotted), p_g (green: the density as a line, G's samples as a histogram), D(x) (blue, dashed) and
 * D*(x) = p_data/(p_data + p_g) (red, thin; drawn where the gap |D − D*| is measured). Under the x axis,
 * the lower line is the z domain and the arrows show x = G(z) for evenly spaced z.
 */
public final class Game1dPlot {
  public static final int WIDTH = 480, HEIGHT = 340;
  /** The x range drawn. */
  static final double X_MIN = Game1d.PLOT_MIN, X_MAX = Game1d.PLOT_MAX;
  private static final double HIST_BIN = 0.1;

  private Game1dPlot() {}

  public static BufferedImage render(Game1d.Snapshot s, String title, boolean legend) {
    double yMax = 1.05;
    for (double p : s.pData()) yMax = Math.max(yMax, 1.1 * p);
    PlotCanvas c = new PlotCanvas(WIDTH, HEIGHT, 34, 12, 40, 96).ranges(X_MIN, X_MAX, 0, yMax);
    c.axes(1, 0.5, "x");
    c.yLabel("density; D(x)");

    // Histogram of G's samples, as a density (count / (n·bin)).
    int bins = (int) Math.round((X_MAX - X_MIN) / HIST_BIN);
    double[] hist = new double[bins];
    for (float x : s.gSamples()) {
      int b = (int) Math.floor((x - X_MIN) / HIST_BIN);
      if (b >= 0 && b < bins) hist[b]++;
    }
    c.g.setColor(new Color(0x2ca02c & 0xffffff | 0x55000000, true));
    for (int b = 0; b < bins; b++) {
      double dens = Math.min(hist[b] / (s.gSamples().length * HIST_BIN), yMax);
      double xa = X_MIN + b * HIST_BIN;
      c.g.fill(new Rectangle2D.Double(c.px(xa), c.py(dens), c.px(xa + HIST_BIN) - c.px(xa), c.py(0) - c.py(dens)));
    }

    double[] xs = new double[s.size()];
    for (int i = 0; i < xs.length; i++) xs[i] = s.x(i);
    c.curve(xs, s.affine() != null ? s.pG() : boxSmooth(s.pG(), 0.05 / s.h()), null, PlotCanvas.GEN, PlotCanvas.SOLID);
    c.curve(xs, s.pData(), null, PlotCanvas.DATA, PlotCanvas.DOTTED);
    c.curve(xs, s.dStar(), s.support(), PlotCanvas.OPTIMAL, PlotCanvas.THIN);
    c.curve(xs, s.d(), null, PlotCanvas.DISC, PlotCanvas.DASHED);

    drawMapping(c, s);
    c.text(title, c.left, 16, PlotCanvas.AXIS, Font.BOLD, 12);
    c.text(String.format(Locale.ROOT, "max|D − D*| = %.3f   V(D, G) = %.3f   C(G) = %.3f   (−log 4 = %.3f)",
        s.maxGap(), s.value(), s.criterion(), -Math.log(4)), c.left, 32, PlotCanvas.AXIS, Font.PLAIN, 11);
    if (legend) {
      c.legend(c.left + 6, c.top + 6, new String[] {"p_data", "p_g", "samples of G", "D(x)", "D*(x)"},
          new Color[] {PlotCanvas.DATA, PlotCanvas.GEN, new Color(0x2ca02c & 0xffffff | 0x55000000, true), PlotCanvas.DISC, PlotCanvas.OPTIMAL},
          new Stroke[] {PlotCanvas.DOTTED, PlotCanvas.SOLID, null, PlotCanvas.DASHED, PlotCanvas.THIN});
    }
    return c.finish();
  }

  /** The x line, the z line under it (z ∈ [−3, 3] over the same width) and arrows z → G(z). */
  private static void drawMapping(PlotCanvas c, Game1d.Snapshot s) {
    double xLine = c.top + c.height + 34, zLine = xLine + 44;
    c.g.setStroke(new BasicStroke(1.2f));
    c.g.setColor(PlotCanvas.AXIS);
    c.g.draw(new Line2D.Double(c.left, xLine, c.left + c.width, xLine));
    c.g.draw(new Line2D.Double(c.left, zLine, c.left + c.width, zLine));
    c.g.drawString("x", c.left - 14, (float) xLine + 4);
    c.g.drawString("z", c.left - 14, (float) zLine + 4);
    c.g.setColor(new Color(0x555555));
    for (int i = 0; i < s.zMarks().length; i++) {
      double zx = c.left + (s.zMarks()[i] + 3) / 6 * c.width;
      double xx = c.px(s.xMarks()[i]);
      if (xx < c.left || xx > c.left + c.width) continue;
      arrow(c, zx, zLine, xx, xLine);
    }
  }

  private static void arrow(PlotCanvas c, double x0, double y0, double x1, double y1) {
    c.g.draw(new Line2D.Double(x0, y0, x1, y1));
    double ang = Math.atan2(y1 - y0, x1 - x0), len = 6;
    Path2D.Double head = new Path2D.Double();
    head.moveTo(x1, y1);
    head.lineTo(x1 - len * Math.cos(ang - 0.4), y1 - len * Math.sin(ang - 0.4));
    head.lineTo(x1 - len * Math.cos(ang + 0.4), y1 - len * Math.sin(ang + 0.4));
    head.closePath();
    c.g.fill(head);
  }

  /** A moving average over ±half grid points, for drawing the push-forward histogram of an MLP G. */
  static double[] boxSmooth(double[] v, double half) {
    int w = Math.max(0, (int) Math.round(half));
    double[] prefix = new double[v.length + 1];
    for (int i = 0; i < v.length; i++) prefix[i + 1] = prefix[i] + v[i];
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      int a = Math.max(0, i - w), b = Math.min(v.length, i + w + 1);
      out[i] = (prefix[b] - prefix[a]) / (b - a);
    }
    return out;
  }
}
