package dev.duel.gan.demo;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.nn.Layers;
import dev.duel.nn.Linear;
import dev.duel.nn.Module;
import dev.duel.nn.Sequential;

/** The ring demo's networks. Shapes: z N×latent, x N×2, D's output N×1 (a logit or a critic value). */
final class RingNets {
  private RingNets() {}

  /** G: Linear(latent, w) ReLU Linear(w, w) ReLU Linear(w, 2). */
  static Sequential generator(Backend b, Generator rng, int latent, int width) {
    return new Sequential(new Linear(b, rng, latent, width), Layers.relu(),
        new Linear(b, rng, width, width), Layers.relu(), new Linear(b, rng, width, 2));
  }

  /**
   * D: body Linear(2, w) LeakyReLU(0.2) Linear(w, w) LeakyReLU(0.2), then (optionally) minibatch
   * discrimination, then Linear(·, 1).
   */
  static final class Discriminator extends Module {
    private final Sequential body;
    private final MinibatchDiscrimination minibatch;
    private final Linear head;

    Discriminator(Backend b, Generator rng, int width, int mbKernels, int mbDim) {
      body = registerModule("body", new Sequential(new Linear(b, rng, 2, width), Layers.leakyRelu(0.2f),
          new Linear(b, rng, width, width), Layers.leakyRelu(0.2f)));
      minibatch = mbKernels > 0 ? registerModule("minibatch", new MinibatchDiscrimination(b, rng, width, mbKernels, mbDim)) : null;
      head = registerModule("head", new Linear(b, rng, minibatch == null ? width : minibatch.outFeatures(), 1));
    }

    @Override
    public Tensor forward(Tensor x) {
      Tensor f = body.forward(x);
      return head.forward(minibatch == null ? f : minibatch.forward(f));
    }
  }
}
