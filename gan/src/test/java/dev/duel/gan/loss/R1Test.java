package dev.duel.gan.loss;

import static dev.duel.gan.loss.TestNets.CPU;
import static dev.duel.gan.loss.TestNets.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.nn.Linear;
import org.junit.jupiter.api.Test;

class R1Test {
  @Test
  void linearHandWorked() {
    // D(x) = w·x + b, w = [3, 4]: ∇_x D = w, ‖w‖² = 25. R1 = (γ/2)·25 = 5·25 = 125 (γ = 10); ∂R1/∂w = γ·w = [30, 40].
    DiscriminatorNet d = TestNets.d(new Linear(CPU, new Generator(1), 2, 1));
    TestNets.set(d, "0.weight", 3f, 4f);
    Tensor real = new Generator(2).normal(CPU, 0f, 1f, 3, 2);
    Tensor r1 = new R1(10f).penalty(d, real, null, null, null);
    assertEquals(125.0, r1.item(), 1e-3);
    r1.backward();
    assertClose(new double[] {30, 40}, TestNets.gradOf(TestNets.param(d, "0.weight")), 1e-4, "∂R1/∂w");
    assertClose(new double[] {0}, TestNets.gradOf(TestNets.param(d, "0.bias")), 0, "∂R1/∂b");
  }

  @Test
  void quadraticHandWorked() {
    // D(x) = Σ_k w_k·x_k², w = [1, −2], ∇D = 2w⊙x. x₁ = [1, 1]: ∇ = [2, −4], ‖∇‖² = 20; x₂ = [0.5, 1]: ∇ = [1, −4], 17.
    // R1 (γ = 2) = (20 + 17)/2 = 18.5. ∂‖2w⊙x_i‖²/∂w_k = 8·w_k·x_ik², so ∂R1/∂w_k = (1/2)·Σ_i 8·w_k·x_ik²:
    //   k = 0: 4·1·(1 + 0.25) = 5;  k = 1: 4·(−2)·(1 + 1) = −16.
    DiscriminatorNet d = TestNets.d(new PenaltyNets.Quadratic(1f, -2f));
    Tensor x = Tensor.of(CPU, GradientPenaltyTest.X, 2, 2);
    Tensor r1 = new R1(2f).penalty(d, x, null, null, null);
    assertEquals(18.5, r1.item(), 1e-4);
    r1.backward();
    assertClose(new double[] {5, -16}, TestNets.gradOf(TestNets.param(d, "0.w")), 1e-4, "∂R1/∂w");
  }

  @Test
  void secondDerivativesMatchFiniteDifferencesOnAnMlpCritic() {
    Generator rng = new Generator(31);
    DiscriminatorNet d = PenaltyNets.mlp(rng);
    Tensor real = rng.normal(CPU, 0f, 1f, 5, 3);
    PenaltyGradientCheck.checkBoth(new R1(), d, real, null, 0, 1e-3f, 5e-3, 1e-2);
  }

  @Test
  void secondDerivativesMatchFiniteDifferencesOnAConvCritic() {
    Generator rng = new Generator(41);
    DiscriminatorNet d = PenaltyNets.conv(rng);
    Tensor real = rng.normal(CPU, 0f, 1f, 4, 1, 4, 4);
    PenaltyGradientCheck.checkBoth(new R1(), d, real, null, 0, 1e-3f, 5e-3, 1e-2);
  }

  @Test
  void badInputsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new R1(-1f));
    DiscriminatorNet d = PenaltyNets.mlp(new Generator(1));
    assertThrows(IllegalArgumentException.class, () -> new R1().penalty(d, null, null, null, null));
  }
}
