package dev.duel.gan.train;

import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.CganMlp;
import dev.duel.gan.models.GeneratorNet;
import java.util.Arrays;
import java.util.Map;

/** Images from a generator, for grids, exports and latent walks. */
public final class Samples {
  private Samples() {}

  /**
   * G(z) on the host, N×1×28×28 floats in [−1, 1] (a G on [0, 1] mapped by 2x − 1), computed in eval mode (BatchNorm uses its running
   * statistics and updates nothing) without a graph; the model's mode is restored afterwards, so
   * sampling never changes training.
   */
  public static float[] generate(GeneratorNet g, Tensor z, int[] labels) {
    boolean wasTraining = g.isTraining();
    g.eval();
    try (GradMode off = GradMode.disabled(); MemoryScope scope = MemoryScope.open()) {
      Tensor x = g.generate(z, labels);
      return (g.outputsUnitInterval() ? x.mul(2f).sub(1f) : x).toArray();  // [0, 1] → [−1, 1]: x' = 2x − 1
    } finally {
      g.train(wasTraining);
    }
  }

  /**
   * n images G(z), z ~ N(0, I) drawn on the CPU from Philox stream {@code seed} (offset 0) as one n×latent
   * matrix, then run {@code batchSize} rows at a time through {@link #generate} (eval mode, no graph):
   * so neither the device nor the batch split changes z. A conditional generator gets the labels
   * 0, 1, …, 9, 0, 1, … (balanced classes). What {@code duel eval} scores from a checkpoint, and what
   * {@code --fid-every} scores during training. Returns n×1×28×28 floats; NaN/Inf pixels are refused.
   */
  public static float[] fromSeed(GeneratorNet g, Backend backend, int n, long seed, int batchSize) {
    if (n < 1) throw new IllegalArgumentException("samples: n must be at least 1, got " + n);
    if (batchSize < 1) throw new IllegalArgumentException("samples: batch size must be at least 1, got " + batchSize);
    int latent = g.latentDim(), pixels = 28 * 28;
    float[] noise;
    try (MemoryScope scope = MemoryScope.open()) {
      noise = new Generator(seed).normal(Devices.cpu(), 0f, 1f, n, latent).toArray();   // z: n×latent
    }
    boolean conditional = g instanceof CganMlp.G;
    float[] images = new float[Math.multiplyExact(n, pixels)];
    for (int start = 0; start < n; start += batchSize) {
      int b = Math.min(batchSize, n - start);
      int[] labels = null;
      if (conditional) {
        labels = new int[b];
        for (int i = 0; i < b; i++) labels[i] = (start + i) % CganMlp.CLASSES;
      }
      float[] x;
      try (MemoryScope scope = MemoryScope.open()) {
        x = generate(g, Tensor.of(backend, Arrays.copyOfRange(noise, start * latent, (start + b) * latent), b, latent), labels);
      }
      if (x.length != b * pixels) throw new IllegalStateException("the generator made " + x.length + " values for " + b + " images of 28×28");
      for (float v : x) {
        if (!Float.isFinite(v)) throw new ArithmeticException("the generator produced NaN/Inf pixels (a diverged model?)");
      }
      System.arraycopy(x, 0, images, start * pixels, x.length);
    }
    return images;
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

  /** Batches that {@link #recomputeBatchNorm} runs: BN's momentum 0.1 leaves 0.9⁵⁰ ≈ 0.5% of the reset values. */
  public static final int BN_BATCHES = 50;

  /**
   * Recomputes the running statistics of every BatchNorm in {@code g} for its current weights (as
   * PyTorch's {@code torch.optim.swa_utils.update_bn}): resets them to (0, 1) and runs {@link #BN_BATCHES}
   * batches of z ~ N(0, I) from Philox stream {@code seed} (offset 0) through g in train mode, without a
   * graph. G-EMA needs this: its averaged weights are not any weights the live G had, so neither G's
   * statistics nor their average describe its activations. A generator without BatchNorm is left alone;
   * the mode is restored. Deterministic in (weights, seed), so a resumed run recomputes the same numbers.
   */
  public static void recomputeBatchNorm(GeneratorNet g, Backend backend, long seed, int batchSize) {
    Map<String, Tensor> state = g.stateDict();
    if (state.keySet().stream().noneMatch(k -> k.endsWith("running_mean"))) return;
    boolean wasTraining = g.isTraining();
    try (GradMode off = GradMode.disabled(); MemoryScope scope = MemoryScope.open()) {
      for (Map.Entry<String, Tensor> e : state.entrySet()) {
        Tensor t = e.getValue();
        if (e.getKey().endsWith("running_mean")) t.assign(Tensor.zeros(backend, t.shape()));
        else if (e.getKey().endsWith("running_var")) t.assign(Tensor.ones(backend, t.shape()));
      }
      g.train(true);
      Generator rng = new Generator(seed);
      for (int i = 0; i < BN_BATCHES; i++) {
        try (MemoryScope step = MemoryScope.open()) {
          g.generate(rng.normal(backend, 0f, 1f, batchSize, g.latentDim()), null);
        }
      }
    } finally {
      g.train(wasTraining);
    }
  }
}
