package dev.duel.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What autograd promises besides correct derivatives: accumulation, graph lifetime, grad mode, errors, scopes. */
class AutogradBehaviourTest {
  static final String DEVICES = "dev.duel.engine.TestDevices#all";

  static Tensor t(Backend be, int[] shape, float... v) {
    return Tensor.of(be, v, shape);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void gradientsAccumulateAcrossBackwardCalls(Backend be) {
    Tensor x = t(be, new int[] {3}, 1f, -2f, 0.5f);
    Tensor w = t(be, new int[] {3}, 0.3f, 0.7f, -1.1f).requiresGrad(true);
    x.mul(w).sum().backward();                 // ∂/∂w = x
    Tensor first = w.grad();
    assertArrayEquals(new float[] {1f, -2f, 0.5f}, first.toArray(), 0f);
    w.square().sum().backward();               // += 2w
    assertArrayEquals(new float[] {1.6f, -0.6f, -1.7f}, w.grad().toArray(), 1e-6f);
    assertSame(first, w.grad(), "the second backward adds into the same gradient tensor");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void zeroGradKeepsTheTensorAndClearsIt(Backend be) {
    Tensor w = t(be, new int[] {2, 2}, 1f, 2f, 3f, 4f).requiresGrad(true);
    w.mul(3f).sum().backward();
    Tensor g = w.grad();
    w.zeroGrad();
    assertSame(g, w.grad());
    assertArrayEquals(new float[4], g.toArray(), 0f);
    w.mul(5f).sum().backward();
    assertArrayEquals(new float[] {5f, 5f, 5f, 5f}, w.grad().toArray(), 0f);
    Tensor fresh = t(be, new int[] {1}, 1f).requiresGrad(true);
    fresh.zeroGrad();                          // no gradient yet: stays null
    assertNull(fresh.grad());
  }

  /**
   * zeroGrad() leaves its zeros pending: a backward before any grad() copies its gradient over them (in the same
   * tensor), a second one adds; setGrad drops the pending zeros.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void backwardAfterZeroGradWritesOverThePendingZeros(Backend be) {
    Tensor w = t(be, new int[] {2, 2}, 1f, 2f, 3f, 4f).requiresGrad(true);
    w.mul(3f).sum().backward();
    Tensor g = w.grad();
    w.zeroGrad();
    w.mul(5f).sum().backward();                // no grad() in between: the zeros were never written
    assertSame(g, w.grad());
    assertArrayEquals(new float[] {5f, 5f, 5f, 5f}, g.toArray(), 0f);
    w.zeroGrad();
    w.mul(2f).sum().backward();
    w.square().sum().backward();               // the second adds: 2 + 2w
    assertArrayEquals(new float[] {4f, 6f, 8f, 10f}, w.grad().toArray(), 0f);
    w.zeroGrad();
    Tensor other = t(be, new int[] {2, 2}, 7f, 7f, 7f, 7f);
    w.setGrad(other);
    assertArrayEquals(new float[] {7f, 7f, 7f, 7f}, w.grad().toArray(), 0f);
    w.zeroGrad();
    w.zeroGrad();                              // twice, then read: zeros
    assertArrayEquals(new float[4], w.grad().toArray(), 0f);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void detachCutsTheGraph(Backend be) {
    Tensor x = t(be, new int[] {2}, 3f, -1f).requiresGrad(true);
    Tensor d = x.detach();
    assertFalse(d.requiresGrad());
    assertTrue(d.isLeaf());
    assertArrayEquals(x.toArray(), d.toArray(), 0f);
    x.mul(d).sum().backward();                 // d is a constant: ∂/∂x = d = x, not 2x
    assertArrayEquals(new float[] {3f, -1f}, x.grad().toArray(), 0f);
    // through a detached branch only the other branch carries gradient
    x.zeroGrad();
    x.mul(2f).detach().mul(x).sum().backward();
    assertArrayEquals(new float[] {6f, -2f}, x.grad().toArray(), 0f);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void gradModeDisabledRecordsNothing(Backend be) {
    Tensor x = t(be, new int[] {2}, 1f, 2f).requiresGrad(true);
    Tensor y;
    try (GradMode g = GradMode.disabled()) {
      assertFalse(GradMode.isEnabled());
      y = x.mul(x).tanh().sum();
      try (GradMode on = GradMode.set(true)) {
        assertTrue(x.mul(2f).requiresGrad(), "GradMode.set(true) re-enables recording inside disabled()");
      }
      assertFalse(GradMode.isEnabled(), "the inner scope restores the outer mode");
    }
    assertTrue(GradMode.isEnabled());
    assertFalse(y.requiresGrad());
    assertTrue(y.isLeaf());
    assertNull(y.gradFnName());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
    assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    assertTrue(x.mul(x).requiresGrad(), "recording resumes after the scope");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void backwardThroughAFreedGraphSaysRetainGraph(Backend be) {
    Tensor x = t(be, new int[] {2}, 1f, 2f);
    Tensor w = t(be, new int[] {2}, 0.5f, 0.25f).requiresGrad(true);
    Tensor z = x.mul(w).tanh().sum();
    z.backward();
    IllegalStateException e = assertThrows(IllegalStateException.class, z::backward);
    assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
    assertTrue(e.getMessage().contains("a second time"), e.getMessage());
    // Autograd.grad without retainGraph frees it too
    Tensor z2 = x.mul(w).sum();
    Autograd.grad(new Tensor[] {z2}, null, new Tensor[] {w}, false, false);
    assertThrows(IllegalStateException.class, () -> Autograd.grad(new Tensor[] {z2}, null, new Tensor[] {w}, false, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void retainGraphAllowsASecondBackward(Backend be) {
    Tensor w = t(be, new int[] {2}, 0.5f, -0.25f).requiresGrad(true);
    Tensor z = w.square().sum();
    z.backward(null, true);
    z.backward(null, false);
    assertArrayEquals(new float[] {2f, -1f}, w.grad().toArray(), 0f);   // 2 × 2w
    assertThrows(IllegalStateException.class, z::backward);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void gradOfAnUnusedInputIsNullAndGradLeavesDotGradAlone(Backend be) {
    Tensor a = t(be, new int[] {2}, 1f, 2f).requiresGrad(true);
    Tensor unused = t(be, new int[] {2}, 3f, 4f).requiresGrad(true);
    Tensor[] g = Autograd.grad(a.square().sum(), new Tensor[] {a, unused}, false);
    assertArrayEquals(new float[] {2f, 4f}, g[0].toArray(), 0f);
    assertNull(g[1]);
    assertNull(a.grad(), "Autograd.grad must not write .grad");
    assertNull(unused.grad());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void sharedIntermediateSumsItsGradients(Backend be) {
    // y = x², z = y·y + y: dz/dx = (2y + 1)·2x
    Tensor x = t(be, new int[] {3}, 0.5f, -1f, 2f).requiresGrad(true);
    Tensor y = x.square();
    y.mul(y).add(y).sum().backward();
    float[] xs = {0.5f, -1f, 2f}, want = new float[3];
    for (int i = 0; i < 3; i++) want[i] = (2 * xs[i] * xs[i] + 1) * 2 * xs[i];
    assertArrayEquals(want, x.grad().toArray(), 1e-5f);
  }

  // ---- errors name the op and the shapes --------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void shapeMismatchErrorsNameTheOpAndBothShapes(Backend be) {
    Tensor a = Tensor.zeros(be, 2, 3), b = Tensor.zeros(be, 4, 3), c = Tensor.zeros(be, 4, 5);
    mentions(() -> a.add(b), "add", "[2, 3]", "[4, 3]");
    mentions(() -> a.mul(b), "mul", "[2, 3]", "[4, 3]");
    mentions(() -> a.matmul(c), "matmul", "[2, 3]", "[4, 5]");
    mentions(() -> Tensor.concat(0, a, c), "concat", "[2, 3]", "[4, 5]");
    mentions(() -> a.reshape(4, 2), "reshape", "[2, 3]", "[4, 2]");
    mentions(() -> Convolution.conv2d(Tensor.zeros(be, 1, 2, 5, 5), Tensor.zeros(be, 3, 4, 3, 3), null, 1, 0),
        "conv2d", "[1, 2, 5, 5]", "[3, 4, 3, 3]");
    Tensor w = Tensor.zeros(be, 2, 3).requiresGrad(true);
    Tensor y = w.mul(2f);
    mentions(() -> y.backward(Tensor.zeros(be, 3, 2), false), "gradOutput", "[3, 2]", "[2, 3]");
    mentions(() -> w.mul(2f).backward(), "non-scalar", "[2, 3]");
    mentions(() -> w.setGrad(Tensor.zeros(be, 3)), "setGrad", "[3]", "[2, 3]");
  }

  private static void mentions(Executable bad, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad);
    for (String p : parts) assertTrue(e.getMessage().contains(p), "message should mention '" + p + "': " + e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void requiresGradFalseOnAnOpResultIsRefused(Backend be) {
    Tensor x = t(be, new int[] {1}, 1f).requiresGrad(true);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.mul(2f).requiresGrad(false));
    assertTrue(e.getMessage().contains("detach"), e.getMessage());
  }

  // ---- MemoryScope ------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void memoryScopeClosesIntermediatesAndKeepsParameterGrads(Backend be) {
    Tensor w = t(be, new int[] {2, 2}, 1f, 2f, 3f, 4f).requiresGrad(true);   // a parameter, made outside
    Tensor x = t(be, new int[] {1, 2}, 0.5f, -1f);
    Tensor hidden, kept;
    float loss;
    try (MemoryScope step = MemoryScope.open()) {
      hidden = x.matmul(w).tanh();
      kept = MemoryScope.keep(hidden.mul(2f));
      Tensor l = hidden.sum();
      l.backward();
      loss = l.item();
      assertTrue(step.liveCount() >= 2, "the scope tracks the step's tensors");
    }
    assertTrue(Float.isFinite(loss));
    assertTrue(hidden.isClosed(), "intermediates are closed with the scope");
    assertFalse(w.isClosed());
    assertNotNull(w.grad());
    assertFalse(w.grad().isClosed(), "the parameter's gradient outlives the scope");
    assertEquals(4, w.grad().toArray().length);
    assertFalse(kept.isClosed(), "keep() moves a tensor out of the scope");
    assertEquals(2, kept.toArray().length);
    IllegalStateException e = assertThrows(IllegalStateException.class, hidden::toArray);
    assertTrue(e.getMessage().contains("after close") && e.getMessage().contains("MemoryScope"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> hidden.add(1f));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void nestedScopesKeepIntoTheParent(Backend be) {
    Tensor outer, inner;
    try (MemoryScope a = MemoryScope.open()) {
      try (MemoryScope b = MemoryScope.open()) {
        inner = MemoryScope.keep(Tensor.ones(be, 2).mul(3f));
      }
      assertFalse(inner.isClosed(), "kept into the enclosing scope");
      outer = inner;
    }
    assertTrue(outer.isClosed(), "closed by the enclosing scope");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void accumulatedGradSurvivesTwoScopes(Backend be) {
    Tensor w = t(be, new int[] {2}, 1f, -1f).requiresGrad(true);
    for (int step = 0; step < 2; step++) {
      try (MemoryScope s = MemoryScope.open()) {
        w.mul(w).sum().backward();
      }
    }
    assertArrayEquals(new float[] {4f, -4f}, w.grad().toArray(), 0f);
  }
}
