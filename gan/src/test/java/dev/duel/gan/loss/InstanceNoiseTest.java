package dev.duel.gan.loss;

import static dev.duel.gan.loss.TestNets.CPU;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import org.junit.jupiter.api.Test;

class InstanceNoiseTest {
  @Test
  void sigmaAnnealsLinearlyToZero() {
    // σ(s) = σ₀·max(0, 1 − s/T), σ₀ = 0.5, T = 100: s = 0 → 0.5, 50 → 0.25, 75 → 0.125, 100 → 0, 1000 → 0.
    InstanceNoise noise = new InstanceNoise(0.5f, 100);
    assertEquals(0.5f, noise.sigma(0), 0f);
    assertEquals(0.25f, noise.sigma(50), 1e-7f);
    assertEquals(0.125f, noise.sigma(75), 1e-7f);
    assertEquals(0f, noise.sigma(100), 0f);
    assertEquals(0f, noise.sigma(1000), 0f);
  }

  @Test
  void addsScaledGaussianNoiseAndPassesTheGradientThrough() {
    // At s = 50: x̃ = x + 0.25·n with n ~ N(0, 1) from the Generator; ∂Σx̃/∂x = 1 everywhere.
    InstanceNoise noise = new InstanceNoise(0.5f, 100);
    float[] xs = {1f, -2f, 0.5f, 3f, 0f, -1f};
    Tensor x = TestNets.leaf(xs, 2, 3);
    Generator rng = new Generator(7);
    Tensor y = noise.apply(x, 50, rng);
    float[] n = new Generator(7).normal(CPU, 0f, 1f, 2, 3).toArray();
    float[] got = y.toArray();
    for (int i = 0; i < xs.length; i++) assertEquals(xs[i] + 0.25f * n[i], got[i], 1e-6f, "element " + i);
    assertEquals(new Generator(7, 0).offset() + 2, rng.offset(), "6 normals use 2 Philox blocks");
    y.sum().backward();
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, x.grad().toArray());
  }

  @Test
  void noiseHasTheScheduledStandardDeviation() {
    Tensor y = new InstanceNoise(0.4f, 10).apply(Tensor.zeros(CPU, 20000), 5, new Generator(3)); // σ = 0.2
    float[] v = y.toArray();
    double sum = 0, sq = 0;
    for (float f : v) { sum += f; sq += f * f; }
    double mean = sum / v.length, std = Math.sqrt(sq / v.length - mean * mean);
    assertEquals(0.0, mean, 0.01);
    assertEquals(0.2, std, 0.005);
  }

  @Test
  void afterAnnealingTheInputIsReturnedAndNoNumbersAreDrawn() {
    Tensor x = Tensor.ones(CPU, 4);
    Generator rng = new Generator(1);
    assertSame(x, new InstanceNoise(1f, 10).apply(x, 10, rng));
    assertEquals(0, rng.offset());
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new InstanceNoise(-0.1f, 10));
    assertThrows(IllegalArgumentException.class, () -> new InstanceNoise(0.1f, 0));
    assertThrows(IllegalArgumentException.class, () -> new InstanceNoise(0.1f, 10).sigma(-1));
  }
}
