package dev.duel.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.Tensor;
import org.junit.jupiter.api.Test;

/** Linear, y = x·Wᵀ + b, on a case worked by hand, with its gradients. */
class LinearTest {
  static void set(Tensor t, float... values) {
    try (GradMode off = GradMode.disabled()) {
      t.assign(Tensor.of(Devices.cpu(), values, t.shape()));
    }
  }

  @Test
  void forwardAndBackwardMatchTheHandWorkedCase() {
    Linear l = new Linear(Devices.cpu(), new Generator(1), 2, 3);
    set(l.param("weight"), 1, 2, 3, 4, 5, 6);                 // W: 3×2 (out×in), PyTorch's layout
    set(l.param("bias"), 0.5f, -1, 0);
    Tensor x = Tensor.of(Devices.cpu(), new float[] {1, -1}, 1, 2).requiresGrad(true);
    Tensor y = l.forward(x);
    // y = [1−2+0.5, 3−4−1, 5−6+0]
    assertArrayEquals(new float[] {-0.5f, -2f, -1f}, y.toArray());
    y.sum().backward();
    // d(Σy)/dW = 1·x for every row; d/db = 1; d/dx = Σ_rows W = [1+3+5, 2+4+6]
    assertArrayEquals(new float[] {1, -1, 1, -1, 1, -1}, l.param("weight").grad().toArray());
    assertArrayEquals(new float[] {1, 1, 1}, l.param("bias").grad().toArray());
    assertArrayEquals(new float[] {9, 12}, x.grad().toArray());
  }

  @Test
  void withoutBiasItHasOnlyAWeightAndSaysSo() {
    Linear l = new Linear(Devices.cpu(), new Generator(1), 4, 2, false);
    assertNull(l.param("bias"));
    assertEquals(java.util.List.of("weight"), java.util.List.copyOf(l.stateDict().keySet()));
    assertArrayEquals(new int[] {2, 4}, l.param("weight").shape());
    assertEquals("Linear(4, 2, bias=False)", l.describe());
    assertEquals(8, l.parameterCount());
  }

  @Test
  void aWrongInputShapeNamesTheLayerAndTheShape() {
    Linear l = new Linear(Devices.cpu(), new Generator(1), 4, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.zeros(Devices.cpu(), 3, 5)));
    assertTrue(e.getMessage().contains("Linear(4, 2)") && e.getMessage().contains("[3, 5]"), e.getMessage());
  }
}
