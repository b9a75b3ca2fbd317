package dev.duel.gan.demo;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.Losses;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.nn.Module;
import dev.duel.nn.Sequential;
import dev.duel.nn.optim.Adam;
import dev.duel.nn.optim.Sgd;
import java.util.Locale;

/**
 * Goodfellow et al.'s minimax game in one dimension, trained with the engine: a known p_data, a
 * discriminator D (an MLP giving a logit) and a generator G, either affine (x = a·z + b, z ~ N(0, 1),
 * so p_g = N(b, a²) exactly) or a small MLP (p_g then estimated by pushing a fine z grid through G).
 *
 * <p>One round of {@link #round} is Algorithm 1 with D trained to convergence: (1) D steps on
 * L_D = BCE(D(x), 1) + BCE(D(G(z)), 0), whose minimiser is D*(x) = p_data/(p_data + p_g);
 * (2) G steps on the non-saturating L_G = −log D(G(z)) (or the minimax log(1 − D(G(z)))).
 * {@link #evaluate} then compares the trained D with D* and V(D, G) with C(G) and −log 4.
 */
public final class Game1d {
  /** The generator family. */
  public enum GeneratorKind { AFFINE, MLP }

  /** The generator's objective (docs/math.md "The non-saturating generator loss"). */
  public enum GeneratorLoss { NON_SATURATING, MINIMAX }

  /**
   * @param data            p_data
   * @param generator       affine or MLP
   * @param gLoss           the generator's objective
   * @param hidden          width of D's (and the MLP G's) hidden layer
   * @param batch           real and fake samples per step (each)
   * @param dStepsFirst     D steps before the first evaluation (from scratch to convergence)
   * @param dSteps          D steps per later round (warm-started, to convergence again)
   * @param gSteps          G steps per round
   * @param dLr             D's Adam learning rate at the start of each D phase (cosine decay to dLr/100)
   * @param gLr             G's SGD learning rate
   * @param initScale       the affine G's initial a
   * @param initShift       the affine G's initial b
   * @param seed            Philox seed of every draw (weights, data, noise)
   */
  public record Config(Density1d data, GeneratorKind generator, GeneratorLoss gLoss, int hidden, int batch,
                       int dStepsFirst, int dSteps, int gSteps, float dLr, float gLr,
                       float initScale, float initShift, long seed) {
    public Config {
      if (hidden < 1 || batch < 1 || dStepsFirst < 0 || dSteps < 0 || gSteps < 0 || !(dLr > 0) || !(gLr > 0)) {
        throw new IllegalArgumentException("game1d: sizes must be positive and step counts non-negative (hidden=" + hidden
            + ", batch=" + batch + ", dStepsFirst=" + dStepsFirst + ", dSteps=" + dSteps + ", gSteps=" + gSteps
            + ", dLr=" + dLr + ", gLr=" + gLr + ")");
      }
    }

    /** The demo's defaults for the given p_data and generator family. */
    public static Config defaults(Density1d data, GeneratorKind generator) {
      return new Config(data, generator, GeneratorLoss.NON_SATURATING, 32, 512, 2000, 300, 25, 1e-2f, 1e-2f, 1.0f, -1.0f, 1L);
    }
  }

  /**
   * The state of the game on a uniform grid x_i = lo + i·h, i = 0..n (n even).
   *
   * @param lo             the grid's first point
   * @param h              the grid spacing
   * @param pData          p_data on the grid
   * @param pG             p_g on the grid (exact for an affine G, a push-forward histogram for an MLP G)
   * @param d              the trained D(x) = σ(logit(x))
   * @param dStar          D*(x) = p_data/(p_data + p_g)
   * @param support        the {@link #SUPPORT_MASS} highest-density region of m = (p_data + p_g)/2: where the gap is measured
   * @param maxGap         max over the support of |D − D*|
   * @param value          V(D, G) of the trained D, by Simpson's rule
   * @param criterion      C(G) = V(D*, G)
   * @param jsd            JSD(p_data ‖ p_g), from its own definition (C(G) = −log 4 + 2·JSD checks it)
   * @param gSamples       samples of G for the histogram
   * @param round          rounds completed before this snapshot
   * @param generatorSteps G steps done before this snapshot
   * @param affine         the affine G's (a, b) at this snapshot, or null for an MLP G
   * @param zMarks         evenly spaced z (the arrows of Goodfellow et al.'s Figure 1)
   * @param xMarks         x = G(z) at zMarks
   */
  public record Snapshot(double lo, double h, double[] pData, double[] pG, double[] d, double[] dStar, boolean[] support,
                         double maxGap, double value, double criterion, double jsd, float[] gSamples,
                         int round, long generatorSteps, float[] affine, float[] zMarks, float[] xMarks) {
    public double x(int i) {
      return lo + i * h;
    }

    public int size() {
      return pData.length;
    }
  }

