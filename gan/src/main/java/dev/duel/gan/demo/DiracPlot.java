package dev.duel.gan.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The Dirac GAN's pictures: phase portraits in the (θ, ψ) plane (G's parameter across, D's up), with the
 * continuous-time gradient field as gray arrows, and the distance to the equilibrium against the step.
 */
public final class DiracPlot {
  static final Color[] COLORS = {new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x9467bd),
      new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2)};
  static final int SIZE = 340;

  private DiracPlot() {}

  /** One drawn run: its legend name, its points (θ at even, ψ at odd indices) and its colour index. */
  public record Curve(String name, double[] points, int color, boolean dashed) {}

  /** A phase portrait of the curves in [−r, r]², with the flow of γ = {@code fieldGamma} behind them. */
  public static BufferedImage phase(String title, List<Curve> curves, double r, double fieldGamma) {
    PlotCanvas c = new PlotCanvas(SIZE, SIZE + 24, 44, 10, 28, 36).ranges(-r, r, -r, r);
    c.axes(1, 1, "θ (G's point; the data is at 0)");
    c.yLabel("ψ (D's slope: logit a(x) = ψ·x)");
    field(c, r, fieldGamma);
    for (Curve k : curves) path(c, k);
    // the equilibrium
    c.g.setColor(Color.BLACK);
    c.g.fill(new Ellipse2D.Double(c.px(0) - 3.5, c.py(0) - 3.5, 7, 7));
    c.text(title, c.left, 18, PlotCanvas.AXIS, Font.BOLD, 12);
    String[] names = new String[curves.size() + 1];
    Color[] colors = new Color[names.length];
    Stroke[] strokes = new Stroke[names.length];
    for (int i = 0; i < curves.size(); i++) {
      names[i] = curves.get(i).name();
      colors[i] = COLORS[curves.get(i).color() % COLORS.length];
      strokes[i] = curves.get(i).dashed() ? PlotCanvas.DASHED : PlotCanvas.THIN;
    }
    names[curves.size()] = "gradient flow (h → 0)";
    colors[curves.size()] = new Color(0x999999);
    strokes[curves.size()] = PlotCanvas.THIN;
    c.legend(c.left + 4, c.top + c.height - (names.length * (c.g.getFontMetrics().getHeight() + 1) + 6) - 4, names, colors, strokes);
    return c.finish();
  }

  /** log₁₀ of the distance √(θ² + ψ²) to the equilibrium against the step, one curve per run. */
  public static BufferedImage distance(String title, List<Curve> curves, int steps) {
    double lo = -5, hi = 1.5;
    PlotCanvas c = new PlotCanvas(2 * SIZE, SIZE + 24, 52, 14, 28, 36).ranges(0, steps, lo, hi);
    c.axes(niceStep(steps), 1, "step");
    c.yLabel("log₁₀ ‖(θ, ψ)‖  (distance to the equilibrium)");
    for (Curve k : curves) {
      int n = k.points().length / 2;
      double[] xs = new double[n], ys = new double[n];
      boolean[] inside = new boolean[n];                 // below the frame: not drawn (R1 goes on to 1e-25)
      for (int i = 0; i < n; i++) {
        xs[i] = i;
        ys[i] = Math.log10(Math.max(1e-300, Math.hypot(k.points()[2 * i], k.points()[2 * i + 1])));
        inside[i] = ys[i] >= lo;
      }
      c.curve(xs, ys, inside, COLORS[k.color() % COLORS.length], k.dashed() ? PlotCanvas.DASHED : PlotCanvas.SOLID);
    }
    c.text(title, c.left, 18, PlotCanvas.AXIS, Font.BOLD, 12);
    String[] names = curves.stream().map(Curve::name).toArray(String[]::new);
    Color[] colors = curves.stream().map(k -> COLORS[k.color() % COLORS.length]).toArray(Color[]::new);
    Stroke[] strokes = curves.stream().map(k -> k.dashed() ? PlotCanvas.DASHED : PlotCanvas.SOLID).toArray(Stroke[]::new);
    int w = 0;
    for (String n : names) w = Math.max(w, c.g.getFontMetrics().stringWidth(n));
    c.legend(c.left + c.width - w - 48, c.top + c.height - (names.length * (c.g.getFontMetrics().getHeight() + 1) + 6) - 6, names, colors,
        strokes);
    return c.finish();
  }

  private static double niceStep(int steps) {
    double raw = steps / 6.0, p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
    for (double m : new double[] {1, 2, 5, 10}) if (m * p >= raw) return m * p;
    return 10 * p;
  }

  /** Gray arrows of the continuous field (θ̇, ψ̇) = (σ(ψθ)·ψ, −σ(ψθ)·θ − γψ), scaled to the cell size. */
  private static void field(PlotCanvas c, double r, double gamma) {
    c.g.setColor(new Color(0xbbbbbb));
    c.g.setStroke(new BasicStroke(1f));
    int cells = 11;
    double cell = 2 * r / cells;
    for (int i = 0; i < cells; i++) {
      for (int j = 0; j < cells; j++) {
        double th = -r + (i + 0.5) * cell, ps = -r + (j + 0.5) * cell, s = DiracMath.sigmoid(ps * th);
        double u = s * ps, v = -s * th - gamma * ps, len = Math.hypot(u, v);
        if (len < 1e-9) continue;
        double k = 0.4 * cell / len, x0 = c.px(th - u * k), y0 = c.py(ps - v * k), x1 = c.px(th + u * k), y1 = c.py(ps + v * k);
        c.g.draw(new Line2D.Double(x0, y0, x1, y1));
        double ang = Math.atan2(y1 - y0, x1 - x0);
        for (double side : new double[] {-1, 1}) {
          c.g.draw(new Line2D.Double(x1, y1, x1 - 5 * Math.cos(ang + side * 0.45), y1 - 5 * Math.sin(ang + side * 0.45)));
        }
      }
    }
  }

  private static void path(PlotCanvas c, Curve k) {
    double[] p = k.points();
    Path2D.Double line = new Path2D.Double();
    line.moveTo(c.px(p[0]), c.py(p[1]));
    for (int i = 2; i + 1 < p.length; i += 2) line.lineTo(c.px(p[i]), c.py(p[i + 1]));
    java.awt.Shape clip = c.g.getClip();
    c.g.setClip(c.left, c.top, c.width, c.height);
    c.g.setColor(COLORS[k.color() % COLORS.length]);
    c.g.setStroke(k.dashed() ? PlotCanvas.DASHED : PlotCanvas.THIN);
    c.g.draw(line);
    c.g.fill(new Ellipse2D.Double(c.px(p[0]) - 3, c.py(p[1]) - 3, 6, 6));      // the start
    c.g.setClip(clip);
  }
}
