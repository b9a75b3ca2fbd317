package dev.duel.gan.loss;

import static dev.duel.gan.loss.TestNets.CPU;

import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.nn.BatchNorm;
import dev.duel.nn.Conv2d;
import dev.duel.nn.Layers;
import dev.duel.nn.Linear;
import dev.duel.nn.Module;

/** The small D's that the penalty tests differentiate twice. */
final class PenaltyNets {
  private PenaltyNets() {}

  /** D(x) = Σ_k w_k·x_k²: ∇_x D = 2·w ⊙ x, so penalties have closed forms. x: N×K. */
  static final class Quadratic extends Module {
    Quadratic(float... w) {
      registerParameter("w", Tensor.of(CPU, w, w.length));
    }

    @Override
    public Tensor forward(Tensor x) {
      return x.square().matmul(param("w").reshape(-1, 1));
    }
  }

  /** Linear(3, 4) → LeakyReLU(0.2) → Linear(4, 1); input N×3. */
  static DiscriminatorNet mlp(Generator rng) {
    return TestNets.d(new Linear(CPU, rng, 3, 4), Layers.leakyRelu(0.2f), new Linear(CPU, rng, 4, 1));
  }

  /**
   * Conv2d(1, 2, 3, 1, 1) → LeakyReLU(0.2) → Conv2d(2, 3, 3, 2, 1) → BatchNorm2d(3) → LeakyReLU(0.2) → Flatten →
   * Linear(12, 1); input N×1×4×4. Exercises conv's and batch norm's double backward (dcgan28's D has both).
   */
  static DiscriminatorNet conv(Generator rng) {
    return TestNets.d(new Conv2d(CPU, rng, 1, 2, 3, 1, 1, true), Layers.leakyRelu(0.2f),
        new Conv2d(CPU, rng, 2, 3, 3, 2, 1, true), BatchNorm.bn2d(CPU, 3), Layers.leakyRelu(0.2f),
        Layers.flatten(), new Linear(CPU, rng, 12, 1));
  }
}
