package dev.duel.gan.loss;

import static dev.duel.gan.loss.TestNets.CPU;
import static dev.duel.gan.loss.TestNets.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.nn.Linear;
import org.junit.jupiter.api.Test;

class GradientPenaltyTest {
  static final float[] X = {1f, 1f, 0.5f, 1f};          // 2×2

  @Test
  void linearCriticHandWorked() {
    // D(x) = w·x + b with w = [3, 4]: ∇_x̂ D = w for every x̂ (whatever ε), ‖w‖ = 5.
    // GP = λ(‖w‖ − 1)² = 10·4² = 160; ∂GP/∂w = λ·2(‖w‖ − 1)·w/‖w‖ = 10·2·4·[3, 4]/5 = [48, 64]; ∂GP/∂b = 0.
    DiscriminatorNet d = TestNets.d(new Linear(CPU, new Generator(1), 2, 1));
    TestNets.set(d, "0.weight", 3f, 4f);
    TestNets.set(d, "0.bias", 0.5f);
    Tensor real = new Generator(2).normal(CPU, 0f, 1f, 3, 2);
    Tensor fake = new Generator(3).normal(CPU, 0f, 1f, 3, 2);
    Tensor gp = new GradientPenalty(10f).penalty(d, real, fake, null, new Generator(4));
    assertEquals(160.0, gp.item(), 1e-3);
    gp.backward();
    assertClose(new double[] {48, 64}, TestNets.gradOf(TestNets.param(d, "0.weight")), 1e-4, "∂GP/∂w");
    assertClose(new double[] {0}, TestNets.gradOf(TestNets.param(d, "0.bias")), 0, "∂GP/∂b");
  }

  @Test
  void quadraticCriticHandWorked() {
    // D(x) = Σ_k w_k·x_k², w = [1, −2]; real = fake = x (so x̂ = x for every ε): ∇D = 2w⊙x.
    // Row 1 x = [1, 1]: ∇ = [2, −4], n₁ = √20 = 4.472136; row 2 x = [0.5, 1]: ∇ = [1, −4], n₂ = √17 = 4.123106.
    // GP (λ = 1) = ((n₁ − 1)² + (n₂ − 1)²)/2 = (12.055728 + 9.753789)/2 = 10.904758.
    // ∂n_i/∂w_k = 4·w_k·x_ik²/n_i, so ∂GP/∂w_k = (1/2)·Σ_i 2(n_i − 1)·4·w_k·x_ik²/n_i:
    //   k = 0: 4(1 − 1/n₁) + (1 − 1/n₂) = 3.105573 + 0.757464 = 3.863037;
    //   k = 1: −8[(1 − 1/n₁) + (1 − 1/n₂)] = −8(0.776393 + 0.757464) = −12.270861.
    DiscriminatorNet d = TestNets.d(new PenaltyNets.Quadratic(1f, -2f));
    Tensor x = Tensor.of(CPU, X, 2, 2);
    Tensor gp = new GradientPenalty(1f).penalty(d, x, x, null, new Generator(9));
    assertEquals(10.904758, gp.item(), 1e-4);
    gp.backward();
    assertClose(new double[] {3.863037, -12.270861}, TestNets.gradOf(TestNets.param(d, "0.w")), 1e-4, "∂GP/∂w");
  }

