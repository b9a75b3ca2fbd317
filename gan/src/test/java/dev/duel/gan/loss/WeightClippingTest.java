package dev.duel.gan.loss;

import static dev.duel.gan.loss.TestNets.CPU;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.nn.BatchNorm;
import dev.duel.nn.Linear;
import org.junit.jupiter.api.Test;

class WeightClippingTest {
  @Test
  void clampsEveryParameterInPlaceAndLeavesBuffersAndGradients() {
    // c = 0.01: w = [−0.5, 0.005, 0.02] → [−0.01, 0.005, 0.01]; b = −0.003 stays; BN γ = [1, 1] → [0.01, 0.01],
    // β = 0 stays; the running variance (a buffer, 1) is not clipped.
    DiscriminatorNet d = TestNets.d(new Linear(CPU, new Generator(1), 3, 2), BatchNorm.bn1d(CPU, 2),
        new Linear(CPU, new Generator(2), 2, 1));
    TestNets.set(d, "0.weight", -0.5f, 0.005f, 0.02f, 1f, -1f, 0f);
    TestNets.set(d, "0.bias", -0.003f, 0.2f);
    Tensor w = TestNets.param(d, "0.weight");
    Tensor g = Tensor.full(CPU, 7f, 2, 3);
    w.setGrad(g);
    new WeightClipping().apply(d);
    assertArrayEquals(new float[] {-0.01f, 0.005f, 0.01f, 0.01f, -0.01f, 0f}, w.toArray());
    assertArrayEquals(new float[] {-0.003f, 0.01f}, TestNets.param(d, "0.bias").toArray());
    assertArrayEquals(new float[] {0.01f, 0.01f}, TestNets.param(d, "1.weight").toArray());
    assertArrayEquals(new float[] {0f, 0f}, TestNets.param(d, "1.bias").toArray());
    assertArrayEquals(new float[] {1f, 1f}, d.stateDict().get("1.running_var").toArray());
    assertSame(w, TestNets.param(d, "0.weight"));
    assertTrue(w.requiresGrad() && w.isLeaf());
    assertSame(g, w.grad());
    for (Tensor p : d.parameters()) {
      for (float v : p.toArray()) assertTrue(Math.abs(v) <= 0.01f, "parameter value " + v);
    }
  }

  @Test
  void badClipIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new WeightClipping(0f));
    assertThrows(IllegalArgumentException.class, () -> new WeightClipping(Float.POSITIVE_INFINITY));
  }
}
