package dev.duel.gan.loss;

import dev.duel.engine.Tensor;

/**
 * The Wasserstein GAN (Arjovsky et al. 2017). D is a critic: D(x) its raw output, E the batch mean.
 * By Kantorovich–Rubinstein, W(p_data, p_g) = sup over 1-Lipschitz D of E D(x) − E D(G(z)); the critic
 * minimises the negative and G minimises what remains of it:
 * <pre>
 *   L_D = E D(G(z)) − E D(x)
 *   L_G = −E D(G(z))
 * </pre>
 * ∂L_D/∂D(x_i) = −1/N, ∂L_D/∂D(G(z_i)) = 1/N, ∂L_G/∂D(G(z_i)) = −1/N. The Lipschitz constraint comes
 * from {@link WeightClipping} (name "wgan", c = 0.01) or from a {@link GradientPenalty} (name "wgan-gp",
 * Gulrajani et al. 2017, λ = 10); the trainer reads them from {@link #weightClipping()} and
 * {@link #regularizer()}. The real target does not apply and is ignored.
 */
public final class Wasserstein implements GanLoss {
  public static final String NAME_CLIPPED = "wgan";
  public static final String NAME_GP = "wgan-gp";

  private final String name;
  private final WeightClipping clipping;
  private final GradientPenalty penalty;

  private Wasserstein(String name, WeightClipping clipping, GradientPenalty penalty) {
    this.name = name;
    this.clipping = clipping;
    this.penalty = penalty;
  }

  /** WGAN: the critic's weights are clipped to [−c, c] after each D step. */
  public static Wasserstein clipped(float c) {
    return new Wasserstein(NAME_CLIPPED, new WeightClipping(c), null);
  }

  /** WGAN-GP: λ·E(‖∇_x̂ D(x̂)‖₂ − 1)² is added to L_D; no clipping. */
  public static Wasserstein withGradientPenalty(float lambda) {
    return new Wasserstein(NAME_GP, null, new GradientPenalty(lambda));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Tensor discriminatorLoss(Tensor dReal, Tensor dFake, float realTarget) {
    Tensor real = Scores.require(name, "D(x)", dReal).mean();
    Tensor fake = Scores.require(name, "D(G(z))", dFake).mean();
    return fake.sub(real);
  }

  @Override
  public Tensor generatorLoss(Tensor dFake) {
    return Scores.require(name, "D(G(z))", dFake).mean().neg();
  }

  @Override
  public boolean isCritic() {
    return true;
  }

  @Override
  public Regularizer regularizer() {
    return penalty;
  }

  @Override
  public WeightClipping weightClipping() {
    return clipping;
  }
}
