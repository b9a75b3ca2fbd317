package dev.duel.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duel.engine.Devices;
import dev.duel.engine.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Adam against its first three steps worked by hand in PyTorch's form (torch.optim.Adam):
 * m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², θ ← θ − lr·m̂/(√v̂ + ε), m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).
 */
class AdamTest {
  static final float LR = 0.1f, BETA1 = 0.5f, BETA2 = 0.999f;
  /** v's relative tolerance: 1 − 0.999f is 0.00099998713 in float32, 1.3e-5 away from the hand-worked 0.001. */
  static final float V_TOL = 2e-5f;

  /** A one-element parameter θ = value with gradient g. */
  static Tensor param(float value) {
    return Tensor.of(Devices.cpu(), new float[] {value}, 1).requiresGrad(true);
  }

  static void step(Optimizer opt, Tensor p, float g) {
    p.setGrad(Tensor.of(Devices.cpu(), new float[] {g}, 1));
    opt.step();
  }

  @Test
  void firstThreeStepsMatchTheHandWorkedBiasCorrectedUpdates() {
    Tensor p = param(1f);
    Adam adam = new Adam(List.of(p), LR, BETA1, BETA2);     // ε = 1e-8, no weight decay

    // t = 1, g = 2: m = 0.5·2 = 1, v = 0.001·4 = 0.004; m̂ = 1/0.5 = 2, v̂ = 0.004/0.001 = 4;
    // θ = 1 − 0.1·2/(2 + 1e-8) = 0.9. (Without bias correction it would be 1 − 0.1·1/√0.004 = −0.58.)
    step(adam, p, 2f);
    assertEquals(0.9f, p.item(), 1e-6f);
    assertEquals(1f, adam.stateDict().get("state.0.exp_avg").item(), 1e-7f);
    assertEquals(0.004f, adam.stateDict().get("state.0.exp_avg_sq").item(), 0.004f * V_TOL);

    // t = 2, g = −1: m = 0.5·1 + 0.5·(−1) = 0, so θ does not move; v = 0.999·0.004 + 0.001·1 = 0.004996.
    step(adam, p, -1f);
    assertEquals(0.9f, p.item(), 1e-6f);
    assertEquals(0f, adam.stateDict().get("state.0.exp_avg").item());
    assertEquals(0.004996f, adam.stateDict().get("state.0.exp_avg_sq").item(), 0.004996f * V_TOL);

    // t = 3, g = 4: m = 0.5·4 = 2, v = 0.999·0.004996 + 0.001·16 = 0.020991004;
    // 1 − β1³ = 0.875, 1 − β2³ = 0.002997001; m̂ = 2.2857143, v̂ = 7.0040030;
    // θ = 0.9 − 0.1·2.2857143/(√7.0040030 + 1e-8) = 0.9 − 0.1·0.8636719 = 0.8136328.
    step(adam, p, 4f);
    assertEquals(0.8136328f, p.item(), 2e-6f);
    assertEquals(2f, adam.stateDict().get("state.0.exp_avg").item(), 1e-7f);
    assertEquals(0.020991004f, adam.stateDict().get("state.0.exp_avg_sq").item(), 0.020991004f * V_TOL);
    assertEquals(3f, adam.stateDict().get("step").item());
    assertEquals(3, adam.stepCount());
  }

  @Test
  void weightDecayIsAddedToTheGradient() {
    // PyTorch's Adam (not AdamW): g' = g + wd·θ. θ = 2, g = 0, wd = 0.5: g' = 1, so step 1 moves by lr·sign(g').
    Tensor p = param(2f);
    Adam adam = new Adam(List.of(p), LR, BETA1, BETA2, 1e-8f, 0.5f);
    step(adam, p, 0f);
    assertEquals(1.9f, p.item(), 1e-6f);
  }

  @Test
  void aParameterWithoutGradientIsLeftAlone() {
    Tensor a = param(1f), b = param(1f);
    Adam adam = new Adam(List.of(a, b), LR, BETA1, BETA2);
    step(adam, a, 2f);                                         // b has no gradient
    assertEquals(1f, b.item());
    assertEquals(0f, adam.stateDict().get("state.1.exp_avg").item());
  }

  @Test
  void stateRoundTripsSoAResumedOptimizerTakesTheSameSteps() {
    Tensor p = param(1f), q = param(1f);
    Adam a = new Adam(List.of(p), LR, BETA1, BETA2), b = new Adam(List.of(q), LR, BETA1, BETA2);
    step(a, p, 2f);
    step(b, q, 2f);
    Map<String, Tensor> saved = b.stateDict();
    Tensor r = param(q.item());
    Adam resumed = new Adam(List.of(r), LR, BETA1, BETA2);
    resumed.loadStateDict(saved);
    step(a, p, -1f);
    step(a, p, 4f);
    step(resumed, r, -1f);
    step(resumed, r, 4f);
    assertEquals(p.item(), r.item());                          // bit for bit
  }
}
