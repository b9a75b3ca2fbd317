package dev.duel.gan.models;

import dev.duel.engine.Tensor;
import dev.duel.nn.Module;
import dev.duel.nn.Sequential;

/**
 * G: latent z (N×latent) and, for conditional models, labels (N) to images N×C×H×W in [−1, 1] (Tanh), or
 * in [0, 1] (Sigmoid) where {@link #outputsUnitInterval()} says so; then D is trained on real images on
 * [0, 1] too, and {@code Samples.generate} maps G(z) to [−1, 1] for grids and metrics.
 */
public abstract class GeneratorNet extends Sequential {
  protected GeneratorNet(Module... layers) {
    super(layers);
  }

  public abstract int latentDim();

  /** Whether G(z) lies on [0, 1] (a Sigmoid output, the Keras convention) rather than [−1, 1]. */
  public boolean outputsUnitInterval() {
    return false;
  }

  /** labels may be null for unconditional models. */
  public Tensor generate(Tensor z, int[] labels) {
    return forward(z);
  }
}
