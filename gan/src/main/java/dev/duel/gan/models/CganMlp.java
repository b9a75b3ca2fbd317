package dev.duel.gan.models;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.nn.Embedding;

/**
 * The label-conditioned MLP GAN (DESIGN.md "cgan-mlp"): the mlp pair, with G's input
 * z ⊙ Embedding(10, z)(y) and D's input x ⊙ Embedding(10, 784)(y).
 */
public final class CganMlp {
  private CganMlp() {}

  public static final int CLASSES = 10;

  public static final class G extends GeneratorNet {
    private final int latent;
    private final Embedding labelEmbedding;

    public G(Backend b, Generator rng, int latent, int width) {
      super(new Mlp.G(b, rng, latent, width).layersForReuse());
      this.latent = latent;
      labelEmbedding = registerModule("label_emb", new Embedding(b, rng, CLASSES, latent));
    }

    @Override
    public int latentDim() {
      return latent;
    }

    @Override
    public Tensor generate(Tensor z, int[] labels) {
      requireLabels(labels, z.size(0));
      return forward(z.mul(labelEmbedding.lookup(labels))).reshape(-1, 1, 28, 28);
    }
  }

  public static final class D extends DiscriminatorNet {
    private final Embedding labelEmbedding;

    public D(Backend b, Generator rng, int width) {
      super(new Mlp.D(b, rng, width).layersForReuse());
      labelEmbedding = registerModule("label_emb", new Embedding(b, rng, CLASSES, Mlp.IMAGE));
    }

    @Override
    public Tensor score(Tensor x, int[] labels) {
      requireLabels(labels, x.size(0));
      return forward(x.reshape(x.size(0), Mlp.IMAGE).mul(labelEmbedding.lookup(labels)));
    }

    @Override
    public Tensor features(Tensor x, int[] labels) {
      requireLabels(labels, x.size(0));
      return forwardUpTo(x.reshape(x.size(0), Mlp.IMAGE).mul(labelEmbedding.lookup(labels)), size() - 2);
    }
  }

  static void requireLabels(int[] labels, int n) {
    if (labels == null || labels.length != n) {
      throw new IllegalArgumentException("cgan-mlp needs one class label per sample (" + n + "), got "
          + (labels == null ? "none" : labels.length));
    }
  }
}
