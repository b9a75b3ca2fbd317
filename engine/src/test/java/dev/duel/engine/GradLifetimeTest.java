package dev.duel.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** A parameter's gradient lives as long as the parameter, whatever scopes the backward ran in. */
class GradLifetimeTest {
  @Test
  void gradOfAPersistentParameterOutlivesNestedScopes() {
    Backend cpu = Devices.cpu();
    Tensor w = Tensor.of(cpu, new float[] {1, 2, 3}, 3).requiresGrad(true);   // created outside any scope
    try (MemoryScope outer = MemoryScope.open()) {                            // e.g. a harness around the step
      try (MemoryScope step = MemoryScope.open()) {
        w.mul(w).sum().backward();                                            // ∂Σw²/∂w = 2w
      }
    }
    assertFalse(w.grad().isClosed(), "the gradient was closed with a scope the parameter outlives");
    w.zeroGrad();
    try (MemoryScope outer = MemoryScope.open(); MemoryScope step = MemoryScope.open()) {
      w.mul(3f).sum().backward();
    }
    assertArrayEquals(new float[] {3, 3, 3}, w.grad().toArray());
  }

  @Test
  void gradOfAScopedLeafIsClosedWithItsScope() {
    Backend cpu = Devices.cpu();
    Tensor grad;
    try (MemoryScope outer = MemoryScope.open()) {
      Tensor x = Tensor.of(cpu, new float[] {1, 2}, 2).requiresGrad(true);    // lives in `outer`
      try (MemoryScope step = MemoryScope.open()) {
        x.mul(x).sum().backward();
      }
      grad = x.grad();
      assertArrayEquals(new float[] {2, 4}, grad.toArray(), "kept past the inner scope");
    }
    org.junit.jupiter.api.Assertions.assertTrue(grad.isClosed(), "freed with the leaf's scope");
  }
}
