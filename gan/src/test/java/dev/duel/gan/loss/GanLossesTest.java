package dev.duel.gan.loss;

import static dev.duel.gan.loss.TestNets.assertClose;
import static dev.duel.gan.loss.TestNets.scores;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Each loss on one hand-worked case: D(x) = [0, 2], D(G(z)) = [1, −2] (N = 2), values and gradients
 * w.r.t. both. Numbers used: softplus(0) = ln 2 = 0.693147, softplus(±1) = 1.313262 / 0.313262,
 * softplus(±2) = 2.126928 / 0.126928, σ(0) = 0.5, σ(1) = 0.731059, σ(2) = 0.880797, σ(−2) = 0.119203.
 */
class GanLossesTest {
  static final double TOL = 1e-5;
  static final float[] REAL = {0f, 2f};
  static final float[] FAKE = {1f, -2f};

  /** Evaluates L_D, checks its value and ∂L_D/∂D(x), ∂L_D/∂D(G(z)). */
  static void checkD(GanLoss loss, float target, double value, double[] gReal, double[] gFake) {
    Tensor r = scores(REAL), f = scores(FAKE);
    Tensor l = loss.discriminatorLoss(r, f, target);
    assertEquals(value, l.item(), TOL, loss.name() + " L_D");
    l.backward();
    assertClose(gReal, TestNets.gradOf(r), TOL, loss.name() + " ∂L_D/∂D(x)");
    assertClose(gFake, TestNets.gradOf(f), TOL, loss.name() + " ∂L_D/∂D(G(z))");
  }

  static void checkG(GanLoss loss, double value, double[] gFake) {
    Tensor f = scores(FAKE);
    Tensor l = loss.generatorLoss(f);
    assertEquals(value, l.item(), TOL, loss.name() + " L_G");
    l.backward();
    assertClose(gFake, TestNets.gradOf(f), TOL, loss.name() + " ∂L_G/∂D(G(z))");
  }

  @Test
  void minimax() {
    // L_D = E softplus(−D(x)) + E softplus(D(G(z))) = (softplus(0) + softplus(−2))/2 + (softplus(1) + softplus(−2))/2
    //     = (0.693147 + 0.126928)/2 + (1.313262 + 0.126928)/2 = 0.410038 + 0.720095 = 1.130133.
    // ∂/∂D(x_i) = (σ(D(x_i)) − 1)/2 = [−0.25, (0.880797 − 1)/2 = −0.059601]; ∂/∂D(G(z_i)) = σ/2 = [0.365529, 0.059601].
    checkD(new Minimax(), 1f, 1.1301324, new double[] {-0.25, -0.0596015}, new double[] {0.3655293, 0.0596015});
    // L_G = E log(1 − σ(D(G(z)))) = −E softplus(D(G(z))) = −0.720095; ∂/∂D(G(z_i)) = −σ/2 = [−0.365529, −0.059601].
    checkG(new Minimax(), -0.7200948, new double[] {-0.3655293, -0.0596015});
  }

  @Test
  void nonSaturating() {
    // L_D as minimax.
    checkD(new NonSaturating(), 1f, 1.1301324, new double[] {-0.25, -0.0596015}, new double[] {0.3655293, 0.0596015});
    // L_G = E softplus(−D(G(z))) = (softplus(−1) + softplus(2))/2 = (0.313262 + 2.126928)/2 = 1.220095;
    // ∂/∂D(G(z_i)) = (σ − 1)/2 = [(0.731059 − 1)/2, (0.119203 − 1)/2] = [−0.134471, −0.440399].
    checkG(new NonSaturating(), 1.2200948, new double[] {-0.1344707, -0.4403985});
  }

  @Test
  void oneSidedLabelSmoothingOnBce() {
    // t = 0.9: bce(a, t) = softplus(a) − t·a. Real part = (ln 2 − 0 + 2.126928 − 1.8)/2 = 0.510038; fake part
    // unchanged (target 0) = 0.720095; L_D = 1.230133. ∂/∂D(x_i) = (σ − 0.9)/2 = [−0.2, −0.009601].
    float t = OneSidedLabelSmoothing.realTarget(OneSidedLabelSmoothing.DEFAULT_SMOOTHING);
    assertEquals(0.9f, t, 1e-7f);
    checkD(new Minimax(), t, 1.2301324, new double[] {-0.2, -0.0096015}, new double[] {0.3655293, 0.0596015});
    checkD(new NonSaturating(), t, 1.2301324, new double[] {-0.2, -0.0096015}, new double[] {0.3655293, 0.0596015});
    assertEquals(1f, OneSidedLabelSmoothing.realTarget(0f));
    assertThrows(IllegalArgumentException.class, () -> OneSidedLabelSmoothing.realTarget(1f));
    assertThrows(IllegalArgumentException.class, () -> OneSidedLabelSmoothing.realTarget(-0.1f));
  }

  @Test
  void leastSquares() {
    // L_D = ½E(D(x) − 1)² + ½E D(G(z))² = ½·((−1)² + 1²)/2 + ½·(1² + (−2)²)/2 = 0.5 + 1.25 = 1.75.
    // ∂/∂D(x_i) = (D(x_i) − 1)/2 = [−0.5, 0.5]; ∂/∂D(G(z_i)) = D(G(z_i))/2 = [0.5, −1].
    checkD(new LeastSquares(), 1f, 1.75, new double[] {-0.5, 0.5}, new double[] {0.5, -1.0});
    // t = 0.9: ½·(0.81 + 1.21)/2 + 1.25 = 0.505 + 1.25 = 1.755; ∂/∂D(x_i) = (D(x_i) − 0.9)/2 = [−0.45, 0.55].
    checkD(new LeastSquares(), 0.9f, 1.755, new double[] {-0.45, 0.55}, new double[] {0.5, -1.0});
    // L_G = ½E(D(G(z)) − 1)² = ½·(0 + 9)/2 = 2.25; ∂/∂D(G(z_i)) = (D(G(z_i)) − 1)/2 = [0, −1.5].
    checkG(new LeastSquares(), 2.25, new double[] {0.0, -1.5});
  }

