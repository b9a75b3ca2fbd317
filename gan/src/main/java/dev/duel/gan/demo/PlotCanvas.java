package dev.duel.gan.demo;

import dev.duel.gan.report.Png;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A white Java2D picture with one plot area and a linear data → pixel map, for the demos' figures
 * (headless: {@link Png} sets java.awt.headless before AWT loads).
 */
public final class PlotCanvas {
  static {
    try {
      // Png's static initialiser makes AWT headless; touch it before any AWT class loads.
      Class.forName(Png.class.getName(), true, PlotCanvas.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  static final Color DATA = Color.BLACK;
  static final Color GEN = new Color(0x2ca02c);
  static final Color DISC = new Color(0x1f77b4);
  static final Color OPTIMAL = new Color(0xd62728);
  static final Color AXIS = new Color(0x444444);
  static final Color GRID = new Color(0xe6e6e6);

  static final Stroke SOLID = new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
  static final Stroke THIN = new BasicStroke(1.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
  static final Stroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 4f}, 0f);
  static final Stroke DOTTED = new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {0.5f, 4f}, 0f);

  final BufferedImage image;
  final Graphics2D g;
  /** The plot area in pixels. */
  final int left, top, width, height;
  private double x0 = 0, x1 = 1, y0 = 0, y1 = 1;

  PlotCanvas(int imageWidth, int imageHeight, int marginLeft, int marginRight, int marginTop, int marginBottom) {
    image = new BufferedImage(imageWidth, imageHeight, BufferedImage.TYPE_INT_RGB);
    g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, imageWidth, imageHeight);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    left = marginLeft;
    top = marginTop;
    width = imageWidth - marginLeft - marginRight;
    height = imageHeight - marginTop - marginBottom;
  }

  PlotCanvas ranges(double xMin, double xMax, double yMin, double yMax) {
    x0 = xMin; x1 = xMax; y0 = yMin; y1 = yMax;
    return this;
  }

  double px(double x) {
    return left + (x - x0) / (x1 - x0) * width;
  }

  double py(double y) {
    return top + height - (y - y0) / (y1 - y0) * height;
  }

  /** Frame, grid lines and tick labels every xStep / yStep (yStep ≤ 0: no y axis). */
  void axes(double xStep, double yStep, String xLabel) {
    g.setStroke(new BasicStroke(1f));
    g.setColor(GRID);
    for (double x = Math.ceil(x0 / xStep) * xStep; x <= x1 + 1e-9; x += xStep) g.draw(new Line2D.Double(px(x), top, px(x), top + height));
    if (yStep > 0) {
      for (double y = Math.ceil(y0 / yStep) * yStep; y <= y1 + 1e-9; y += yStep) g.draw(new Line2D.Double(left, py(y), left + width, py(y)));
    }
    g.setColor(AXIS);
    g.drawRect(left, top, width, height);
    FontMetrics fm = g.getFontMetrics();
    for (double x = Math.ceil(x0 / xStep) * xStep; x <= x1 + 1e-9; x += xStep) {
      String s = tick(x);
      g.drawString(s, (float) (px(x) - fm.stringWidth(s) / 2.0), top + height + fm.getAscent() + 3);
    }
    if (yStep > 0) {
      for (double y = Math.ceil(y0 / yStep) * yStep; y <= y1 + 1e-9; y += yStep) {
        String s = tick(y);
        g.drawString(s, (float) (left - fm.stringWidth(s) - 4), (float) (py(y) + fm.getAscent() / 2.0 - 1));
      }
    }
    if (xLabel != null) g.drawString(xLabel, left + width - fm.stringWidth(xLabel), top + height + 2 * fm.getHeight() + 2);
  }

  /** The y axis's name, written upwards along the left edge of the picture. */
  void yLabel(String label) {
    java.awt.geom.AffineTransform saved = g.getTransform();
    FontMetrics fm = g.getFontMetrics();
    g.setColor(AXIS);
    g.rotate(-Math.PI / 2);
    g.drawString(label, (float) -(top + height / 2.0 + fm.stringWidth(label) / 2.0), (float) fm.getAscent() + 1);
    g.setTransform(saved);
  }

  private static String tick(double v) {
    if (Math.abs(v) < 1e-9) return "0";
    return Math.abs(v - Math.rint(v)) < 1e-9 ? Long.toString(Math.round(v)) : String.format(Locale.ROOT, "%.1f", v);
  }

  /** The curve through (xs[i], ys[i]) where draw[i] (draw may be null), clipped to the plot area. */
  void curve(double[] xs, double[] ys, boolean[] draw, Color color, Stroke stroke) {
    Path2D.Double p = new Path2D.Double();
    boolean pen = false;
    for (int i = 0; i < xs.length; i++) {
      boolean ok = (draw == null || draw[i]) && Double.isFinite(ys[i]) && xs[i] >= x0 && xs[i] <= x1;
      if (!ok) { pen = false; continue; }
      double y = Math.max(y0, Math.min(y1, ys[i]));
      if (pen) p.lineTo(px(xs[i]), py(y)); else p.moveTo(px(xs[i]), py(y));
      pen = true;
    }
    g.setColor(color);
    g.setStroke(stroke);
    g.draw(p);
  }

  void text(String s, double x, double y, Color color, int style, int size) {
    g.setColor(color);
    g.setFont(new Font(Font.SANS_SERIF, style, size));
    g.drawString(s, (float) x, (float) y);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
  }

  /** A legend box at (x, y) (top-left, pixels): a line sample and a name per entry. */
  void legend(int x, int y, String[] names, Color[] colors, Stroke[] strokes) {
    FontMetrics fm = g.getFontMetrics();
    int w = 0;
    for (String n : names) w = Math.max(w, fm.stringWidth(n));
    int rowH = fm.getHeight() + 1, boxW = w + 40, boxH = names.length * rowH + 6;
    g.setColor(new Color(255, 255, 255, 225));
    g.fillRect(x, y, boxW, boxH);
    g.setColor(GRID.darker());
    g.setStroke(new BasicStroke(1f));
    g.drawRect(x, y, boxW, boxH);
    for (int i = 0; i < names.length; i++) {
      int cy = y + 3 + i * rowH + rowH / 2;
      g.setColor(colors[i]);
      if (strokes[i] == null) {
        g.fillRect(x + 6, cy - 4, 22, 8);
      } else {
        g.setStroke(strokes[i]);
        g.draw(new Line2D.Double(x + 6, cy, x + 28, cy));
      }
      g.setColor(AXIS);
      g.drawString(names[i], x + 34, cy + fm.getAscent() / 2 - 1);
    }
  }

  BufferedImage finish() {
    g.dispose();
    return image;
  }

  /** Pictures laid out in a grid of {@code cols} columns (cells the size of the first picture). */
  public static BufferedImage tile(BufferedImage[] pictures, int cols) {
    int w = pictures[0].getWidth(), h = pictures[0].getHeight();
    int rows = (pictures.length + cols - 1) / cols;
    BufferedImage out = new BufferedImage(cols * w, rows * h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    for (int i = 0; i < pictures.length; i++) g.drawImage(pictures[i], (i % cols) * w, (i / cols) * h, null);
    g.dispose();
    return out;
  }

  public static void write(Path file, BufferedImage image) throws IOException {
    Png.write(file, image);
  }
}
