package dev.duel.gan.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** The 1-D game's math in float64: D*, C(G) = −log 4 + 2·JSD, KL, Simpson's rule. */
class GameMathTest {
  private static final double LOG4 = Math.log(4);

  /** KL(N(m1, s1²) ‖ N(m2, s2²)) in closed form. */
  private static double klNormal(double m1, double s1, double m2, double s2) {
    return Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) * (m1 - m2)) / (2 * s2 * s2) - 0.5;
  }

  @Test
  void valueOfOptimalDiscriminatorIsMinusLog4WhenGeneratorMatchesData() {
    for (Density1d p : new Density1d[] {Density1d.gaussian(), Density1d.twoModes(), new Density1d.Normal(-3, 0.1)}) {
      DoubleUnaryOperator pd = p::pdf;
      double lo = p.lo(), hi = p.hi();
      // V(D*, G) with D* = p_data/(p_data + p_g) = ½, integrated as V, and as C(G).
      double v = GameMath.valueFunction(pd, pd, x -> GameMath.optimalD(p.pdf(x), p.pdf(x)), lo, hi, 4000);
      double c = GameMath.trainingCriterion(pd, pd, lo, hi, 4000);
      assertEquals(-LOG4, v, 1e-6, p.describe());
      assertEquals(-LOG4, c, 1e-6, p.describe());
      assertEquals(0, GameMath.jsd(pd, pd, lo, hi, 4000), 1e-9, p.describe());
    }
  }

  @Test
  void criterionIsMinusLog4PlusTwiceJsdAndAboveItsMinimum() {
    Density1d data = Density1d.gaussian();
    double[][] gs = {{-1, 1}, {1, 0.5 * 1.2}, {1.1, 0.5}, {0, 3}, {6, 0.3}};
    for (double[] g : gs) {
      Density1d.Normal pg = new Density1d.Normal(g[0], g[1]);
      double lo = Math.min(data.lo(), pg.lo()), hi = Math.max(data.hi(), pg.hi());
      double c = GameMath.trainingCriterion(data::pdf, pg::pdf, lo, hi, 20000);
      double jsd = GameMath.jsd(data::pdf, pg::pdf, lo, hi, 20000);
      assertEquals(-LOG4 + 2 * jsd, c, 1e-9, pg.describe());
      assertTrue(c > -LOG4 + 1e-6 && jsd <= Math.log(2) + 1e-9, pg.describe() + ": C(G) = " + c + ", JSD = " + jsd);
    }
    // Nearly disjoint supports: JSD → log 2, C(G) → 0.
    Density1d.Normal far = new Density1d.Normal(40, 0.5);
    assertEquals(0, GameMath.trainingCriterion(data::pdf, far::pdf, -10, 50, 60000), 1e-9);
  }

  @Test
  void optimalDiscriminatorMaximisesTheValueFunction() {
    Density1d data = Density1d.gaussian();
    Density1d.Normal pg = new Density1d.Normal(-1, 1);
    double lo = -9, hi = 9;
    double best = GameMath.valueFunction(data::pdf, pg::pdf, x -> GameMath.optimalD(data.pdf(x), pg.pdf(x)), lo, hi, 8000);
    assertEquals(GameMath.trainingCriterion(data::pdf, pg::pdf, lo, hi, 8000), best, 1e-9);
    // Any other D is worse: push D* up or down by a bump, or replace it by a constant ½.
    for (double eps : new double[] {-0.2, -0.01, 0.01, 0.2}) {
      DoubleUnaryOperator d = x -> {
        double s = GameMath.optimalD(data.pdf(x), pg.pdf(x)) + eps * Math.exp(-x * x);
        return Math.min(1 - 1e-12, Math.max(1e-12, s));
      };
      assertTrue(GameMath.valueFunction(data::pdf, pg::pdf, d, lo, hi, 8000) < best, "eps " + eps);
    }
    assertTrue(GameMath.valueFunction(data::pdf, pg::pdf, x -> 0.5, lo, hi, 8000) < best);
    assertEquals(-LOG4, GameMath.valueFunction(data::pdf, pg::pdf, x -> 0.5, lo, hi, 8000), 1e-9); // D = ½ gives −log 4 for any G
  }

  @Test
  void klMatchesTheClosedFormForGaussians() {
    double[][] cases = {{0, 1, 0, 1}, {1, 0.5, -1, 1}, {-1, 1, 1, 0.5}, {0.3, 2, 0, 0.7}};
    for (double[] k : cases) {
      Density1d.Normal p = new Density1d.Normal(k[0], k[1]), q = new Density1d.Normal(k[2], k[3]);
      double lo = Math.min(p.lo(), q.lo()), hi = Math.max(p.hi(), q.hi());
      assertEquals(klNormal(k[0], k[1], k[2], k[3]), GameMath.kl(p::pdf, q::pdf, lo, hi, 20000), 1e-8,
          p.describe() + " ‖ " + q.describe());
    }
  }

  @Test
  void logitFormOfTheValueFunctionAgreesAndStaysFinite() {
    Density1d data = Density1d.gaussian();
    Density1d.Normal pg = new Density1d.Normal(-1, 1);
    DoubleUnaryOperator logit = x -> Math.log(data.pdf(x)) - Math.log(pg.pdf(x));   // the logit of D*
    double fromLogits = GameMath.valueFunctionFromLogits(data::pdf, pg::pdf, logit, -6, 6, 6000);
    double fromD = GameMath.valueFunction(data::pdf, pg::pdf, x -> GameMath.optimalD(data.pdf(x), pg.pdf(x)), -6, 6, 6000);
    assertEquals(fromD, fromLogits, 1e-9);
    assertEquals(-1000, GameMath.logSigmoid(-1000), 1e-12);
    assertEquals(-Math.exp(-40), GameMath.logSigmoid(40), 1e-25);
    assertEquals(-Math.log(2), GameMath.logSigmoid(0), 1e-15);
    // A confident, wrong D gives a very negative but finite V.
    double v = GameMath.valueFunctionFromLogits(data::pdf, pg::pdf, x -> -500, -6, 6, 600);
    assertTrue(Double.isFinite(v) && v < -400, "V = " + v);
  }

  @Test
  void simpsonIsExactForCubicsAndRejectsBadGrids() {
    assertEquals(Math.pow(2, 4) / 4 - 1.0 / 4 * Math.pow(-1, 4) + 3, GameMath.simpson(x -> x * x * x + 1, -1, 2, 2), 1e-12);
    double[] f = {0, 1, 4, 9, 16};     // x² on 0..4, h = 1
    assertEquals(64.0 / 3, GameMath.simpson(f, 1), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> GameMath.simpson(new double[] {1, 2, 3, 4}, 1));
    assertThrows(IllegalArgumentException.class, () -> GameMath.simpson(x -> x, 1, 0, 10));
  }

  /**
   * The numbers of docs/math.md section 4's mixture table, in float64: against p_data = ½N(−1.5, 0.4²) +
   * ½N(1.5, 0.4²), the non-saturating loss follows KL(p_g ‖ p_data) − 2·JSD, which is 0.262 on one mode
   * and 1.376 for the JSD-optimal N(0, 1.54²) (KL 1.745, JSD 0.185). scipy's adaptive quadrature gives
   * 1.745420, 0.184705, 1.376011 and 0.692888, 0.215669, 0.261551.
   */
  @Test
  void mixtureDivergences() {
    Density1d data = Density1d.twoModes();
    double lo = -12, hi = 12;
    int n = 24000;
    Density1d.Normal wide = new Density1d.Normal(0, 1.54), oneMode = new Density1d.Normal(-1.5, 0.4);
    double klWide = GameMath.kl(wide::pdf, data::pdf, lo, hi, n), jsdWide = GameMath.jsd(data::pdf, wide::pdf, lo, hi, n);
    double klOne = GameMath.kl(oneMode::pdf, data::pdf, lo, hi, n), jsdOne = GameMath.jsd(data::pdf, oneMode::pdf, lo, hi, n);
    assertEquals(1.745420, klWide, 1e-5);
    assertEquals(0.184705, jsdWide, 1e-5);
    assertEquals(1.376011, klWide - 2 * jsdWide, 1e-5);
    assertEquals(0.692888, klOne, 1e-5);
    assertEquals(0.215669, jsdOne, 1e-5);
    assertEquals(0.261551, klOne - 2 * jsdOne, 1e-5);
    // N(0, 1.54²) is the JSD-minimising centred Gaussian on a 0.01 grid of widths.
    for (double s : new double[] {1.53, 1.55}) {
      Density1d.Normal q = new Density1d.Normal(0, s);
      assertTrue(GameMath.jsd(data::pdf, q::pdf, lo, hi, n) > jsdWide, "width " + s);
    }
  }
}
