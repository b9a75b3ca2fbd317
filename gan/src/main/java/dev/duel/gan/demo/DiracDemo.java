package dev.duel.gan.demo;

import dev.duel.engine.Backend;
import dev.duel.gan.demo.DiracMath.Method;
import dev.duel.gan.demo.DiracMath.Scheme;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code duel demo dirac}'s runs: each method trained with the engine ({@link DiracGan}) and in closed
 * form ({@link DiracMath}) from the same start, and the two pictures (docs/math.md, "Training dynamics").
 */
public final class DiracDemo {
  private DiracDemo() {}

  /**
   * @param steps  steps of each run at step size h (the smaller step runs steps·h/smallH steps: the same time)
   * @param h      both players' step size
   * @param smallH the smaller step size
   * @param tturG  TTUR: G's step size
   * @param tturD  TTUR: D's step size
   * @param gamma  R1's γ
   */
  public record Config(int steps, double h, double smallH, double tturG, double tturD, double gamma, double theta0, double psi0) {
    public Config {
      if (steps < 1 || steps > 1_000_000) throw new IllegalArgumentException("dirac: --steps must be in 1..1000000, got " + steps);
      if (!(h > 0 && smallH > 0 && smallH <= h)) throw new IllegalArgumentException("dirac: need 0 < --small-h <= --h, got " + smallH + ", " + h);
      if (!(tturG > 0 && tturD > 0)) throw new IllegalArgumentException("dirac: --ttur step sizes must be > 0, got " + tturG + ", " + tturD);
      if (!(gamma > 0)) throw new IllegalArgumentException("dirac: --gamma must be > 0, got " + gamma);
      if (!(Double.isFinite(theta0) && Double.isFinite(psi0))) throw new IllegalArgumentException("dirac: --start must be finite");
      if ((long) steps * Math.round(h / smallH) > 10_000_000L) throw new IllegalArgumentException("dirac: steps·h/small-h is over 10 million");
    }

    public static Config defaults() {
      return new Config(600, 0.2, 0.05, 0.1, 0.4, 1.0, 1.0, 1.0);
    }

    /** The runs, in the order of the table. */
    public List<Method> methods() {
      return List.of(
          new Method("simultaneous", Scheme.SIMULTANEOUS, h, h, 0),
          new Method("simultaneous, smaller step", Scheme.SIMULTANEOUS, smallH, smallH, 0),
          new Method("alternating", Scheme.ALTERNATING, h, h, 0),
          new Method("TTUR simultaneous", Scheme.SIMULTANEOUS, tturG, tturD, 0),
          new Method("TTUR alternating", Scheme.ALTERNATING, tturG, tturD, 0),
          new Method("R1 simultaneous", Scheme.SIMULTANEOUS, h, h, gamma),
          new Method("R1 alternating", Scheme.ALTERNATING, h, h, gamma));
    }

    int stepsOf(Method m) {
      return m.hG() == smallH && m.hD() == smallH && smallH != h ? (int) Math.round(steps * h / smallH) : steps;
    }
  }

  /** A method's engine trajectory, its closed-form twin and their largest difference. */
  public record Run(Method method, int steps, double[] engine, double[] exact, double maxDifference) {
    public double startNorm() {
      return Math.hypot(exact[0], exact[1]);
    }

    public double endNorm() {
      return Math.hypot(exact[exact.length - 2], exact[exact.length - 1]);
    }
  }

  public static List<Run> run(Config cfg, Backend backend) {
    List<Run> runs = new ArrayList<>();
    for (Method m : cfg.methods()) {
      int n = cfg.stepsOf(m);
      double[] engine = DiracGan.trajectory(m, cfg.theta0(), cfg.psi0(), n, backend);
      double[] exact = DiracMath.trajectory(m, cfg.theta0(), cfg.psi0(), n);
      double worst = 0;
      for (int i = 0; i < exact.length; i++) worst = Math.max(worst, Math.abs(engine[i] - exact[i]));
      runs.add(new Run(m, n, engine, exact, worst));
    }
    return runs;
  }

  public static String describe(Run r) {
    Method m = r.method();
    double[] e = DiracMath.eigenvalues(DiracMath.jacobian(m));
    return String.format(Locale.ROOT, "%-28s %6.3g %6.3g %5.3g %6d  %-22s %6.4f  %9.4g %9.4g  %9.2e", m.name(), m.hG(), m.hD(), m.gamma(),
        r.steps(), complex(e[0], e[1]) + (e[1] != 0 ? ", conj." : ", " + String.format(Locale.ROOT, "%.4f", e[2])),
        DiracMath.spectralRadius(m), r.startNorm(), r.endNorm(), r.maxDifference());
  }

  public static String complex(double re, double im) {
    if (im == 0) return String.format(Locale.ROOT, "%.4f", re);
    return String.format(Locale.ROOT, "%.4f %s %.4fi", re, im < 0 ? "−" : "±", Math.abs(im));
  }

  /** dirac-phase.png (four phase portraits) and dirac-distance.png; returns their paths. */
  public static List<Path> write(Config cfg, List<Run> runs, Path out) throws IOException {
    double r = 4;
    BufferedImage[] panels = {
        DiracPlot.phase("(a) simultaneous GD: spirals out", List.of(curve(runs, 0, 0, false), curve(runs, 1, 1, true)), r, 0),
        DiracPlot.phase("(b) alternating GD: cycles", List.of(curve(runs, 2, 0, false)), r, 0),
        DiracPlot.phase("(c) TTUR (h_G < h_D)", List.of(curve(runs, 3, 0, false), curve(runs, 4, 1, true)), r, 0),
        DiracPlot.phase("(d) R1 (γ = " + fmt(cfg.gamma()) + "): converges", List.of(curve(runs, 5, 0, false), curve(runs, 6, 1, true)), r, cfg.gamma())};
    Path phase = out.resolve("dirac-phase.png"), distance = out.resolve("dirac-distance.png");
    PlotCanvas.write(phase, PlotCanvas.tile(panels, 2));
    List<DiracPlot.Curve> all = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) all.add(curve(runs, i, i, runs.get(i).method().scheme() == Scheme.ALTERNATING));
    int longest = runs.stream().mapToInt(Run::steps).max().orElse(cfg.steps());
    PlotCanvas.write(distance, DiracPlot.distance("Dirac GAN: distance to the equilibrium (0, 0)", all, longest));
    return List.of(phase, distance);
  }

  private static DiracPlot.Curve curve(List<Run> runs, int i, int color, boolean dashed) {
    Run run = runs.get(i);
    Method m = run.method();
    String steps = m.hG() == m.hD() ? "h " + fmt(m.hG()) : "h_G " + fmt(m.hG()) + ", h_D " + fmt(m.hD());
    String name = m.name().replace("simultaneous, smaller step", "smaller step").replace("simultaneous", "sim.").replace("alternating", "alt.");
    return new DiracPlot.Curve(name + ", " + steps, run.engine(), color, dashed);
  }

  /** 0.2, 0.05, 1: the shortest decimal that round-trips (the step sizes are given in decimal). */
  private static String fmt(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
