package dev.duel.gan.train;

import dev.duel.engine.Generator;
import dev.duel.engine.Losses;
import dev.duel.engine.Tensor;
import dev.duel.gan.loss.GanLoss;
import dev.duel.gan.loss.Regularizer;
import dev.duel.gan.models.DiscriminatorNet;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * pix2pix's objective (Isola et al. 2017, eq. 4), G* = arg min_G max_D L_cGAN(G, D) + λ·L_L1(G), written
 * as the two losses the trainer minimises. With x the input, y the target, G(x) the output, [a, b]
 * the channel concatenation, D's output a map of patch logits and E the mean over samples and patches:
 * <pre>
 *   L_D = L_D^adv(D([x, y]), D([x, G(x)])) + Σ penalties(D; [x, y], [x, G(x)])
 *   L_G = L_G^adv(D([x, G(x)])) + λ·L1,      L1 = E|y − G(x)| (mean over every pixel and channel)
 * </pre>
 * L^adv is the {@link GanLoss} of --loss (non-saturating: L_D = −E log σ(D([x,y])) − E log(1 − σ(D([x,G(x)]))),
 * L_G = −E log σ(D([x,G(x)]))); the penalties (WGAN-GP, R1) see whole pairs, so WGAN-GP's x̂ mixes y and
 * G(x) beside the shared x. With no D (--l1-only) L_G = λ·L1.
 */
public final class Pix2PixObjective {
  private final GanLoss loss;                  // null: no D
  private final List<Regularizer> regularizers;
  private final float lambda, realTarget;

  public Pix2PixObjective(GanLoss loss, List<Regularizer> regularizers, float lambda, float realTarget) {
    if (!(lambda >= 0f && Float.isFinite(lambda))) throw new IllegalArgumentException("pix2pix: λ must be >= 0, got " + lambda);
    this.loss = loss;
    this.regularizers = List.copyOf(regularizers);
    this.lambda = lambda;
    this.realTarget = realTarget;
  }

  /** λ·L1 alone (--l1-only). */
  public static Pix2PixObjective l1Only(float lambda) {
    return new Pix2PixObjective(null, List.of(), lambda, 1f);
  }

  /** L_D and D's outputs on the real pair [x, y] and the fake pair [x, G(x)] (each N×1×H'×W'). */
  public record DiscriminatorStep(Tensor loss, Tensor dReal, Tensor dFake) {}

  /** L_G = gan + λ·l1, and its parts (gan null without D). */
  public record GeneratorStep(Tensor loss, Tensor gan, Tensor l1) {}

  /**
   * L_D for a batch. {@code fake} is G(x) and is detached here (no gradient reaches G); {@code noisy}
   * adds instance noise to each pair D sees (identity when off); {@code rng} feeds the penalties.
   */
  public DiscriminatorStep discriminator(DiscriminatorNet d, Tensor x, Tensor y, Tensor fake, UnaryOperator<Tensor> noisy, Generator rng) {
    if (loss == null) throw new IllegalStateException("pix2pix --l1-only has no D to train");
    Tensor realPair = noisy.apply(Tensor.concat(1, x, y)), fakePair = noisy.apply(Tensor.concat(1, x, fake.detach()));
    Tensor dReal = d.score(realPair, null), dFake = d.score(fakePair, null);
    Tensor lossD = loss.discriminatorLoss(dReal, dFake, realTarget);
    for (Regularizer r : regularizers) lossD = lossD.add(r.penalty(d, realPair, fakePair, null, rng));
    return new DiscriminatorStep(lossD, dReal, dFake);
  }

  /** L_G for a batch; {@code d} may be null only for --l1-only. */
  public GeneratorStep generator(DiscriminatorNet d, Tensor x, Tensor y, Tensor fake, UnaryOperator<Tensor> noisy) {
    Tensor l1 = Losses.l1(fake, y);
    Tensor total = l1.mul(lambda);
    Tensor gan = null;
    if (loss != null) {
      gan = loss.generatorLoss(d.score(noisy.apply(Tensor.concat(1, x, fake)), null));
      total = gan.add(total);
    }
    return new GeneratorStep(total, gan, l1);
  }

  public boolean hasDiscriminator() {
    return loss != null;
  }

  public GanLoss adversarialLoss() {
    return loss;
  }

  public List<Regularizer> regularizers() {
    return regularizers;
  }

  public float lambda() {
    return lambda;
  }
}
