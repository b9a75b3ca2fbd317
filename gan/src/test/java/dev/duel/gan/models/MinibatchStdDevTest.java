package dev.duel.gan.models;

import static dev.duel.gan.loss.TestNets.CPU;
import static dev.duel.gan.loss.TestNets.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.gan.loss.PenaltyGradientCheck;
import dev.duel.gan.loss.R1;
import dev.duel.gan.loss.TestNets;
import dev.duel.nn.Layers;
import dev.duel.nn.Linear;
import org.junit.jupiter.api.Test;

class MinibatchStdDevTest {
  @Test
  void featuresHandWorked() {
    // x = [[1, 2], [3, 6]] (N = 2, F = 2). Feature 0: μ = 2, std = sqrt(((1−2)² + (3−2)²)/2) = 1;
    // feature 1: μ = 4, std = sqrt((4 + 4)/2) = 2; s = (1 + 2)/2 = 1.5 → out = [[1, 2, 1.5], [3, 6, 1.5]].
    // L = Σ out = Σ x + N·s; ∂std_k/∂x_ik = (x_ik − μ_k)/(N·std_k), so ∂L/∂x_ik = 1 + (x_ik − μ_k)/(F·std_k):
    //   x₀₀: 1 + (−1)/(2·1) = 0.5, x₁₀: 1.5, x₀₁: 1 + (−2)/(2·2) = 0.5, x₁₁: 1.5.
    Tensor x = TestNets.leaf(new float[] {1, 2, 3, 6}, 2, 2);
    Tensor out = new MinibatchStdDev().forward(x);
    assertArrayEquals(new int[] {2, 3}, out.shape());
    assertClose(new double[] {1, 2, 1.5, 3, 6, 1.5}, out.toArray(), 1e-6, "output");
    out.sum().backward();
    assertClose(new double[] {0.5, 0.5, 1.5, 1.5}, x.grad().toArray(), 1e-6, "∂L/∂x");
  }

  @Test
  void imagesHandWorked() {
    // The same numbers as an N×C×H×W = 2×1×1×2 batch: the appended channel is the 1×2 map [1.5, 1.5].
    // Σ out = Σ x + N·H·W·s, so ∂L/∂x_ik = 1 + H·W·(x_ik − μ_k)/(F·std_k) = 1 + (x_ik − μ_k)/std_k:
    //   [[1 − 1, 1 − 1], [1 + 1, 1 + 1]] = [[0, 0], [2, 2]].
    Tensor x = TestNets.leaf(new float[] {1, 2, 3, 6}, 2, 1, 1, 2);
    Tensor out = new MinibatchStdDev().forward(x);
    assertArrayEquals(new int[] {2, 2, 1, 2}, out.shape());
    assertClose(new double[] {1, 2, 1.5, 1.5, 3, 6, 1.5, 1.5}, out.toArray(), 1e-6, "output");
    out.sum().backward();
    assertClose(new double[] {0, 0, 2, 2}, x.grad().toArray(), 1e-6, "∂L/∂x");
  }

  @Test
  void groupsFollowProGansLayout() {
    // N = 4, G = 2, M = 2: sample i is in group i mod 2. Group 0 = {1, 3}: std 1; group 1 = {10, 14}: std 2.
    Tensor x = Tensor.of(CPU, new float[] {1, 10, 3, 14}, 4, 1);
    assertClose(new double[] {1, 1, 10, 2, 3, 1, 14, 2}, new MinibatchStdDev(2).forward(x).toArray(), 1e-6, "G = 2");
    // G = 8 > N uses the whole batch: μ = 7, var = (36 + 9 + 16 + 49)/4 = 27.5, std = 5.244044.
    float[] whole = new MinibatchStdDev(8).forward(x).toArray();
    for (int i = 0; i < 4; i++) assertEquals(5.244044, whole[2 * i + 1], 1e-5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MinibatchStdDev(3).forward(x));
    assertTrue(e.getMessage().contains("not a multiple"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MinibatchStdDev().forward(Tensor.zeros(CPU, 2, 3, 4)));
  }

  @Test
  void collapsedBatchReadsNearZero() {
    Tensor one = new Generator(1).normal(CPU, 0f, 1f, 1, 3, 4, 4);
    Tensor collapsed = Tensor.concat(0, one, one, one, one);
    Tensor diverse = new Generator(2).normal(CPU, 0f, 1f, 4, 3, 4, 4);
    float sc = new MinibatchStdDev().forward(collapsed).narrow(1, 3, 1).toArray()[0];
    float sd = new MinibatchStdDev().forward(diverse).narrow(1, 3, 1).toArray()[0];
    assertEquals(1e-4, sc, 1e-6);                // sqrt(0 + 1e-8)
    assertTrue(sd > 0.5f, "diverse batch std " + sd);
  }

  @Test
  void gradientPenaltiesDifferentiateThroughIt() {
    // R1 through a D with the layer: second derivatives of the batch statistic, against finite differences.
    Generator rng = new Generator(5);
    DiscriminatorNet d = TestNets.d(new Linear(CPU, rng, 3, 4), Layers.leakyRelu(0.2f), new MinibatchStdDev(),
        new Linear(CPU, rng, 5, 1));
    Tensor real = rng.normal(CPU, 0f, 1f, 4, 3);
    PenaltyGradientCheck.checkBoth(new R1(), d, real, null, 0, 1e-3f, 5e-3, 1e-2);
  }
}
