package dev.duel.nn;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.Tensor;

/** Weight initialisers. All draw from a Philox {@link Generator}, so CPU and GPU models start equal. */
public final class Init {
  private Init() {}

  /** U(−1/√fanIn, 1/√fanIn): PyTorch's default for Linear and Conv weights and biases. */
  public static Tensor uniformFanIn(Backend b, Generator rng, int fanIn, int... shape) {
    float bound = (float) (1.0 / Math.sqrt(Math.max(fanIn, 1)));
    return rng.uniform(b, -bound, bound, shape);
  }

  /**
   * DCGAN's init (Radford et al.): conv, transposed-conv and linear weights ~ N(0, 0.02), biases 0;
   * batch-norm weights ~ N(1, 0.02), biases 0.
   */
  public static void dcgan(Module model, Generator rng) {
    try (GradMode g = GradMode.disabled()) {
      for (Module m : model.modules()) {
        if (m instanceof Linear || m instanceof Conv2d || m instanceof ConvTranspose2d) {
          Tensor w = m.param("weight") != null ? m.param("weight") : m.param("weight_orig");
          fill(w, rng.normal(w.backend(), 0f, 0.02f, w.shape()));
          Tensor bias = m.param("bias");
          if (bias != null) fill(bias, Tensor.zeros(bias.backend(), bias.shape()));
        } else if (m instanceof BatchNorm bn) {
          Tensor w = bn.param("weight");
          fill(w, rng.normal(w.backend(), 1f, 0.02f, w.shape()));
          fill(bn.param("bias"), Tensor.zeros(w.backend(), w.shape()));
        }
      }
    }
  }

  /**
   * Keras's defaults (the seed's Keras models): conv and linear weights ~ U(−a, a) with a = √(6/(fan_in +
   * fan_out)) (Glorot and Bengio's "glorot_uniform"; a conv's fans are in·k·k and out·k·k), biases 0;
   * batch-norm γ = 1, β = 0.
   */
  public static void glorotUniform(Module model, Generator rng) {
    try (GradMode g = GradMode.disabled()) {
      for (Module m : model.modules()) {
        if (m instanceof Linear || m instanceof Conv2d) {
          Tensor w = m.param("weight") != null ? m.param("weight") : m.param("weight_orig");
          int[] s = w.shape();                                  // out×in (Linear) or out×in×k×k (Conv2d)
          long receptive = 1;
          for (int d = 2; d < s.length; d++) receptive *= s[d];
          double a = Math.sqrt(6.0 / ((double) s[1] * receptive + (double) s[0] * receptive));
          fill(w, rng.uniform(w.backend(), (float) -a, (float) a, s));
          Tensor bias = m.param("bias");
          if (bias != null) fill(bias, Tensor.zeros(bias.backend(), bias.shape()));
        } else if (m instanceof BatchNorm bn) {
          fill(bn.param("weight"), Tensor.ones(bn.param("weight").backend(), bn.param("weight").shape()));
          fill(bn.param("bias"), Tensor.zeros(bn.param("bias").backend(), bn.param("bias").shape()));
        }
      }
    }
  }

  /** Copies {@code values} into {@code p} and closes them: on a GPU a temporary left open is device memory until a GC. */
  private static void fill(Tensor p, Tensor values) {
    try (values) {
      p.assign(values);
    }
  }
}