  @Test
  void wasserstein() {
    // L_D = E D(G(z)) − E D(x) = (1 − 2)/2 − (0 + 2)/2 = −1.5; ∂/∂D(x_i) = −1/2, ∂/∂D(G(z_i)) = 1/2.
    GanLoss w = GanLosses.byName("wgan");
    checkD(w, 1f, -1.5, new double[] {-0.5, -0.5}, new double[] {0.5, 0.5});
    checkD(w, 0.9f, -1.5, new double[] {-0.5, -0.5}, new double[] {0.5, 0.5}); // the real target is ignored
    // L_G = −E D(G(z)) = −(1 − 2)/2 = 0.5; ∂/∂D(G(z_i)) = −1/2.
    checkG(w, 0.5, new double[] {-0.5, -0.5});
    assertTrue(w.isCritic());
    assertEquals(0.01f, w.weightClipping().clip());
    assertNull(w.regularizer());
    GanLoss gp = GanLosses.byName("wgan-gp");
    checkD(gp, 1f, -1.5, new double[] {-0.5, -0.5}, new double[] {0.5, 0.5});
    assertTrue(gp.isCritic());
    assertNull(gp.weightClipping());
    assertEquals(10f, assertInstanceOf(GradientPenalty.class, gp.regularizer()).lambda());
  }

  @Test
  void hinge() {
    // L_D = E relu(1 − D(x)) + E relu(1 + D(G(z))) = (relu(1) + relu(−1))/2 + (relu(2) + relu(−1))/2 = 0.5 + 1 = 1.5.
    // ∂/∂D(x_i) = −[1 − D(x_i) > 0]/2 = [−0.5, 0]; ∂/∂D(G(z_i)) = [1 + D(G(z_i)) > 0]/2 = [0.5, 0].
    checkD(new Hinge(), 1f, 1.5, new double[] {-0.5, 0.0}, new double[] {0.5, 0.0});
    // L_G = −E D(G(z)) = 0.5; ∂/∂D(G(z_i)) = −1/2.
    checkG(new Hinge(), 0.5, new double[] {-0.5, -0.5});
    assertFalse(new Hinge().isCritic());
  }

  @Test
  void saturatingGeneratorGradientVanishesWhereNonSaturatingDoesNot() {
    // D(G(z)) = −10 (D rejects the fake): minimax ∂L_G = −σ(−10) = −4.54e-5, non-saturating σ(−10) − 1 ≈ −0.99995.
    Tensor a = scores(-10f), b = scores(-10f);
    new Minimax().generatorLoss(a).backward();
    new NonSaturating().generatorLoss(b).backward();
    assertEquals(-4.5398e-5, a.grad().item(), 1e-8);
    assertEquals(-0.9999546, b.grad().item(), 1e-6);
  }

  @Test
  void extremeLogitsStayFinite() {
    // D(x) = −100, D(G(z)) = 100: L_D = softplus(100) + softplus(100) = 200 exactly, no overflow or NaN.
    for (GanLoss loss : new GanLoss[] {new Minimax(), new NonSaturating()}) {
      Tensor r = scores(-100f), f = scores(100f);
      Tensor l = loss.discriminatorLoss(r, f, 1f);
      assertEquals(200.0, l.item(), 1e-3, loss.name());
      l.backward();
      assertEquals(-1.0, r.grad().item(), 1e-6);
      assertEquals(1.0, f.grad().item(), 1e-6);
    }
    assertEquals(-100.0, new Minimax().generatorLoss(scores(100f)).item(), 1e-3);
    assertEquals(100.0, new NonSaturating().generatorLoss(scores(-100f)).item(), 1e-3);
  }

  @Test
  void factoryNamesAndErrors() {
    for (String name : GanLosses.NAMES) assertEquals(name, GanLosses.byName(name).name());
    assertEquals("hinge", GanLosses.byName(" HINGE ").name());
    assertEquals(0.05f, GanLosses.byName("wgan", 10f, 0.05f).weightClipping().clip());
    assertEquals(5f, ((GradientPenalty) GanLosses.byName("wgan-gp", 5f, 0.01f).regularizer()).lambda());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GanLosses.byName("wasserstein"));
    assertTrue(e.getMessage().contains("'wasserstein'"), e.getMessage());
    assertTrue(e.getMessage().contains("minimax, non-saturating, lsgan, wgan, wgan-gp, hinge"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> GanLosses.byName(null));
  }

  @Test
  void badInputsAreRefused() {
    Tensor empty = Tensor.zeros(TestNets.CPU, 0, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Hinge().discriminatorLoss(empty, scores(1f), 1f));
    assertTrue(e.getMessage().contains("hinge") && e.getMessage().contains("empty"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Minimax().discriminatorLoss(scores(1f), scores(1f), 1.5f));
    assertThrows(IllegalArgumentException.class, () -> new LeastSquares().generatorLoss(null));
  }
}
