package dev.duel.nn.optim;

import static dev.duel.nn.optim.AdamTest.param;
import static dev.duel.nn.optim.AdamTest.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SGD against hand-worked steps in PyTorch's form (torch.optim.SGD): g' = g + wd·θ; on the first
 * step v = g', then v ← μ·v + (1−τ)·g'; θ ← θ − lr·v (nesterov: θ ← θ − lr·(g' + μ·v)).
 */
class SgdTest {
  static final float LR = 0.1f;

  @Test
  void momentumWithDampeningStartsFromTheFirstGradient() {
    Tensor p = param(0f);
    Sgd sgd = new Sgd(List.of(p), LR, 0.9f, 0.5f, 0f, false);
    step(sgd, p, 1f);          // v = g = 1 (not (1 − τ)·g = 0.5);  θ = 0 − 0.1·1 = −0.1
    assertEquals(-0.1f, p.item(), 1e-7f);
    assertEquals(1f, sgd.stateDict().get("state.0.momentum_buffer").item());
    step(sgd, p, 2f);          // v = 0.9·1 + 0.5·2 = 1.9;  θ = −0.1 − 0.19 = −0.29
    assertEquals(-0.29f, p.item(), 1e-6f);
    step(sgd, p, -1f);         // v = 0.9·1.9 + 0.5·(−1) = 1.21;  θ = −0.29 − 0.121 = −0.411
    assertEquals(-0.411f, p.item(), 1e-6f);
    assertEquals(1.21f, sgd.stateDict().get("state.0.momentum_buffer").item(), 1e-6f);
  }

  @Test
  void nesterovLooksAhead() {
    Tensor p = param(0f);
    Sgd sgd = new Sgd(List.of(p), LR, 0.9f, 0f, 0f, true);
    step(sgd, p, 1f);          // v = 1; θ = 0 − 0.1·(1 + 0.9·1) = −0.19
    assertEquals(-0.19f, p.item(), 1e-6f);
    step(sgd, p, 2f);          // v = 0.9 + 2 = 2.9; θ = −0.19 − 0.1·(2 + 0.9·2.9) = −0.19 − 0.461 = −0.651
    assertEquals(-0.651f, p.item(), 1e-6f);
  }

  @Test
  void withoutMomentumItIsPlainSgdAndDampeningDoesNothing() {
    Tensor p = param(1f);
    Sgd sgd = new Sgd(List.of(p), LR, 0f, 0.5f, 0.1f, false);
    step(sgd, p, 2f);          // g' = 2 + 0.1·1 = 2.1; θ = 1 − 0.21 = 0.79
    assertEquals(0.79f, p.item(), 1e-6f);
    step(sgd, p, 0f);          // g' = 0.1·0.79 = 0.079; θ = 0.79 − 0.0079 = 0.7821
    assertEquals(0.7821f, p.item(), 1e-6f);
  }

  @Test
  void stateHoldsABufferOnlyAfterAStepAndResumesExactly() {
    Tensor p = param(0f), q = param(0f);
    Sgd a = new Sgd(List.of(p), LR, 0.9f, 0.5f, 0f, false);
    assertFalse(a.stateDict().containsKey("state.0.momentum_buffer"), "PyTorch: no momentum_buffer before the first step");

    Sgd fresh = new Sgd(List.of(q), LR, 0.9f, 0.5f, 0f, false);
    fresh.loadStateDict(a.stateDict());                      // an unstarted state: the next step is still a first step
    step(fresh, q, 1f);
    assertEquals(-0.1f, q.item(), 1e-7f);

    step(a, p, 1f);
    assertTrue(a.stateDict().containsKey("state.0.momentum_buffer"));
    Tensor r = param(p.item());
    Sgd resumed = new Sgd(List.of(r), LR, 0.9f, 0.5f, 0f, false);
    resumed.loadStateDict(a.stateDict());
    step(a, p, 2f);
    step(resumed, r, 2f);
    assertEquals(p.item(), r.item());                          // the second step, v = μ·v + (1−τ)·g, on both
  }
}