  /**
   * The gap |D − D*| is measured on the highest-density region of m = (p_data + p_g)/2 that holds this
   * share of its mass: where D's training samples (half real, half fake) lie, all but the sparsest 1%.
   */
  public static final double SUPPORT_MASS = 0.99;
  /** The x range of the pictures; the evaluation grid always covers it. */
  static final double PLOT_MIN = -4, PLOT_MAX = 4;
  /** Grid intervals of the evaluation (even, for Simpson's rule). */
  static final int GRID_INTERVALS = 4000;
  /** z grid points pushed through an MLP G to estimate p_g. */
  static final int PUSHFORWARD_POINTS = 200_000;

  /** z = −2, −1.75, ..., 2: where the figure draws the arrows z → G(z). */
  private static final float[] Z_MARKS = new float[17];
  static {
    for (int i = 0; i < Z_MARKS.length; i++) Z_MARKS[i] = -2f + 0.25f * i;
  }

  private final Config cfg;
  private final Backend backend;
  private final Generator rng;
  private final Sequential d;
  private final Module g;
  private final Adam optD;
  private final Sgd optG;
  private int round;
  private long gStepsDone;

  public Game1d(Config cfg, Backend backend) {
    this.cfg = cfg;
    this.backend = backend;
    this.rng = new Generator(cfg.seed());
    this.d = Game1dNets.discriminator(backend, rng, cfg.hidden());
    this.g = cfg.generator() == GeneratorKind.AFFINE
        ? new Game1dNets.AffineGenerator(backend, cfg.initScale(), cfg.initShift())
        : Game1dNets.mlpGenerator(backend, rng, cfg.hidden());
    // D's problem is supervised (logistic regression on a fixed p_g): Adam's usual betas converge best.
    this.optD = new Adam(d.parameters(), cfg.dLr(), 0.9f, 0.999f);
    // Plain SGD for G: its step shrinks with the gradient as D → ½ (Adam would keep taking lr-sized
    // steps on the vanishing signal and make G wander around p_data).
    this.optG = new Sgd(g.parameters(), cfg.gLr(), 0f, 0f, 0f, false);
  }

  public Config config() {
    return cfg;
  }

  /** The affine G's (a, b), or null for an MLP G. */
  public float[] affineParameters() {
    return g instanceof Game1dNets.AffineGenerator ag ? new float[] {ag.a(), ag.b()} : null;
  }

  public int roundsDone() {
    return round;
  }

  public long generatorStepsDone() {
    return gStepsDone;
  }

