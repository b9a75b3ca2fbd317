package dev.duel.gan.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The 1-D game trained with the engine, against the theory (fixed seeds, CPU). */
class Game1dTest {
  private static final double LOG4 = Math.log(4);

  private static Game1d.Config affine(int dStepsFirst, int dSteps, int gSteps) {
    Game1d.Config d = Game1d.Config.defaults(Density1d.gaussian(), Game1d.GeneratorKind.AFFINE);
    return new Game1d.Config(d.data(), d.generator(), d.gLoss(), d.hidden(), d.batch(), dStepsFirst, dSteps, gSteps,
        d.dLr(), d.gLr(), d.initScale(), d.initShift(), 1L);
  }

  /** One run shared by the two tests below: round 0's snapshot, then the snapshot after 9 rounds. */
  private static Game1d.Snapshot first, last;
  private static float[] finalAffine;

  @BeforeAll
  static void play() {
    Game1d game = new Game1d(affine(1500, 250, 25), Devices.cpu());
    first = game.round();              // D trained from scratch against the initial G, before any G step
    Game1d.Snapshot s = first;
    for (int r = 1; r < 9; r++) s = game.round();
    last = s;
    finalAffine = game.affineParameters();
  }

  @Test
  void trainedDiscriminatorMatchesTheOptimalOneAgainstAFixedAffineGenerator() {
    // G fixed at x = 1·z − 1, so p_g = N(−1, 1) exactly; p_data = N(1, 0.5²). D* has a quadratic logit.
    Game1d.Snapshot s = first;
    assertEquals(0, s.generatorSteps());
    assertTrue(s.maxGap() < 0.05, "max |D − D*| on the support = " + s.maxGap());
    // The gap is measured over a real interval, not a handful of points: about ±2.6σ around each mean.
    int inSupport = 0;
    for (boolean b : s.support()) if (b) inSupport++;
    assertTrue(inSupport * s.h() > 5.0, "support length " + inSupport * s.h());
    // D* maximises V(·, G): the trained D is just below C(G), and close to it.
    assertTrue(s.value() <= s.criterion() + 1e-6, "V(D, G) = " + s.value() + " > C(G) = " + s.criterion());
    assertEquals(s.criterion(), s.value(), 0.01);
    assertEquals(-LOG4 + 2 * s.jsd(), s.criterion(), 1e-9);
    // The exact affine p_g is what the snapshot used.
    assertEquals(new Density1d.Normal(-1, 1).pdf(0.3), s.pG()[(int) Math.round((0.3 - s.lo()) / s.h())], 1e-3);
  }

  @Test
  void alternatingRoundsDriveTheAffineGeneratorToTheDataAndVToMinusLog4() {
    assertEquals(0.5, Math.abs(finalAffine[0]), 0.05, "a");
    assertEquals(1.0, finalAffine[1], 0.08, "b");
    assertTrue(last.jsd() < 0.01 && last.jsd() < first.jsd() / 20, "JSD " + first.jsd() + " → " + last.jsd());
    assertEquals(-LOG4, last.criterion(), 0.02);
    assertEquals(-LOG4, last.value(), 0.03);
  }

  @Test
  void highDensityRegionOfAGaussianIsItsCentralInterval() {
    Density1d.Normal n = new Density1d.Normal(0, 1);
    int points = 8001;
    double lo = -8, h = 16.0 / (points - 1);
    double[] p = new double[points], zero = new double[points];
    for (int i = 0; i < points; i++) p[i] = n.pdf(lo + i * h);
    boolean[] in = Game1d.highDensityRegion(p, zero, 0.99);
    double first = Double.NaN, last = Double.NaN;
    for (int i = 0; i < points; i++) {
      if (in[i]) {
        if (Double.isNaN(first)) first = lo + i * h;
        last = lo + i * h;
      }
    }
    assertEquals(-2.5758, first, 0.01);
    assertEquals(2.5758, last, 0.01);
  }

  @Test
  void mixtureSamplesHaveTheMixtureMoments() {
    Density1d p = Density1d.twoModes();           // ½N(−1.5, 0.4²) + ½N(1.5, 0.4²): mean 0, variance 0.16 + 2.25
    float[] x = p.sample(Devices.cpu(), new Generator(7), 40_000);
    double m = 0, v = 0;
    for (float f : x) m += f;
    m /= x.length;
    for (float f : x) v += (f - m) * (f - m);
    v /= x.length;
    assertEquals(0, m, 0.03);
    assertEquals(2.41, v, 0.05);
  }
}
