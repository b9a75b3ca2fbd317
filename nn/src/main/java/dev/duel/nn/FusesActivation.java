package dev.duel.nn;

import dev.duel.engine.Tensor;

/** A layer that can apply the {@link Activation} after it as it writes its output (see {@link Sequential}). */
public interface FusesActivation {
  /** act(this.forward(x)): the same floats and gradients as the two layers in turn. */
  Tensor forwardActivated(Tensor x, Activation act);
}
