package dev.duel.gan.models;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.nn.BatchNorm;
import dev.duel.nn.Conv2d;
import dev.duel.nn.Dropout;
import dev.duel.nn.Layers;
import dev.duel.nn.LayerNorm;
import dev.duel.nn.Linear;
import dev.duel.nn.Module;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed's Keras DCGAN (seed 004), reconstructed (docs/math.md "The seed's Keras DCGAN" says where the
 * seed's tables were garbled and what was chosen). Width w = 128 by default, c = max(1, w/4):
 * G: z → Linear(z, w·7·7) → LeakyReLU(0.2) → reshape(w, 7, 7)
 *    → UpSampling2D(×2, nearest) → Conv2d(w, w, 3, 1, 1) → LeakyReLU(0.2)           (14×14)
 *    → UpSampling2D(×2, nearest) → Conv2d(w, 1, 3, 1, 1) → Sigmoid                  (28×28, on [0, 1])
 * D: four blocks Conv2d(3×3, pad 1) → [BatchNorm2d] → LeakyReLU(0.2) → Dropout(0.25), channels
 *    c, 2c, 4c, 8c, strides 2, 2, 2, 1 (28 → 14 → 7 → 4 → 4); the first block has no batch norm
 *    (DCGAN's rule for D's input layer), the other three Keras's BatchNormalization(momentum 0.8,
 *    ε 1e-3), i.e. PyTorch momentum 0.2; then Flatten → Linear(8c·4·4, 1), a logit (Keras's sigmoid
 *    output with binary cross-entropy is BCE with logits here).
 * D's normalisation can be swapped ({@code --d-norm layer|none}) as for dcgan28, and D spectrally
 * normalised. G's output is on [0, 1] ({@link GeneratorNet#outputsUnitInterval()}): the trainer feeds
 * D real images on [0, 1] too, and sampling maps G(z) back to [−1, 1] for grids and metrics.
 */
public final class KerasDcgan {
  private KerasDcgan() {}

  /** Keras's default BatchNormalization momentum (0.99 there, 0.8 in the seed) as PyTorch's: 1 − 0.8. */
  public static final float BN_MOMENTUM = 0.2f;
  /** Keras's BatchNormalization epsilon. */
  public static final float BN_EPS = 1e-3f;
  public static final float DROPOUT = 0.25f;
  public static final float SLOPE = 0.2f;

  public static final class G extends GeneratorNet {
    private final int latent;

    public G(Backend b, Generator rng, int latent, int width) {
      super(new Linear(b, rng, latent, width * 7 * 7), Layers.leakyRelu(SLOPE), Layers.reshape(width, 7, 7),
          Layers.upsampleNearest(2), new Conv2d(b, rng, width, width, 3, 1, 1, true), Layers.leakyRelu(SLOPE),
          Layers.upsampleNearest(2), new Conv2d(b, rng, width, 1, 3, 1, 1, true), Layers.sigmoid());
      this.latent = latent;
    }

    @Override
    public int latentDim() {
      return latent;
    }

    @Override
    public boolean outputsUnitInterval() {
      return true;
    }
  }

  public static final class D extends DiscriminatorNet {
    /** norm: "batch" (the seed's), "layer" or "none"; dropout masks drawn from {@code dropoutRng}. */
    public D(Backend b, Generator rng, int width, boolean spectralNorm, String norm, Generator dropoutRng) {
      super(layers(b, rng, width, spectralNorm, norm, dropoutRng));
    }

    /** Channels of D's first block: w/4 (32 at the default width 128). */
    public static int base(int width) {
      return Math.max(1, width / 4);
    }

    private static Module[] layers(Backend b, Generator rng, int width, boolean sn, String norm, Generator drop) {
      if (!List.of("batch", "layer", "none").contains(norm)) {
        throw new IllegalArgumentException("keras-dcgan D: normalisation '" + norm + "' is not batch, layer or none");
      }
      int c = base(width);
      int[] out = {c, 2 * c, 4 * c, 8 * c}, stride = {2, 2, 2, 1};
      List<Module> l = new ArrayList<>();
      int in = 1;
      for (int i = 0; i < 4; i++) {
        Conv2d conv = new Conv2d(b, rng, in, out[i], 3, stride[i], 1, true);
        l.add(sn ? conv.spectralNorm(rng) : conv);
        if (i > 0) {
          switch (norm) {
            case "batch" -> l.add(BatchNorm.bn2d(b, out[i], BN_MOMENTUM, BN_EPS));
            case "layer" -> l.add(new LayerNorm(b, out[i]));
            default -> { }
          }
        }
        l.add(Layers.leakyRelu(SLOPE));
        l.add(new Dropout(DROPOUT, drop));
        in = out[i];
      }
      l.add(Layers.flatten());
      Linear head = new Linear(b, rng, 8 * c * 4 * 4, 1);
      l.add(sn ? head.spectralNorm(rng) : head);
      return l.toArray(Module[]::new);
    }
  }
}
