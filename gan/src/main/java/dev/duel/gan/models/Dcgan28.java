package dev.duel.gan.models;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.nn.BatchNorm;
import dev.duel.nn.Conv2d;
import dev.duel.nn.ConvTranspose2d;
import dev.duel.nn.Layers;
import dev.duel.nn.Linear;

/**
 * DCGAN for 28×28 images (DESIGN.md "dcgan28"), width w = 64 by default:
 * G: z → Linear(z, 2w·7·7) → BatchNorm1d → ReLU → reshape(2w, 7, 7) → ConvTranspose2d(2w, w, 4, 2, 1)
 *    → BatchNorm2d → ReLU → ConvTranspose2d(w, 1, 4, 2, 1) → Tanh.
 * D: Conv2d(1, w, 4, 2, 1) → LeakyReLU(0.2) → Conv2d(w, 2w, 4, 2, 1) → BatchNorm2d → LeakyReLU(0.2)
 *    → Flatten → Linear(2w·7·7, 1).
 */
public final class Dcgan28 {
  private Dcgan28() {}

  public static final class G extends GeneratorNet {
    private final int latent;

    public G(Backend b, Generator rng, int latent, int width) {
      super(new Linear(b, rng, latent, 2 * width * 7 * 7), BatchNorm.bn1d(b, 2 * width * 7 * 7), Layers.relu(),
          Layers.reshape(2 * width, 7, 7),
          new ConvTranspose2d(b, rng, 2 * width, width, 4, 2, 1, true), BatchNorm.bn2d(b, width), Layers.relu(),
          new ConvTranspose2d(b, rng, width, 1, 4, 2, 1, true), Layers.tanh());
      this.latent = latent;
    }

    @Override
    public int latentDim() {
      return latent;
    }
  }

  public static final class D extends DiscriminatorNet {
    public D(Backend b, Generator rng, int width, boolean spectralNorm) {
      super(conv(b, rng, 1, width, spectralNorm), Layers.leakyRelu(0.2f),
          conv(b, rng, width, 2 * width, spectralNorm), BatchNorm.bn2d(b, 2 * width), Layers.leakyRelu(0.2f),
          Layers.flatten(), linear(b, rng, 2 * width * 7 * 7, spectralNorm));
    }

    private static Conv2d conv(Backend b, Generator rng, int in, int out, boolean sn) {
      Conv2d c = new Conv2d(b, rng, in, out, 4, 2, 1, true);
      return sn ? c.spectralNorm(rng) : c;
    }

    private static Linear linear(Backend b, Generator rng, int in, boolean sn) {
      Linear l = new Linear(b, rng, in, 1);
      return sn ? l.spectralNorm(rng) : l;
    }
  }
}
