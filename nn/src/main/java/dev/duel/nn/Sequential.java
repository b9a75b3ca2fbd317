package dev.duel.nn;

import dev.duel.engine.Tensor;

/** Layers applied in order; children are named 0, 1, 2, ... as in PyTorch's nn.Sequential. */
public class Sequential extends Module {
  private final Module[] layers;

  public Sequential(Module... layers) {
    this.layers = layers.clone();
    for (int i = 0; i < layers.length; i++) registerModule(Integer.toString(i), layers[i]);
  }

  /**
   * The layers in order; a layer that can apply the activation after it ({@link FusesActivation}: Linear and
   * Conv2d with a bias, BatchNorm) is handed that {@link Activation} and the two run as one op (the same floats, one pass fewer).
   */
  @Override
  public Tensor forward(Tensor x) {
    for (int i = 0; i < layers.length; i++) {
      if (i + 1 < layers.length && layers[i] instanceof FusesActivation f && layers[i + 1] instanceof Activation a) {
        x = f.forwardActivated(x, a);
        i++;
      } else {
        x = layers[i].forward(x);
      }
    }
    return x;
  }

  /** The output of every layer up to and including {@code last} (feature matching reads D's features). */
  public Tensor forwardUpTo(Tensor x, int last) {
    for (int i = 0; i <= last; i++) x = layers[i].forward(x);
    return x;
  }

  public int size() {
    return layers.length;
  }

  /** The layers, for a model that reuses another's stack under its own class. */
  public Module[] layersForReuse() {
    return layers.clone();
  }

  public Module get(int i) {
    return layers[i];
  }
}