  /**
   * (1) Update D: maximise log D(x) + log(1 − D(G(z))), i.e. minimise
   * L_D = BCE(D(x), 1) + BCE(D(G(z)), 0), G fixed, fresh samples each step; the learning rate follows
   * a cosine from dLr down to dLr/100 so that D settles at the minimiser D*. Returns the last L_D.
   */
  public double trainDiscriminator(int steps) {
    double last = Double.NaN;
    for (int s = 0; s < steps; s++) {
      optD.setLr((float) (cfg.dLr() * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * s / steps)))));
      try (MemoryScope step = MemoryScope.open()) {
        Tensor real = Tensor.of(backend, cfg.data().sample(backend, rng, cfg.batch()), cfg.batch(), 1);
        Tensor fake;
        try (GradMode off = GradMode.disabled()) {
          fake = g.forward(rng.normal(backend, 0f, 1f, cfg.batch(), 1));
        }
        optD.zeroGrad();
        Tensor lossD = Losses.bceWithLogits(d.forward(real), 1f).add(Losses.bceWithLogits(d.forward(fake), 0f));
        lossD.backward();
        optD.step();
        last = lossD.item();
      }
    }
    return last;
  }

  /**
   * (2) Update G with D fixed: minimise −log D(G(z)) (non-saturating) or log(1 − D(G(z))) (minimax).
   * Returns the last L_G.
   */
  public double trainGenerator(int steps) {
    double last = Double.NaN;
    setRequiresGrad(d, false);    // D is fixed: only ∂L_G/∂x flows through it
    try {
      for (int s = 0; s < steps; s++) {
        try (MemoryScope step = MemoryScope.open()) {
          Tensor dFake = d.forward(g.forward(rng.normal(backend, 0f, 1f, cfg.batch(), 1)));
          optG.zeroGrad();
          Tensor lossG = cfg.gLoss() == GeneratorLoss.NON_SATURATING
              ? Losses.bceWithLogits(dFake, 1f)              // −log σ(dFake)
              : Losses.bceWithLogits(dFake, 0f).neg();       // log(1 − σ(dFake))
          lossG.backward();
          optG.step();
          last = lossG.item();
          gStepsDone++;
        }
      }
    } finally {
      setRequiresGrad(d, true);
    }
    return last;
  }

  /** One round: D to convergence against the current G, then the G steps. Returns the snapshot taken between the two. */
  public Snapshot round() {
    trainDiscriminator(round == 0 ? cfg.dStepsFirst() : cfg.dSteps());
    Snapshot s = evaluate();
    trainGenerator(cfg.gSteps());
    round++;
    return s;
  }

  /** The game on the evaluation grid: densities, D, D*, the gap, V(D, G), C(G), JSD. */
  public Snapshot evaluate() {
    double lo = Math.min(cfg.data().lo(), PLOT_MIN), hi = Math.max(cfg.data().hi(), PLOT_MAX);
    Density1d.Normal affine = g instanceof Game1dNets.AffineGenerator ag ? ag.density() : null;
    if (affine != null) {
      lo = Math.min(lo, affine.lo());
      hi = Math.max(hi, affine.hi());
    }
    int n = GRID_INTERVALS;
    double h = (hi - lo) / n;
    double[] xs = new double[n + 1];
    for (int i = 0; i <= n; i++) xs[i] = lo + i * h;
    double[] pData = new double[n + 1];
    for (int i = 0; i <= n; i++) pData[i] = cfg.data().pdf(xs[i]);
    double[] pG = affine != null ? tabulate(affine, xs) : pushforward(lo, h, n);
    double[] logit = logits(xs);

    double[] dx = new double[n + 1], dStar = new double[n + 1], vTerms = new double[n + 1], cTerms = new double[n + 1];
    double[] klData = new double[n + 1], klG = new double[n + 1];
    boolean[] support = highDensityRegion(pData, pG, SUPPORT_MASS);
    double gap = 0;
    for (int i = 0; i <= n; i++) {
      double pd = pData[i], pg = pG[i], m = 0.5 * (pd + pg);
      dx[i] = 1 / (1 + Math.exp(-logit[i]));
      dStar[i] = GameMath.optimalD(pd, pg);
      if (support[i]) gap = Math.max(gap, Math.abs(dx[i] - dStar[i]));
      vTerms[i] = (pd == 0 ? 0 : pd * GameMath.logSigmoid(logit[i])) + (pg == 0 ? 0 : pg * GameMath.logSigmoid(-logit[i]));
      cTerms[i] = GameMath.xlogy(pd, pd / (pd + pg)) + GameMath.xlogy(pg, pg / (pd + pg));   // 1 − D* would round to 0
      klData[i] = pd == 0 ? 0 : pd * Math.log(pd / m);
      klG[i] = pg == 0 ? 0 : pg * Math.log(pg / m);
    }
    double jsd = 0.5 * GameMath.simpson(klData, h) + 0.5 * GameMath.simpson(klG, h);
    return new Snapshot(lo, h, pData, pG, dx, dStar, support, gap, GameMath.simpson(vTerms, h),
        GameMath.simpson(cTerms, h), jsd, sampleGenerator(20_000), round, gStepsDone, affineParameters(),
        Z_MARKS.clone(), generate(Z_MARKS));
  }

  /** n samples x = G(z), z ~ N(0, 1). */
  public float[] sampleGenerator(int n) {
    try (GradMode off = GradMode.disabled(); MemoryScope scope = MemoryScope.open()) {
      return g.forward(rng.normal(backend, 0f, 1f, n, 1)).toArray();
    }
  }

  /** x = G(z) for the given z. */
  public float[] generate(float[] z) {
    try (GradMode off = GradMode.disabled(); MemoryScope scope = MemoryScope.open()) {
      return g.forward(Tensor.of(backend, z, z.length, 1)).toArray();
    }
  }

  /** D's logit at each x. */
  double[] logits(double[] xs) {
    float[] xf = new float[xs.length];
    for (int i = 0; i < xs.length; i++) xf[i] = (float) xs[i];
    float[] a;
    try (GradMode off = GradMode.disabled(); MemoryScope scope = MemoryScope.open()) {
      a = d.forward(Tensor.of(backend, xf, xf.length, 1)).toArray();
    }
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) out[i] = a[i];
    return out;
  }

  /**
   * The grid points of the highest-density region of m = (p + q)/2 holding {@code mass} of its total:
   * the points with the largest m, taken in decreasing order until their share of Σm reaches mass.
   */
  static boolean[] highDensityRegion(double[] p, double[] q, double mass) {
    int n = p.length;
    Integer[] order = new Integer[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      order[i] = i;
      total += p[i] + q[i];
    }
    java.util.Arrays.sort(order, (i, j) -> Double.compare(p[j] + q[j], p[i] + q[i]));
    boolean[] in = new boolean[n];
    double acc = 0;
    for (int k = 0; k < n && acc < mass * total; k++) {
      in[order[k]] = true;
      acc += p[order[k]] + q[order[k]];
    }
    return in;
  }

  private static double[] tabulate(Density1d p, double[] xs) {
    double[] out = new double[xs.length];
    for (int i = 0; i < xs.length; i++) out[i] = p.pdf(xs[i]);
    return out;
  }

  /**
   * p_g of an MLP G on the grid, by pushing the N(0, 1) density through G: z_j on a fine grid over
   * [−6, 6] carries mass φ(z_j)·Δz to the cell of the grid point nearest G(z_j); p_g = mass / h.
   */
  private double[] pushforward(double lo, double h, int n) {
    int m = PUSHFORWARD_POINTS;
    double dz = 12.0 / m;
    float[] z = new float[m];
    for (int j = 0; j < m; j++) z[j] = (float) (-6 + (j + 0.5) * dz);
    float[] x;
    try (GradMode off = GradMode.disabled(); MemoryScope scope = MemoryScope.open()) {
      x = g.forward(Tensor.of(backend, z, m, 1)).toArray();
    }
    double[] p = new double[n + 1];
    for (int j = 0; j < m; j++) {
      long cell = Math.round((x[j] - lo) / h);
      if (cell < 0 || cell > n) continue;
      p[(int) cell] += Math.exp(-0.5 * z[j] * z[j]) / Math.sqrt(2 * Math.PI) * dz / h;
    }
    return p;
  }

  private static void setRequiresGrad(Module m, boolean on) {
    for (Tensor p : m.parameters()) p.requiresGrad(on);
  }

  /** One line of the demo's log for a snapshot. */
  public static String describe(Snapshot s) {
    float[] ab = s.affine();
    String gDesc = ab == null ? "mlp" : String.format(Locale.ROOT, "a=%+.3f b=%+.3f", ab[0], ab[1]);
    return String.format(Locale.ROOT, "round %3d  G steps %5d  %s  max|D−D*| %.4f  V(D,G) %.5f  C(G) %.5f  −log4 %.5f  JSD %.5f",
        s.round(), s.generatorSteps(), gDesc, s.maxGap(), s.value(), s.criterion(), -Math.log(4), s.jsd());
  }
}
