package dev.duel.gan.loss;

import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.DiscriminatorNet;

/**
 * A term added to L_D that needs D itself (not just its outputs): WGAN-GP's gradient penalty, R1.
 * Computed through the engine's second derivatives (Autograd.grad with createGraph).
 */
public interface Regularizer {
  String name();

  /** The penalty (a scalar, already multiplied by its weight λ) for this D step. */
  Tensor penalty(DiscriminatorNet d, Tensor real, Tensor fake, int[] labels, Generator rng);
}
