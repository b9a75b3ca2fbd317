package dev.duel.gan.loss;

import dev.duel.engine.Losses;
import dev.duel.engine.Tensor;

/**
 * The original minimax game of Goodfellow et al. (2014), generator loss in its saturating form.
 * With D(x) D's logit, σ the sigmoid, x real, G(z) fake, E the batch mean and t the real target
 * (1, or 0.9 with one-sided label smoothing):
 * <pre>
 *   L_D = −E[t·log σ(D(x)) + (1 − t)·log(1 − σ(D(x)))] − E log(1 − σ(D(G(z))))
 *       = E bce(D(x), t) + E bce(D(G(z)), 0)                    (t = 1: E softplus(−D(x)) + E softplus(D(G(z))))
 *   L_G = E log(1 − σ(D(G(z)))) = −E softplus(D(G(z)))
 * </pre>
 * using log σ(a) = −softplus(−a) and log(1 − σ(a)) = −softplus(a), computed stably (bce_with_logits,
 * softplus), so no logit overflows. ∂L_G/∂D(G(z)) = −σ(D(G(z)))/N vanishes when D confidently rejects
 * the fakes (D(G(z)) ≪ 0): the saturation that {@link NonSaturating} avoids.
 */
public final class Minimax implements GanLoss {
  public static final String NAME = "minimax";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Tensor discriminatorLoss(Tensor dReal, Tensor dFake, float realTarget) {
    return bceDiscriminatorLoss(NAME, dReal, dFake, realTarget);
  }

  @Override
  public Tensor generatorLoss(Tensor dFake) {
    return Scores.require(NAME, "D(G(z))", dFake).softplus().mean().neg();
  }

  /** L_D = E bce(D(x), t) + E bce(D(G(z)), 0), shared by minimax and non-saturating. */
  static Tensor bceDiscriminatorLoss(String name, Tensor dReal, Tensor dFake, float realTarget) {
    Scores.requireTarget(name, realTarget);
    return Losses.bceWithLogits(Scores.require(name, "D(x)", dReal), realTarget)
        .add(Losses.bceWithLogits(Scores.require(name, "D(G(z))", dFake), 0f));
  }

  @Override
  public boolean logitOutput() {
    return true;
  }
}
