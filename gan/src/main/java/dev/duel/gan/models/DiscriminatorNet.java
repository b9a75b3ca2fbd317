package dev.duel.gan.models;

import dev.duel.engine.Tensor;
import dev.duel.nn.Module;
import dev.duel.nn.Sequential;

/** D: images N×C×H×W (and labels for conditional models) to one logit per image, N×1. */
public abstract class DiscriminatorNet extends Sequential {
  protected DiscriminatorNet(Module... layers) {
    super(layers);
  }

  /** labels may be null for unconditional models. */
  public Tensor score(Tensor x, int[] labels) {
    return forward(x);
  }

  /** The activations that feed the last layer (feature matching, Salimans et al. 2016). */
  public Tensor features(Tensor x, int[] labels) {
    return forwardUpTo(x, size() - 2);
  }
}
