package dev.duel.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A leaf's gradient takes the buffer its closures just made instead of a copy of it, but only that: a gradient
 * the caller passed in, or one object handed to two tensors, is copied, and no two gradients ever share memory.
 */
class GradBufferHandOffTest {
  static final String DEVICES = "dev.duel.engine.TestDevices#all";

  static Tensor t(Backend be, int[] shape, float... v) {
    return Tensor.of(be, v, shape);
  }

  /** Copies of a tensor of w's shape: the gradient into w's buffer (sum's expanded gradOutput is copied too). */
  private static long copies(ProfilingBackend profile, Tensor w) {
    String op = "copyStrided " + java.util.Arrays.toString(w.shape());
    return profile.rows().stream().filter(r -> r.op().equals(op)).mapToLong(ProfilingBackend.Row::calls).sum();
  }

  /**
   * x·Wᵀ's weight gradient gᵀ·x is a fresh product: the zeroed gradient takes its buffer, no copy, same object. Each
   * step runs in a MemoryScope, as the trainers' do: it closes the backward's transient views of the product, which
   * would otherwise still share the gradient's buffer at the next step (then it is copied, as before).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void aFreshWeightGradientIsKeptWithoutACopy(Backend be) {
    ProfilingBackend profile = new ProfilingBackend(be);
    Tensor x = t(profile, new int[] {2, 3}, 1f, 2f, 3f, -1f, 0.5f, 2f);
    Tensor w = t(profile, new int[] {2, 3}, 0.1f, -0.2f, 0.3f, 0.4f, 0.5f, -0.6f).requiresGrad(true);
    try (MemoryScope step = MemoryScope.open()) {
      x.matmul(w.transpose(0, 1)).sum().backward();        // ∂/∂w[o][i] = Σ_b x[b][i]
    }
    Tensor grad = w.grad();
    assertArrayEquals(new float[] {0f, 2.5f, 5f, 0f, 2.5f, 5f}, grad.toArray(), 1e-6f);
    for (int step = 2; step <= 3; step++) {
      w.zeroGrad();
      profile.reset();
      try (MemoryScope scope = MemoryScope.open()) {
        x.mul((float) step).matmul(w.transpose(0, 1)).sum().backward();
      }
      assertEquals(0, copies(profile, w), "the gradient was copied into the zeroed buffer");
      assertSame(grad, w.grad(), "the leaf keeps its gradient tensor");
      assertArrayEquals(new float[] {0f, 2.5f * step, 5f * step, 0f, 2.5f * step, 5f * step}, w.grad().toArray(), 1e-5f);
    }
  }

  /** A gradient used twice is summed into a new tensor: that sum is the run's own, kept too. */
  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void aSumOfTwoUsesIsKeptWithoutACopy(Backend be) {
    ProfilingBackend profile = new ProfilingBackend(be);
    Tensor w = t(profile, new int[] {3}, 1f, 2f, 3f).requiresGrad(true);
    try (MemoryScope step = MemoryScope.open()) {
      w.mul(w).sum().backward();                            // 2w
    }
    w.zeroGrad();
    profile.reset();
    try (MemoryScope step = MemoryScope.open()) {
      w.mul(w).sum().backward();
    }
    assertEquals(0, copies(profile, w));
    assertArrayEquals(new float[] {2f, 4f, 6f}, w.grad().toArray(), 0f);
  }

  /** The caller's gradOutput passed straight through (add's backward) is copied: changing it later changes no grad. */
  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void theCallersGradientIsCopied(Backend be) {
    for (boolean pendingZeros : List.of(false, true)) {
      Tensor w = t(be, new int[] {2}, 1f, 2f).requiresGrad(true);
      if (pendingZeros) {
        w.mul(1f).sum().backward();
        w.zeroGrad();
      }
      Tensor gradOutput = t(be, new int[] {2}, 3f, 4f);
      Autograd.backward(w.add(t(be, new int[] {2}, 5f, 6f)), gradOutput, false);
      assertNotSame(gradOutput, w.grad());
      gradOutput.assign(t(be, new int[] {2}, -9f, -9f));
      assertArrayEquals(new float[] {3f, 4f}, w.grad().toArray(), 0f, "pending zeros: " + pendingZeros);
    }
  }

  /**
   * One fresh gradient object handed to two leaves (add's backward gives its gradOutput to both inputs): each leaf
   * gets memory of its own, so writing one gradient leaves the other as it was.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void oneObjectHandedToTwoLeavesIsNotShared(Backend be) {
    for (boolean pendingZeros : List.of(false, true)) {
      Tensor a = t(be, new int[] {2}, 1f, 2f).requiresGrad(true);
      Tensor b = t(be, new int[] {2}, 3f, 4f).requiresGrad(true);
      if (pendingZeros) {
        a.add(b).sum().backward();
        a.zeroGrad();
        b.zeroGrad();
      }
      a.add(b).mul(3f).sum().backward();                   // mul's backward makes 3·1; add hands it to a and b
      assertArrayEquals(new float[] {3f, 3f}, a.grad().toArray(), 0f);
      a.grad().assign(t(be, new int[] {2}, -1f, -1f));
      assertArrayEquals(new float[] {3f, 3f}, b.grad().toArray(), 0f, "pending zeros: " + pendingZeros);
    }
  }

  /**
   * A requested input with a closure (backward(loss, inputs) may name one) passes its gradient on: reshape's backward
   * hands a view of it to h. So only a leaf keeps the buffer; y's gradient here is a copy, h's its own.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void aRequestedInputWithAClosureDoesNotKeepTheBuffer(Backend be) {
    Tensor w = t(be, new int[] {4}, 1f, 2f, 3f, 4f).requiresGrad(true);
    Tensor h = w.mul(3f);
    Tensor y = h.reshape(2, 2);
    Autograd.backward(y.mul(5f).sum(), List.of(y, h));
    h.grad().assign(t(be, new int[] {4}, -1f, -1f, -1f, -1f));
    assertArrayEquals(new float[] {5f, 5f, 5f, 5f}, y.grad().toArray(), 0f, "y's gradient shares h's memory");
  }

  /** A leaf's gradient that is a view of a larger buffer (DataParallel's flat buckets) is written in place. */
  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void aGradientViewIsWrittenInPlace(Backend be) {
    Tensor flat = Tensor.zeros(be, 4);
    Tensor w = t(be, new int[] {2}, 1f, 2f).requiresGrad(true);
    w.setGrad(flat.narrow(0, 2, 2));
    w.zeroGrad();
    w.mul(w).sum().backward();
    assertArrayEquals(new float[] {0f, 0f, 2f, 4f}, flat.toArray(), 0f);
  }
}