  @Test
  void interpolatesWithOneUniformPerSampleFromTheGenerator() {
    // Quadratic D, real ≠ fake: x̂_i = ε_i·x_i + (1 − ε_i)·f_i with ε drawn (N×1) from the same-seed Generator;
    // GP = λ/N Σ_i (2‖w⊙x̂_i‖ − 1)², computed here in double.
    float[] w = {0.7f, -1.3f, 0.4f};
    DiscriminatorNet d = TestNets.d(new PenaltyNets.Quadratic(w));
    Tensor real = new Generator(5).normal(CPU, 0f, 1f, 4, 3);
    Tensor fake = new Generator(6).normal(CPU, 0f, 1f, 4, 3);
    float[] eps = new Generator(77).uniform(CPU, 0f, 1f, 4, 1).toArray();
    float[] r = real.toArray(), f = fake.toArray();
    double expected = 0;
    for (int i = 0; i < 4; i++) {
      double sq = 0;
      for (int k = 0; k < 3; k++) {
        double xh = eps[i] * r[i * 3 + k] + (1 - eps[i]) * f[i * 3 + k];
        sq += 4 * w[k] * w[k] * xh * xh;
      }
      expected += Math.pow(Math.sqrt(sq) - 1, 2) * 10 / 4;
    }
    assertEquals(expected, new GradientPenalty().penalty(d, real, fake, null, new Generator(77)).item(), 1e-4 * expected);
  }

  @Test
  void secondDerivativesMatchFiniteDifferencesOnAnMlpCritic() {
    Generator rng = new Generator(11);
    DiscriminatorNet d = PenaltyNets.mlp(rng);
    Tensor real = rng.normal(CPU, 0f, 1f, 5, 3), fake = rng.normal(CPU, 0f, 1f, 5, 3);
    PenaltyGradientCheck.checkBoth(new GradientPenalty(), d, real, fake, 12, 1e-3f, 5e-3, 1e-2);
  }

  @Test
  void secondDerivativesMatchFiniteDifferencesOnAConvCritic() {
    Generator rng = new Generator(21);
    DiscriminatorNet d = PenaltyNets.conv(rng);
    Tensor real = rng.normal(CPU, 0f, 1f, 4, 1, 4, 4), fake = rng.normal(CPU, 0f, 1f, 4, 1, 4, 4);
    PenaltyGradientCheck.checkBoth(new GradientPenalty(), d, real, fake, 22, 1e-3f, 5e-3, 1e-2);
  }

  @Test
  void zeroInputGradientGivesNoNaN() {
    // w = 0: ∇D = 0, ‖·‖ = sqrt(0 + 1e-12) = 1e-6, GP = λ(1e-6 − 1)² ≈ 10; ∂GP/∂w = λ·2(n − 1)·w/n = 0, not NaN.
    DiscriminatorNet d = TestNets.d(new Linear(CPU, new Generator(1), 2, 1));
    TestNets.set(d, "0.weight", 0f, 0f);
    Tensor x = Tensor.ones(CPU, 2, 2);
    Tensor gp = new GradientPenalty().penalty(d, x, x, null, new Generator(3));
    assertEquals(10.0, gp.item(), 1e-4);
    gp.backward();
    assertClose(new double[] {0, 0}, TestNets.gradOf(TestNets.param(d, "0.weight")), 0, "∂GP/∂w at ∇D = 0");
  }

  @Test
  void trainsDOnlyNotG() {
    DiscriminatorNet d = PenaltyNets.mlp(new Generator(1));
    Tensor real = new Generator(2).normal(CPU, 0f, 1f, 3, 3);
    Tensor fake = new Generator(3).normal(CPU, 0f, 1f, 3, 3).requiresGrad(true);   // stands for G(z)
    new GradientPenalty().penalty(d, real, fake, null, new Generator(4)).backward();
    assertNull(fake.grad(), "the penalty must not reach G");
    assertTrue(TestNets.param(d, "0.weight").grad() != null);
  }

  @Test
  void badInputsAreRefused() {
    DiscriminatorNet d = PenaltyNets.mlp(new Generator(1));
    GradientPenalty gp = new GradientPenalty();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> gp.penalty(d, Tensor.zeros(CPU, 3, 3), Tensor.zeros(CPU, 2, 3), null, new Generator(1)));
    assertTrue(e.getMessage().contains("differ in shape"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new GradientPenalty(-1f));
    assertThrows(IllegalArgumentException.class, () -> new GradientPenalty(Float.NaN));
  }
}
