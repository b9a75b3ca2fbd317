package dev.duel.gan.train;

import dev.duel.engine.Autograd;
import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.Losses;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.gan.models.GeneratorNet;
import dev.duel.nn.optim.Adam;

/**
 * The training step that the benchmarks time (DESIGN.md "Reference models", as in PyTorch's dcgan
 * example): z ~ N(0, I); fake = G(z);
 * (1) update D on L_D = BCE(D(x), 1) + BCE(D(fake.detach()), 0), real and fake in two forward passes;
 * (2) update G on L_G = BCE(D(fake), 1) (non-saturating), reusing the same fake.
 * Adam lr 2e-4, betas (0.5, 0.999) for both.
 */
public final class ReferenceStep {
  private final GeneratorNet g;
  private final DiscriminatorNet d;
  private final Adam optG, optD;
  private final Generator rng;
  private final Backend backend;

  /** Losses and D outputs of one step. */
  public record Stats(float dLoss, float gLoss, float dReal, float dFake) {}

  public ReferenceStep(GeneratorNet g, DiscriminatorNet d, Generator rng, Backend backend) {
    this.g = g;
    this.d = d;
    this.rng = rng;
    this.backend = backend;
    optG = new Adam(g.parameters(), 2e-4f, 0.5f, 0.999f);
    optD = new Adam(d.parameters(), 2e-4f, 0.5f, 0.999f);
  }

  /** One step on a batch of real images (N×1×28×28 in [−1, 1]); labels for conditional models, else null. */
  public Stats step(Tensor real, int[] labels) {
    try (MemoryScope step = MemoryScope.open()) {
      int n = real.size(0);
      Tensor z = rng.normal(backend, 0f, 1f, n, g.latentDim());
      Tensor fake = g.generate(z, labels);

      // (1) Update D: maximize log D(x) + log(1 − D(G(z))).
      optD.zeroGrad();
      Tensor dReal = d.score(real, labels);
      Tensor dFake = d.score(fake.detach(), labels);
      Tensor lossD = Losses.bceWithLogits(dReal, 1f).add(Losses.bceWithLogits(dFake, 0f));
      lossD.backward();
      optD.step();

      // (2) Update G: maximize log D(G(z)).
      optG.zeroGrad();
      Tensor lossG = Losses.bceWithLogits(d.score(fake, labels), 1f);
      Autograd.backward(lossG, optG.params());   // G's gradients only: D's weights are not updated here
      optG.step();

      return new Stats(lossD.item(), lossG.item(), dReal.sigmoid().mean().item(), dFake.sigmoid().mean().item());
    }
  }
}
