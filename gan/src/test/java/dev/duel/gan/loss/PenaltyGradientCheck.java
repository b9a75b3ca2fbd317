package dev.duel.gan.loss;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.DiscriminatorNet;
import java.util.Map;

/**
 * Compares a penalty's gradient w.r.t. every parameter of D (from penalty.backward(), i.e. through
 * Autograd.grad(createGraph) and a second backward) with central finite differences of the penalty's
 * value. The penalty is re-evaluated with a Generator of the same seed, so ε is the same each time.
 */
public final class PenaltyGradientCheck {
  private PenaltyGradientCheck() {}

  /**
   * First the penalty's inner gradient: ∇_x Σ_i D(x_i) from Autograd.grad(createGraph) against central
   * differences of Σ_i D(x_i) in x (the first derivative inside the penalty). Then the penalty's gradient
   * w.r.t. D's parameters (the second derivative).
   */
  public static void checkBoth(Regularizer reg, DiscriminatorNet d, Tensor real, Tensor fake, long seed, float h,
                               double atol, double rtol) {
    checkInputGradient(d, real, h, atol / 5, rtol / 2);   // D alone is better conditioned than the penalty
    check(reg, d, real, fake, seed, h, atol, rtol);
  }

  /** ∇_x Σ_i D(x_i) as the penalties compute it, against central differences in x. */
  public static void checkInputGradient(DiscriminatorNet d, Tensor x, float h, double atol, double rtol) {
    Tensor leaf = Tensor.of(x.backend(), x.toArray(), x.shape()).requiresGrad(true);
    float[] analytic = InputGradient.of("test", d, leaf, null).toArray();
    double[] fd = TestNets.finiteDifferences(leaf, h, () -> d.score(leaf, null).sum().item());
    int nonZero = 0;
    for (int k = 0; k < analytic.length; k++) {
      assertTrue(Math.abs(fd[k] - analytic[k]) <= atol + rtol * Math.abs(analytic[k]),
          "∂ΣD/∂x[" + k + "] analytic " + analytic[k] + " vs finite differences " + fd[k]);
      if (Math.abs(analytic[k]) > 1e-3) nonZero++;
    }
    assertTrue(nonZero >= analytic.length / 3, "only " + nonZero + " of " + analytic.length + " input gradients are non-zero");
  }

  /** Returns the largest error |fd − analytic| / (atol + |analytic|·rtol) seen, asserting it is ≤ 1. */
  public static double check(Regularizer reg, DiscriminatorNet d, Tensor real, Tensor fake, long seed, float h,
                      double atol, double rtol) {
    d.zeroGrad();
    Tensor p = reg.penalty(d, real, fake, null, new Generator(seed));
    assertTrue(Float.isFinite(p.item()), reg.name() + " penalty is " + p.item());
    p.backward();
    double worst = 0;
    int checked = 0, nonZero = 0;
    for (Map.Entry<String, Tensor> e : d.namedParameters().entrySet()) {
      Tensor param = e.getValue();
      float[] analytic = TestNets.gradOf(param);
      double[] fd = TestNets.finiteDifferences(param, h,
          () -> reg.penalty(d, real, fake, null, new Generator(seed)).item());
      for (int k = 0; k < analytic.length; k++) {
        assertTrue(Float.isFinite(analytic[k]), e.getKey() + "[" + k + "] gradient is " + analytic[k]);
        double err = Math.abs(fd[k] - analytic[k]) / (atol + rtol * Math.abs(analytic[k]));
        worst = Math.max(worst, err);
        assertTrue(err <= 1.0, reg.name() + ": ∂/∂" + e.getKey() + "[" + k + "] analytic " + analytic[k]
            + " vs finite differences " + fd[k]);
        checked++;
        if (Math.abs(analytic[k]) > 1e-3) nonZero++;
      }
    }
    // A check on gradients that are all zero would prove nothing.
    assertTrue(nonZero >= checked / 3, reg.name() + ": only " + nonZero + " of " + checked + " gradients are non-zero");
    return worst;
  }
}
