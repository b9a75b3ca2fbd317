package dev.duel.gan.report;

import dev.duel.nn.state.Json;
import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Line charts of named series against the training step (d_loss, g_loss, D(x), ...), drawn with Java2D
 * headless: axes with "nice" ticks (1, 2, 5 × 10^k), grid, title, axis labels and a legend.
 *
 * <p>Smoothing, as TensorBoard does it: a debiased exponential moving average
 * s_t = α·s_{t−1} + (1 − α)·x_t, shown as s_t / (1 − α^t); the raw series is drawn faintly beneath.
 * Non-finite values are skipped (the line breaks there) and do not stretch the axes.
 */
public final class LossPlot {
  static { Png.init(); }

  /** Matplotlib's tab10 colours, series by series. */
  private static final Color[] PALETTE = {
      new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
      new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

  private static final class Series {
    long[] xs = new long[64];
    double[] ys = new double[64];
    int n;

    void add(long x, double y) {
      if (n == xs.length) { xs = java.util.Arrays.copyOf(xs, 2 * n); ys = java.util.Arrays.copyOf(ys, 2 * n); }
      xs[n] = x; ys[n] = y; n++;
    }
  }

  private final String title;
  private String xLabel = "step", yLabel = "";
  private double smoothing;
  private final Map<String, Series> series = new LinkedHashMap<>();
  /** Horizontal reference lines: a legend label, the value, and the series whose colour they take. */
  private record Reference(String label, double y, String series) {}
  private final List<Reference> references = new ArrayList<>();

  public LossPlot(String title) { this.title = title == null ? "" : title; }

  public LossPlot xLabel(String label) { this.xLabel = label; return this; }

  public LossPlot yLabel(String label) { this.yLabel = label; return this; }

  /** EMA weight α ∈ [0, 1): 0 draws the raw data only; 0.6 to 0.9 suits noisy GAN losses. */
  public LossPlot smoothing(double alpha) {
    if (!(alpha >= 0 && alpha < 1)) throw new IllegalArgumentException("smoothing must be in [0, 1), got " + alpha);
    this.smoothing = alpha;
    return this;
  }

  /** Appends one point to series {@code name} (created on first use, in legend order). */
  public LossPlot add(String name, long step, double value) {
    series.computeIfAbsent(name, k -> new Series()).add(step, value);
    return this;
  }

  /** Appends whole arrays to series {@code name}. */
  public LossPlot series(String name, long[] steps, double[] values) {
    if (steps.length != values.length) throw new IllegalArgumentException("series " + name + ": " + steps.length + " steps but " + values.length + " values");
    for (int i = 0; i < steps.length; i++) add(name, steps[i], values[i]);
    return this;
  }

  /**
   * A dashed horizontal line at {@code y} in the colour of {@code seriesName} (gray when there is no such
   * series), named {@code label} in the legend, e.g. the equilibrium value of a loss. The y range
   * includes it.
   */
  public LossPlot reference(String label, double y, String seriesName) {
    if (!Double.isFinite(y)) throw new IllegalArgumentException("reference " + label + ": y must be finite, got " + y);
    references.add(new Reference(label, y, seriesName));
    return this;
  }

  /** The reference lines' labels, in legend order. */
  public List<String> referenceLabels() {
    return references.stream().map(Reference::label).toList();
  }

  /** Number of points in series {@code name} (0 when absent). */
  public int points(String name) {
    Series s = series.get(name);
    return s == null ? 0 : s.n;
  }

  /**
   * A plot of {@code keys} against "step" from a metrics.jsonl file (one JSON object per line). Lines
   * without a key are skipped for that key; a malformed last line (a run killed mid-write) is ignored,
   * a malformed line elsewhere is an error naming the file and line.
   */
  public static LossPlot fromMetrics(Path jsonl, List<String> keys, String title) throws IOException {
    LossPlot p = new LossPlot(title);
    List<String> lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) continue;
      Map<String, Object> m;
      try {
        m = Json.parseObject(line);
      } catch (Json.JsonException e) {
        if (i == lines.size() - 1) break;
        throw new IOException(jsonl + ": line " + (i + 1) + " is not a JSON object: " + e.getMessage(), e);
      }
      if (!(m.get("step") instanceof Number step)) continue;
      for (String k : keys) if (m.get(k) instanceof Number v) p.add(k, step.longValue(), v.doubleValue());
    }
    return p;
  }

  /** Writes the plot as a width × height PNG, atomically. */
  public void write(Path png, int width, int height) throws IOException {
    Png.write(png, render(width, height));
  }

  /** Draws the plot. */
  public BufferedImage render(int width, int height) {
    if (width < 200 || height < 150 || (long) width * height > 1L << 26)
      throw new IllegalArgumentException("LossPlot: " + width + "×" + height + " is outside 200×150 .. 8k×8k");
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      draw(g, width, height);
    } finally {
      g.dispose();
    }
    return img;
  }

  private void draw(Graphics2D g, int width, int height) {
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(11, height / 40));
    Font titleFont = font.deriveFont(Font.BOLD, font.getSize2D() * 1.25f);
    g.setFont(font);
    FontMetrics fm = g.getFontMetrics();
    int lineH = fm.getHeight();

    // Data ranges over every finite raw value.
    long xmin = Long.MAX_VALUE, xmax = Long.MIN_VALUE;
    double ymin = Double.POSITIVE_INFINITY, ymax = Double.NEGATIVE_INFINITY;
    for (Series s : series.values())
      for (int i = 0; i < s.n; i++) {
        if (!Double.isFinite(s.ys[i])) continue;
        xmin = Math.min(xmin, s.xs[i]); xmax = Math.max(xmax, s.xs[i]);
        ymin = Math.min(ymin, s.ys[i]); ymax = Math.max(ymax, s.ys[i]);
      }
    boolean empty = xmin > xmax;
    if (empty) { xmin = 0; xmax = 1; ymin = 0; ymax = 1; }
    for (Reference r : references) { ymin = Math.min(ymin, r.y()); ymax = Math.max(ymax, r.y()); }
    if (xmin == xmax) { xmin -= 1; xmax += 1; }
    if (ymin == ymax) { double d = Math.max(Math.abs(ymin) * 0.1, 1e-3); ymin -= d; ymax += d; }
    double pad = (ymax - ymin) * 0.05;
    double y0 = ymin - pad, y1 = ymax + pad;
    double[] yt = ticks(y0, y1, 6), xt = ticks(xmin, xmax, 7);
    int yDecimals = decimals(yt), xDecimals = decimals(xt);

    // Plot area: room for tick labels on the left, labels and title around.
    int labelW = 0;
    for (double v : yt) labelW = Math.max(labelW, fm.stringWidth(format(v, yDecimals)));
    int left = labelW + 14 + (yLabel.isEmpty() ? 0 : lineH + 4), right = width - 20;
    int top = (title.isEmpty() ? 12 : lineH * 2), bottom = height - lineH * (xLabel.isEmpty() ? 2 : 3);
    double fx0 = xmin, fx1 = xmax;
    java.util.function.DoubleUnaryOperator px = x -> left + (x - fx0) / (fx1 - fx0) * (right - left);
    java.util.function.DoubleUnaryOperator py = y -> bottom - (y - y0) / (y1 - y0) * (bottom - top);

    // Grid and ticks.
    g.setStroke(new BasicStroke(1f));
    for (double v : yt) {
      if (v < y0 || v > y1) continue;
      int y = (int) Math.round(py.applyAsDouble(v));
      g.setColor(new Color(0xE6E6E6)); g.drawLine(left, y, right, y);
      g.setColor(Color.DARK_GRAY); g.drawLine(left - 5, y, left, y);
      String t = format(v, yDecimals);
      g.drawString(t, left - 8 - fm.stringWidth(t), y + fm.getAscent() / 2 - 1);
    }
    for (double v : xt) {
      if (v < xmin || v > xmax) continue;
      int x = (int) Math.round(px.applyAsDouble(v));
      g.setColor(new Color(0xE6E6E6)); g.drawLine(x, top, x, bottom);
      g.setColor(Color.DARK_GRAY); g.drawLine(x, bottom, x, bottom + 5);
      String t = format(v, xDecimals);
      g.drawString(t, x - fm.stringWidth(t) / 2, bottom + 7 + fm.getAscent());
    }
    g.setColor(Color.DARK_GRAY);
    g.drawRect(left, top, right - left, bottom - top);

    // Labels and title.
    if (!xLabel.isEmpty()) g.drawString(xLabel, (left + right - fm.stringWidth(xLabel)) / 2, height - lineH / 2 - 2);
    if (!yLabel.isEmpty()) {
      AffineTransform saved = g.getTransform();
      g.rotate(-Math.PI / 2);
      g.drawString(yLabel, -(top + bottom + fm.stringWidth(yLabel)) / 2, fm.getAscent() + 4);
      g.setTransform(saved);
    }
    if (!title.isEmpty()) {
      g.setFont(titleFont);
      g.setColor(Color.BLACK);
      g.drawString(title, (width - g.getFontMetrics().stringWidth(title)) / 2, lineH + 2);
      g.setFont(font);
    }
    if (empty) {
      g.setColor(Color.GRAY);
      g.drawString("no data", (left + right - fm.stringWidth("no data")) / 2, (top + bottom) / 2);
      return;
    }

    // Lines, clipped to the plot area.
    g.setClip(left, top, right - left + 1, bottom - top + 1);
    int k = 0;
    for (Series s : series.values()) {
      Color c = PALETTE[k++ % PALETTE.length];
      if (smoothing > 0) {
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.25f));
        g.setColor(c);
        g.setStroke(new BasicStroke(1f));
        g.draw(path(s.xs, s.ys, s.n, px, py));
        g.setComposite(AlphaComposite.SrcOver);
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(path(s.xs, ema(s.ys, s.n, smoothing), s.n, px, py));
      } else {
        g.setColor(c);
        g.setStroke(new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(path(s.xs, s.ys, s.n, px, py));
      }
    }
    g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 5f}, 0f));
    for (Reference r : references) {
      g.setColor(colourOf(r.series()));
      int y = (int) Math.round(py.applyAsDouble(r.y()));
      g.drawLine(left, y, right, y);
    }
    g.setClip(null);
    legend(g, fm, right, top);
  }

  private Color colourOf(String name) {
    int k = 0;
    for (String s : series.keySet()) {
      if (s.equals(name)) return PALETTE[k % PALETTE.length];
      k++;
    }
    return Color.GRAY;
  }

  private void legend(Graphics2D g, FontMetrics fm, int right, int top) {
    if (series.isEmpty()) return;
    int lineH = fm.getHeight(), sw = 22, textW = 0;
    for (String name : series.keySet()) textW = Math.max(textW, fm.stringWidth(name));
    for (Reference r : references) textW = Math.max(textW, fm.stringWidth(r.label()));
    int w = sw + 18 + textW, h = lineH * (series.size() + references.size()) + 8, x = right - w - 10, y = top + 10;
    g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.85f));
    g.setColor(Color.WHITE);
    g.fillRect(x, y, w, h);
    g.setComposite(AlphaComposite.SrcOver);
    g.setColor(new Color(0xBBBBBB));
    g.setStroke(new BasicStroke(1f));
    g.drawRect(x, y, w, h);
    int k = 0;
    for (String name : series.keySet()) {
      int ly = y + 4 + k * lineH + lineH / 2;
      g.setColor(PALETTE[k % PALETTE.length]);
      g.setStroke(new BasicStroke(2.5f));
      g.drawLine(x + 6, ly, x + 6 + sw, ly);
      g.setColor(Color.BLACK);
      g.drawString(name, x + 12 + sw, ly + fm.getAscent() / 2 - 1);
      k++;
    }
    for (Reference r : references) {
      int ly = y + 4 + k * lineH + lineH / 2;
      g.setColor(colourOf(r.series()));
      g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f));
      g.drawLine(x + 6, ly, x + 6 + sw, ly);
      g.setColor(Color.BLACK);
      g.drawString(r.label(), x + 12 + sw, ly + fm.getAscent() / 2 - 1);
      k++;
    }
  }

  /** A polyline through the finite points, broken at non-finite ones. */
  private static Path2D path(long[] xs, double[] ys, int n, java.util.function.DoubleUnaryOperator px, java.util.function.DoubleUnaryOperator py) {
    Path2D.Double p = new Path2D.Double();
    boolean pen = false;
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(ys[i])) { pen = false; continue; }
      double x = px.applyAsDouble(xs[i]), y = py.applyAsDouble(ys[i]);
      if (pen) p.lineTo(x, y); else { p.moveTo(x, y); pen = true; }
    }
    return p;
  }

  /** Debiased EMA over the finite values; non-finite stay non-finite and do not enter the average. */
  static double[] ema(double[] ys, int n, double alpha) {
    double[] out = new double[n];
    double s = 0, w = 0;
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(ys[i])) { out[i] = ys[i]; continue; }
      s = alpha * s + (1 - alpha) * ys[i];
      w = alpha * w + (1 - alpha);
      out[i] = s / w;
    }
    return out;
  }

  /**
   * Tick positions at a "nice" spacing (1, 2 or 5 × 10^k) covering [lo, hi] with about {@code target}
   * ticks, and at least 3 when the range allows it.
   */
  static double[] ticks(double lo, double hi, int target) {
    double[] t = ticksOnce(lo, hi, target);
    for (int k = 0; t.length < 3 && k < 3; k++) t = ticksOnce(lo, hi, target *= 2);
    return t;
  }

  private static double[] ticksOnce(double lo, double hi, int target) {
    double raw = (hi - lo) / Math.max(1, target - 1);
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / mag, step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    double first = Math.ceil(lo / step) * step;
    List<Double> t = new ArrayList<>();
    for (double v = first; v <= hi + step * 1e-9 && t.size() < 100; v = first + t.size() * step) t.add(Math.abs(v) < step * 1e-9 ? 0.0 : v);
    return t.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Digits after the point that tell adjacent ticks apart. */
  private static int decimals(double[] ticks) {
    if (ticks.length < 2) return 2;
    double step = ticks[1] - ticks[0];
    return Math.max(0, Math.min(8, (int) -Math.floor(Math.log10(step) + 1e-9)));
  }

  private static String format(double v, int decimals) {
    double a = Math.abs(v);
    if (decimals == 0 && a >= 1e7 && v % 1e6 == 0) return String.format(Locale.ROOT, "%dM", (long) (v / 1e6));
    if (decimals == 0 && a >= 1e4 && v % 1e3 == 0) return String.format(Locale.ROOT, "%dk", (long) (v / 1e3));
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
