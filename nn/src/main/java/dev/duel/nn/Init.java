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

  /** Copies {@code values} into {@code p} and closes them: on a GPU a temporary left open is device memory until a GC. */
  private static void fill(Tensor p, Tensor values) {
    try (values) {
      p.assign(values);
    }
  }
}
