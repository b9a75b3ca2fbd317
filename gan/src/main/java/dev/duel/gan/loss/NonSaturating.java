package dev.duel.gan.loss;

import dev.duel.engine.Losses;
import dev.duel.engine.Tensor;

/**
 * The non-saturating GAN (Goodfellow et al. 2014, section 3): D as in {@link Minimax}, G maximises
 * log D(G(z)) instead of minimising log(1 − D(G(z))). With D(x) D's logit, σ the sigmoid, E the
 * batch mean and t the real target:
 * <pre>
 *   L_D = E bce(D(x), t) + E bce(D(G(z)), 0)
 *   L_G = −E log σ(D(G(z))) = E softplus(−D(G(z))) = E bce(D(G(z)), 1)
 * </pre>
 * ∂L_G/∂D(G(z)) = (σ(D(G(z))) − 1)/N stays near −1/N when D rejects the fakes: a strong gradient early
 * in training. This is the loss of the reference training step (DESIGN.md).
 */
public final class NonSaturating implements GanLoss {
  public static final String NAME = "non-saturating";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Tensor discriminatorLoss(Tensor dReal, Tensor dFake, float realTarget) {
    return Minimax.bceDiscriminatorLoss(NAME, dReal, dFake, realTarget);
  }

  @Override
  public Tensor generatorLoss(Tensor dFake) {
    return Losses.bceWithLogits(Scores.require(NAME, "D(G(z))", dFake), 1f);
  }

  @Override
  public boolean logitOutput() {
    return true;
  }
}
