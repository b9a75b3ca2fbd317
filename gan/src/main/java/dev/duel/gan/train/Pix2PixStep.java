package dev.duel.gan.train;

import dev.duel.engine.Autograd;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.gan.loss.NonSaturating;
import dev.duel.gan.models.PatchGan;
import dev.duel.gan.models.UNet;
import dev.duel.nn.optim.Adam;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The pix2pix training step that the benchmarks time (DESIGN.md "pix2pix"; the same step as
 * bench/pytorch_train_step.py's pix2pix): fake = G(x) (dropout on);
 * (1) update D on L_D = BCE(D([x, y]), 1) + BCE(D([x, fake.detach()]), 0), two forward passes of D;
 * (2) update G on L_G = BCE(D([x, fake]), 1) + 100·E|y − fake|, reusing the same fake.
 * Adam lr 2e-4, betas (0.5, 0.999) for both. With the trainer's default config one pix2pix iteration
 * computes exactly this ({@link Pix2PixTrainer}, {@link Pix2PixObjective}).
 */
public final class Pix2PixStep {
  /** λ, the paper's weight of the L1 term. */
  public static final float LAMBDA = 100f;
  private final UNet g;
  private final PatchGan d;
  private final Adam optG, optD;
  private final Pix2PixObjective objective = new Pix2PixObjective(new NonSaturating(), List.of(), LAMBDA, 1f);

  public Pix2PixStep(UNet g, PatchGan d) {
    this.g = g;
    this.d = d;
    optG = new Adam(g.parameters(), 2e-4f, 0.5f, 0.999f);
    optD = new Adam(d.parameters(), 2e-4f, 0.5f, 0.999f);
  }

  /**
   * One step on a batch of pairs: x N×C_in×H×W, y N×C_out×H×W, in [−1, 1]. Returns L_D, L_G (with
   * its λ·L1) and the mean σ of D's patch logits on the real and the fake pairs.
   */
  public ReferenceStep.Stats step(Tensor x, Tensor y) {
    try (MemoryScope step = MemoryScope.open()) {
      Tensor fake = g.forward(x);

      // (1) Update D: maximise log D([x, y]) + log(1 − D([x, G(x)])), patch by patch.
      optD.zeroGrad();
      Pix2PixObjective.DiscriminatorStep ds = objective.discriminator(d, x, y, fake, UnaryOperator.identity(), null);
      ds.loss().backward();
      optD.step();

      // (2) Update G: maximise log D([x, G(x)]) and pull G(x) to y in L1.
      optG.zeroGrad();
      Pix2PixObjective.GeneratorStep gs = objective.generator(d, x, y, fake, UnaryOperator.identity());
      Autograd.backward(gs.loss(), optG.params());   // G's gradients only
      optG.step();

      return new ReferenceStep.Stats(ds.loss().item(), gs.loss().item(), ds.dReal().sigmoid().mean().item(),
          ds.dFake().sigmoid().mean().item());
    }
  }
}
