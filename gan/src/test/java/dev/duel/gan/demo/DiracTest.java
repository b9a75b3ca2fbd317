package dev.duel.gan.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Devices;
import dev.duel.gan.demo.DiracMath.Method;
import dev.duel.gan.demo.DiracMath.Scheme;
import org.junit.jupiter.api.Test;

/**
 * The Dirac GAN (docs/math.md, "Training dynamics"): the engine's gradient steps are the closed-form
 * updates, the Jacobians at the equilibrium are the stated ones, simultaneous plain GD spirals out,
 * alternating GD cycles, and R1 converges — for the step sizes named in each test.
 */
class DiracTest {
  private static final Method SIM = new Method("sim", Scheme.SIMULTANEOUS, 0.2, 0.2, 0);
  private static final Method ALT = new Method("alt", Scheme.ALTERNATING, 0.2, 0.2, 0);
  private static final Method TTUR = new Method("ttur", Scheme.SIMULTANEOUS, 0.1, 0.4, 0);
  private static final Method R1_SIM = new Method("r1", Scheme.SIMULTANEOUS, 0.2, 0.2, 1.0);
  private static final Method R1_ALT = new Method("r1 alt", Scheme.ALTERNATING, 0.2, 0.2, 1.0);

  /** The engine (Minimax loss, R1 through createGraph, float32) follows the float64 closed-form map. */
  @Test
  void engineTrajectoriesMatchTheClosedFormUpdates() {
    for (Method m : new Method[] {SIM, ALT, TTUR, R1_SIM, R1_ALT}) {
      double[] engine = DiracGan.trajectory(m, 1.0, 1.0, 200, Devices.cpu());
      double[] exact = DiracMath.trajectory(m, 1.0, 1.0, 200);
      for (int i = 0; i < exact.length; i++) {
        assertEquals(exact[i], engine[i], 1e-4 * Math.max(1, Math.abs(exact[i])), m.name() + " coordinate " + i);
      }
    }
  }

  /** A single step by hand: from (1, 2), s = σ(2); simultaneous: θ' = 1 + 0.2·s·2, ψ' = 2 − 0.2·s·1. */
  @Test
  void oneStepByHand() {
    double s = 1 / (1 + Math.exp(-2));
    double[] p = DiracMath.step(SIM, 1, 2);
    assertEquals(1 + 0.4 * s, p[0], 1e-15);
    assertEquals(2 - 0.2 * s, p[1], 1e-15);
    double[] e = DiracGan.trajectory(SIM, 1, 2, 1, Devices.cpu());
    assertEquals(p[0], e[2], 1e-6);
    assertEquals(p[1], e[3], 1e-6);
  }

  /** Each Jacobian equals the finite-difference derivative of the exact map at (0, 0). */
  @Test
  void jacobiansAreTheDerivativesOfTheUpdateAtTheEquilibrium() {
    double eps = 1e-6;
    for (Method m : new Method[] {SIM, ALT, TTUR, R1_SIM, R1_ALT}) {
      double[] j = DiracMath.jacobian(m);
      double[] dTheta = DiracMath.step(m, eps, 0), dPsi = DiracMath.step(m, 0, eps);
      double[] fd = {dTheta[0] / eps, dPsi[0] / eps, dTheta[1] / eps, dPsi[1] / eps};
      for (int k = 0; k < 4; k++) assertEquals(fd[k], j[k], 1e-6, m.name() + " J[" + k + "]");
    }
  }

  /** Simultaneous: λ = 1 ± i·h·a, |λ| = √(1 + h²a²) > 1; alternating: det J = 1 so |λ| = 1; R1: |λ| < 1. */
  @Test
  void eigenvaluesAreTheStatedOnes() {
    double a = DiracMath.A;
    double[] e = DiracMath.eigenvalues(DiracMath.jacobian(SIM));
    assertEquals(1, e[0], 1e-12);
    assertEquals(0.2 * a, Math.abs(e[1]), 1e-12);
    assertEquals(Math.sqrt(1 + 0.04 * a * a), DiracMath.spectralRadius(SIM), 1e-12);
    assertEquals(Math.sqrt(1 + 0.1 * 0.4 * a * a), DiracMath.spectralRadius(TTUR), 1e-12);
    assertEquals(1, DiracMath.spectralRadius(ALT), 1e-12);
    assertEquals(0.9, DiracMath.spectralRadius(R1_SIM), 1e-6);       // 1 + hλ, λ = −½ (double root for γ = 1)
    assertTrue(DiracMath.spectralRadius(R1_ALT) < 1);
    double[] flow = DiracMath.flowEigenvalues(0);
    assertEquals(0, flow[0], 1e-15);
    assertEquals(a, Math.abs(flow[1]), 1e-15);
  }

  /** Simultaneous plain GD: ‖p'‖² = ‖p‖²·(1 + h²σ(ψθ)²) exactly, so the norm grows at every step. */
  @Test
  void simultaneousGradientDescentDiverges() {
    double[] p = DiracGan.trajectory(SIM, 1, 1, 600, Devices.cpu());
    double[] x = DiracMath.trajectory(SIM, 1, 1, 600);
    for (int i = 1; i <= 600; i++) {
      double th = x[2 * i - 2], ps = x[2 * i - 1], s = DiracMath.sigmoid(th * ps);
      double before = th * th + ps * ps, after = x[2 * i] * x[2 * i] + x[2 * i + 1] * x[2 * i + 1];
      assertEquals(before * (1 + 0.04 * s * s), after, 1e-12 * after, "step " + i);
      assertTrue(Math.hypot(p[2 * i], p[2 * i + 1]) > Math.hypot(p[2 * i - 2], p[2 * i - 1]) - 1e-6, "engine norm, step " + i);
    }
    assertTrue(Math.hypot(p[1200], p[1201]) > 2 * Math.sqrt(2), "600 steps of h = 0.2 more than double the distance");
  }

  /** Alternating GD neither converges nor diverges: the distance stays within a factor 2 of the start. */
  @Test
  void alternatingGradientDescentCycles() {
    double[] p = DiracGan.trajectory(ALT, 1, 1, 600, Devices.cpu());
    double r0 = Math.sqrt(2);
    for (int i = 0; i <= 600; i++) {
      double r = Math.hypot(p[2 * i], p[2 * i + 1]);
      assertTrue(r > r0 / 2 && r < 2 * r0, "step " + i + ": " + r);
    }
  }

  /** R1 with γ = 1 and h = 0.2 converges to (0, 0), simultaneous or alternating. */
  @Test
  void r1Converges() {
    for (Method m : new Method[] {R1_SIM, R1_ALT}) {
      double[] p = DiracGan.trajectory(m, 1, 1, 600, Devices.cpu());
      assertTrue(Math.hypot(p[1200], p[1201]) < 1e-6, m.name() + ": " + Math.hypot(p[1200], p[1201]));
    }
  }
}
