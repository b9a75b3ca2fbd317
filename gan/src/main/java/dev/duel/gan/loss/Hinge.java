package dev.duel.gan.loss;

import dev.duel.engine.Tensor;

/**
 * The hinge loss of geometric GAN / SAGAN / BigGAN (Lim and Ye 2017; Miyato et al. 2018). D(x) is D's
 * raw output, E the batch mean:
 * <pre>
 *   L_D = E relu(1 − D(x)) + E relu(1 + D(G(z)))
 *   L_G = −E D(G(z))
 * </pre>
 * ∂L_D/∂D(x_i) = −[D(x_i) &lt; 1]/N, ∂L_D/∂D(G(z_i)) = [D(G(z_i)) &gt; −1]/N (0 at the kink, as relu's
 * derivative at 0 is 0), ∂L_G/∂D(G(z_i)) = −1/N. The real target does not apply and is ignored.
 */
public final class Hinge implements GanLoss {
  public static final String NAME = "hinge";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Tensor discriminatorLoss(Tensor dReal, Tensor dFake, float realTarget) {
    Tensor real = Scores.require(NAME, "D(x)", dReal).rsub(1f).relu().mean();
    Tensor fake = Scores.require(NAME, "D(G(z))", dFake).add(1f).relu().mean();
    return real.add(fake);
  }

  @Override
  public Tensor generatorLoss(Tensor dFake) {
    return Scores.require(NAME, "D(G(z))", dFake).mean().neg();
  }
}
