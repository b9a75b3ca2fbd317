package dev.duel.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code Autograd.backward(output, leaves)} computes only the gradients on a path to the leaves
 * asked for (PyTorch's {@code backward(inputs=...)} with {@code needs_input_grad}): in a GAN's G step,
 * D's weight gradients are never computed. Counted with {@link ProfilingBackend}; the gradients that
 * are computed equal the full backward's, bit for bit.
 */
class PrunedBackwardTest {

  /** The ops that ran (names without shapes) while {@code body} ran. */
  private static Set<String> opsDuring(ProfilingBackend be, Runnable body) {
    be.reset();
    body.run();
    return be.rows().stream().map(r -> r.op().split(" ")[0]).collect(Collectors.toSet());
  }

  /** x → conv(w1) → leaky → matmul(w2ᵀ) → sum: the shape of D in the G step, with x as G's output. */
  private static Tensor d(Tensor x, Tensor w1, Tensor w2) {
    Tensor h = Convolution.conv2d(x, w1, null, 2, 1).leakyRelu(0.2f);
    return h.reshape(h.size(0), -1).matmul(w2.transpose(0, 1)).sum();
  }

  @Test
  void theGStepComputesNoWeightGradientsOfD() {
    ProfilingBackend be = new ProfilingBackend(Devices.cpu());
    Generator rng = new Generator(7);
    try (MemoryScope scope = MemoryScope.open()) {
      Tensor x = rng.normal(be, 0f, 1f, 3, 2, 6, 6).requiresGrad(true);   // G's output
      Tensor w1 = rng.normal(be, 0f, 1f, 4, 2, 4, 4).requiresGrad(true);  // D's weights
      Tensor w2 = rng.normal(be, 0f, 1f, 5, 36).requiresGrad(true);

      Set<String> ops = opsDuring(be, () -> Autograd.backward(d(x, w1, w2), List.of(x)));
      assertEquals(false, ops.contains("conv2dBackwardFilter"), "ops run: " + ops);
      assertEquals(true, ops.contains("conv2dBackwardData"), "ops run: " + ops);
      assertNull(w1.grad(), "w1 was not asked for");
      assertNull(w2.grad(), "w2 was not asked for");
      float[] pruned = x.grad().toArray();

      x.setGrad(null);
      d(x, w1, w2).backward();
      assertArrayEquals(x.grad().toArray(), pruned, 0f, "the same ∂/∂x as the full backward");
    }
  }

  @Test
  void askingForWeightsOnlySkipsTheInputGradient() {
    ProfilingBackend be = new ProfilingBackend(Devices.cpu());
    Generator rng = new Generator(8);
    try (MemoryScope scope = MemoryScope.open()) {
      Tensor x = rng.normal(be, 0f, 1f, 3, 2, 6, 6).requiresGrad(true);
      Tensor w1 = rng.normal(be, 0f, 1f, 4, 2, 4, 4).requiresGrad(true);
      Tensor w2 = rng.normal(be, 0f, 1f, 5, 36).requiresGrad(true);
      // Only w1: the matmul's ∂/∂w2 (one gemm) and the conv's ∂/∂x are skipped.
      long gemmsFull = countGemms(be, () -> Autograd.backward(d(x, w1, w2), List.of(x, w1, w2)));
      float[] w1Full = w1.grad().toArray();
      w1.setGrad(null);
      Set<String> ops = opsDuring(be, () -> Autograd.backward(d(x, w1, w2), List.of(w1)));
      assertEquals(false, ops.contains("conv2dBackwardData"), "ops run: " + ops);
      assertEquals(true, ops.contains("conv2dBackwardFilter"), "ops run: " + ops);
      assertArrayEquals(w1Full, w1.grad().toArray(), 0f, "the same ∂/∂w1 as the full backward");
      w1.setGrad(null);
      long gemmsPruned = countGemms(be, () -> Autograd.backward(d(x, w1, w2), List.of(w1)));
      assertEquals(gemmsFull - 1, gemmsPruned, "one gemm fewer: ∂/∂w2 is not computed");
    }
  }

  private static long countGemms(ProfilingBackend be, Runnable body) {
    be.reset();
    body.run();
    return be.rows().stream().filter(r -> r.op().startsWith("gemm")).mapToLong(ProfilingBackend.Row::calls).sum();
  }
}
