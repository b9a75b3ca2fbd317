package dev.duel.gan.demo;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.nn.Layers;
import dev.duel.nn.Linear;
import dev.duel.nn.Module;
import dev.duel.nn.Sequential;

/** The networks of the 1-D game. Shapes: z, x are N×1; D returns logits N×1 (D(x) = σ(logit)). */
final class Game1dNets {
  private Game1dNets() {}

  /** D: Linear(1, hidden) Tanh Linear(hidden, 1), a logit; tanh keeps the logit smooth like log p_data − log p_g. */
  static Sequential discriminator(Backend b, Generator rng, int hidden) {
    return new Sequential(new Linear(b, rng, 1, hidden), Layers.tanh(), new Linear(b, rng, hidden, 1));
  }

  /** G: Linear(1, hidden) Tanh Linear(hidden, 1): can bend N(0, 1) into a two-mode density. */
  static Sequential mlpGenerator(Backend b, Generator rng, int hidden) {
    return new Sequential(new Linear(b, rng, 1, hidden), Layers.tanh(), new Linear(b, rng, hidden, 1));
  }

  /** G(z) = a·z + b: with z ~ N(0, 1), p_g = N(b, a²) exactly. Parameters "a", "b", each of shape [1]. */
  static final class AffineGenerator extends Module {
    AffineGenerator(Backend backend, float a, float b) {
      registerParameter("a", Tensor.of(backend, new float[] {a}, 1));
      registerParameter("b", Tensor.of(backend, new float[] {b}, 1));
    }

    float a() {
      return param("a").item();
    }

    float b() {
      return param("b").item();
    }

    /** p_g = N(b, a²). */
    Density1d.Normal density() {
      return new Density1d.Normal(b(), Math.abs(a()));
    }

    @Override
    public Tensor forward(Tensor z) {
      return z.mul(param("a")).add(param("b"));
    }

    @Override
    public String describe() {
      return "Affine(a·z + b)";
    }
  }
}
