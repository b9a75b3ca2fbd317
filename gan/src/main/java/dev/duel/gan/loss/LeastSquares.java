package dev.duel.gan.loss;

import dev.duel.engine.Tensor;

/**
 * Least-squares GAN (Mao et al. 2017), with the 0-1 coding a = 0 (fake), b = t (real), c = 1 (what G
 * wants D to say). D(x) is D's raw output (no sigmoid), E the batch mean, t the real target (1, or 0.9
 * with one-sided label smoothing):
 * <pre>
 *   L_D = ½·E(D(x) − t)² + ½·E D(G(z))²
 *   L_G = ½·E(D(G(z)) − 1)²
 * </pre>
 * ∂L_D/∂D(x_i) = (D(x_i) − t)/N, ∂L_D/∂D(G(z_i)) = D(G(z_i))/N, ∂L_G/∂D(G(z_i)) = (D(G(z_i)) − 1)/N.
 */
public final class LeastSquares implements GanLoss {
  public static final String NAME = "lsgan";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Tensor discriminatorLoss(Tensor dReal, Tensor dFake, float realTarget) {
    Scores.requireTarget(NAME, realTarget);
    Tensor real = Scores.require(NAME, "D(x)", dReal).sub(realTarget).square().mean();
    Tensor fake = Scores.require(NAME, "D(G(z))", dFake).square().mean();
    return real.add(fake).mul(0.5f);
  }

  @Override
  public Tensor generatorLoss(Tensor dFake) {
    return Scores.require(NAME, "D(G(z))", dFake).sub(1f).square().mean().mul(0.5f);
  }
}
