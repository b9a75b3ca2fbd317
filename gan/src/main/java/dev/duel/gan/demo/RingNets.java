package dev.duel.gan.demo;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.gan.models.MinibatchDiscrimination;
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
   * D: Linear(2, w) LeakyReLU(0.2) Linear(w, w) LeakyReLU(0.2), then (when mbKernels &gt; 0) minibatch
   * discrimination with B = mbKernels kernels of dimension C = mbDim, then Linear(·, 1).
   */
  static DiscriminatorNet discriminator(Backend b, Generator rng, int width, int mbKernels, int mbDim) {
    Module l0 = new Linear(b, rng, 2, width), l2 = new Linear(b, rng, width, width);
    if (mbKernels <= 0) {
      return new Net(l0, Layers.leakyRelu(0.2f), l2, Layers.leakyRelu(0.2f), new Linear(b, rng, width, 1));
    }
    MinibatchDiscrimination mbd = new MinibatchDiscrimination(b, rng, width, mbKernels, mbDim);
    return new Net(l0, Layers.leakyRelu(0.2f), l2, Layers.leakyRelu(0.2f), mbd, new Linear(b, rng, mbd.outputSize(), 1));
  }

  private static final class Net extends DiscriminatorNet {
    Net(Module... layers) {
      super(layers);
    }
  }
}
