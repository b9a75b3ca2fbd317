package dev.duel.gan.train;

import dev.duel.engine.GradMode;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.GeneratorNet;

/** Images from a generator, for grids, exports and latent walks. */
public final class Samples {
  private Samples() {}

  /**
   * G(z) on the host, N×1×28×28 floats in [−1, 1], computed in eval mode (BatchNorm uses its running
   * statistics and updates nothing) without a graph; the model's mode is restored afterwards, so
   * sampling never changes training.
   */
  public static float[] generate(GeneratorNet g, Tensor z, int[] labels) {
    boolean wasTraining = g.isTraining();
    g.eval();
    try (GradMode off = GradMode.disabled(); MemoryScope scope = MemoryScope.open()) {
      return g.generate(z, labels).toArray();
    } finally {
      g.train(wasTraining);
    }
  }

  /**
   * Spherical interpolation (Shoemake 1985; White 2016, "Sampling generative networks"):
   * slerp(a, b; t) = sin((1−t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b, cos Ω = a·b / (‖a‖‖b‖). It stays near the
   * shell where Gaussian noise of high dimension lives; falls back to lerp when a and b are (anti)parallel.
   */
  public static float[] slerp(float[] a, float[] b, double t) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    double cos = dot / Math.sqrt(na * nb);
    if (!(Math.abs(cos) < 1 - 1e-7)) return lerp(a, b, t);
    double omega = Math.acos(cos), s = Math.sin(omega);
    double wa = Math.sin((1 - t) * omega) / s, wb = Math.sin(t * omega) / s;
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) out[i] = (float) (wa * a[i] + wb * b[i]);
    return out;
  }

  /** Linear interpolation (1 − t)·a + t·b. */
  public static float[] lerp(float[] a, float[] b, double t) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) out[i] = (float) ((1 - t) * a[i] + t * b[i]);
    return out;
  }
}
