package dev.duel.gan.models;

import dev.duel.engine.Tensor;
import dev.duel.nn.Module;
import dev.duel.nn.Sequential;

/** G: latent z (N×latent) and, for conditional models, labels (N) to images N×C×H×W in [−1, 1]. */
public abstract class GeneratorNet extends Sequential {
  protected GeneratorNet(Module... layers) {
    super(layers);
  }

  public abstract int latentDim();

  /** labels may be null for unconditional models. */
  public Tensor generate(Tensor z, int[] labels) {
    return forward(z);
  }
}
