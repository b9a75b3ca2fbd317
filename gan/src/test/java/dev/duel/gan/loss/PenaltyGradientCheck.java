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
final class PenaltyGradientCheck {
  private PenaltyGradientCheck() {}

  /** Returns the largest error |fd − analytic| / (atol + |analytic|·rtol) seen, asserting it is ≤ 1. */
  static double check(Regularizer reg, DiscriminatorNet d, Tensor real, Tensor fake, long seed, float h,
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
