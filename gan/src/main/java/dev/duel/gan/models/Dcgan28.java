package dev.duel.gan.models;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.nn.BatchNorm;
import dev.duel.nn.Conv2d;
import dev.duel.nn.ConvTranspose2d;
import dev.duel.nn.Layers;
import dev.duel.nn.LayerNorm;
import dev.duel.nn.Linear;
import dev.duel.nn.Module;
import java.util.ArrayList;
import java.util.List;

/**
 * DCGAN for 28×28 images (DESIGN.md "dcgan28"), width w = 64 by default:
 * G: z → Linear(z, 2w·7·7) → BatchNorm1d → ReLU → reshape(2w, 7, 7) → ConvTranspose2d(2w, w, 4, 2, 1)
 *    → BatchNorm2d → ReLU → ConvTranspose2d(w, 1, 4, 2, 1) → Tanh.
 * D: Conv2d(1, w, 4, 2, 1) → LeakyReLU(0.2) → Conv2d(w, 2w, 4, 2, 1) → BatchNorm2d → LeakyReLU(0.2)
 *    → Flatten → Linear(2w·7·7, 1).
 * D's variants ({@code duel train --d-norm}, {@code --minibatch-stddev}): the BatchNorm2d replaced by a
 * {@link LayerNorm} (per sample, for gradient penalties) or left out; a {@link MinibatchStdDev} between
 * Flatten and the Linear, which then takes 2w·7·7 + 1 inputs.
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
    /** DESIGN.md's D (batch norm), spectrally normalised or not. */
    public D(Backend b, Generator rng, int width, boolean spectralNorm) {
      this(b, rng, width, spectralNorm, "batch", false);
    }

    /** norm: "batch", "layer" or "none"; minibatchStdDev: the ProGAN layer before the last Linear. */
    public D(Backend b, Generator rng, int width, boolean spectralNorm, String norm, boolean minibatchStdDev) {
      super(layers(b, rng, width, spectralNorm, norm, minibatchStdDev));
    }

    private static Module[] layers(Backend b, Generator rng, int width, boolean sn, String norm, boolean mbsd) {
      List<Module> l = new ArrayList<>(List.of(conv(b, rng, 1, width, sn), Layers.leakyRelu(0.2f), conv(b, rng, width, 2 * width, sn)));
      switch (norm) {
        case "batch" -> l.add(BatchNorm.bn2d(b, 2 * width));
        case "layer" -> l.add(new LayerNorm(b, 2 * width));
        case "none" -> { }
        default -> throw new IllegalArgumentException("dcgan28 D: normalisation '" + norm + "' is not batch, layer or none");
      }
      l.add(Layers.leakyRelu(0.2f));
      l.add(Layers.flatten());
      int features = 2 * width * 7 * 7;
      if (mbsd) {
        l.add(new MinibatchStdDev());
        features = MinibatchStdDev.outputSize(features);
      }
      l.add(linear(b, rng, features, sn));
      return l.toArray(Module[]::new);
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
