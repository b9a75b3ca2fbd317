package dev.duel.gan.loss;

import static dev.duel.gan.loss.TestNets.CPU;
import static dev.duel.gan.loss.TestNets.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.nn.Linear;
import org.junit.jupiter.api.Test;

class FeatureMatchingTest {
  @Test
  void handWorked() {
    // D = Linear(2, 2) → Linear(2, 1); f = the first layer's output, W = [[1, 0], [1, 1]], b = 0, so f(x) = W·x.
    // real: f([1, 2]) = [1, 3], f([3, 4]) = [3, 7] → E f(x) = [2, 5].
    // fake: f([0, 0]) = [0, 0], f([2, 2]) = [2, 4] → E f(G(z)) = [1, 2].
    // L_G = ‖[2, 5] − [1, 2]‖² = 1² + 3² = 10.
    // ∂L_G/∂fake_i = −(2/N)·Wᵀ·[1, 3] = −Wᵀ[1, 3] = −[1 + 3, 3] = [−4, −3] for each fake row.
    // ∂L_G/∂W = −2·[1, 3]ᵀ·E x_fake = −2·[1, 3]ᵀ[1, 1] = [[−2, −2], [−6, −6]] (E f(x) is a constant target).
    DiscriminatorNet d = TestNets.d(new Linear(CPU, new Generator(1), 2, 2), new Linear(CPU, new Generator(2), 2, 1));
    TestNets.set(d, "0.weight", 1f, 0f, 1f, 1f);
    TestNets.set(d, "0.bias", 0f, 0f);
    Tensor real = TestNets.leaf(new float[] {1, 2, 3, 4}, 2, 2);
    Tensor fake = TestNets.leaf(new float[] {0, 0, 2, 2}, 2, 2);
    Tensor loss = new FeatureMatching().generatorLoss(d, real, fake, null);
    assertEquals(10.0, loss.item(), 1e-5);
    loss.backward();
    assertClose(new double[] {-4, -3, -4, -3}, TestNets.gradOf(fake), 1e-5, "∂L_G/∂fake");
    assertClose(new double[] {-2, -2, -6, -6}, TestNets.gradOf(TestNets.param(d, "0.weight")), 1e-5, "∂L_G/∂W");
    assertNull(real.grad(), "real features are a constant target");
  }

  @Test
  void zeroWhenFakeEqualsReal() {
    DiscriminatorNet d = PenaltyNets.mlp(new Generator(3));
    Tensor x = new Generator(4).normal(CPU, 0f, 1f, 6, 3);
    assertEquals(0.0, new FeatureMatching().generatorLoss(d, x, x, null).item(), 0.0);
  }
}
