package dev.duel.gan.models;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.nn.Layers;
import dev.duel.nn.Linear;
import dev.duel.nn.Module;

/**
 * The vanilla GAN of DESIGN.md ("mlp"), width w = 128 by default:
 * G: Linear(z, w) ReLU Linear(w, 2w) ReLU Linear(2w, 4w) ReLU Linear(4w, 784) Tanh.
 * D: Linear(784, 4w) LeakyReLU(0.2) Linear(4w, 2w) LeakyReLU(0.2) Linear(2w, 1); with
 *    {@code --minibatch-stddev} a {@link MinibatchStdDev} before the last Linear, which takes 2w + 1 inputs.
 */
public final class Mlp {
  private Mlp() {}

  public static final int IMAGE = 28 * 28;

  public static final class G extends GeneratorNet {
    private final int latent;

    public G(Backend b, Generator rng, int latent, int width) {
      super(new Linear(b, rng, latent, width), Layers.relu(),
          new Linear(b, rng, width, 2 * width), Layers.relu(),
          new Linear(b, rng, 2 * width, 4 * width), Layers.relu(),
          new Linear(b, rng, 4 * width, IMAGE), Layers.tanh());
      this.latent = latent;
    }

    @Override
    public int latentDim() {
      return latent;
    }

    @Override
    public Tensor forward(Tensor z) {
      return super.forward(z).reshape(-1, 1, 28, 28);
    }
  }

  public static final class D extends DiscriminatorNet {
    public D(Backend b, Generator rng, int width) {
      this(b, rng, width, false);
    }

    public D(Backend b, Generator rng, int width, boolean minibatchStdDev) {
      super(minibatchStdDev
          ? new Module[] {new Linear(b, rng, IMAGE, 4 * width), Layers.leakyRelu(0.2f),
              new Linear(b, rng, 4 * width, 2 * width), Layers.leakyRelu(0.2f),
              new MinibatchStdDev(), new Linear(b, rng, MinibatchStdDev.outputSize(2 * width), 1)}
          : new Module[] {new Linear(b, rng, IMAGE, 4 * width), Layers.leakyRelu(0.2f),
              new Linear(b, rng, 4 * width, 2 * width), Layers.leakyRelu(0.2f),
              new Linear(b, rng, 2 * width, 1)});
    }

    @Override
    public Tensor forward(Tensor x) {
      return super.forward(x.reshape(x.size(0), IMAGE));
    }

    @Override
    public Tensor features(Tensor x, int[] labels) {
      return forwardUpTo(x.reshape(x.size(0), IMAGE), size() - 2);
    }
  }
}
