package dev.duel.engine;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void linearBackward() {
    Backend cpu = Devices.cpu();
    Tensor x = Tensor.of(cpu, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor w = Tensor.of(cpu, new float[] {1, 0, -1, 2, 0.5f, 1}, 3, 2).requiresGrad(true);
    Tensor b = Tensor.of(cpu, new float[] {0.1f, -0.2f}, 2).requiresGrad(true);
    Tensor y = x.matmul(w).add(b).tanh().sum();
    y.backward();
    assertArrayEquals(new int[] {3, 2}, w.grad().shape());
    assertEquals(2, b.grad().numel());
    // second derivative through matmul/tanh: grad of Σ (∂y/∂x)² w.r.t. w
    Tensor x2 = Tensor.of(cpu, new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
    Tensor y2 = x2.matmul(w).add(b).tanh().sum();
    Tensor gx = Autograd.grad(y2, new Tensor[] {x2}, true)[0];
    Tensor pen = gx.square().sum();
    Tensor[] gw = Autograd.grad(pen, new Tensor[] {w}, false);
    assertNotNull(gw[0]);
    assertThrows(IllegalStateException.class, () -> {
      Tensor z = x.matmul(w).sum();
      z.backward();
      z.backward();
    });
  }
}
