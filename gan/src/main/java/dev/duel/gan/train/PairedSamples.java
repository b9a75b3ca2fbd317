package dev.duel.gan.train;

import dev.duel.engine.Backend;
import dev.duel.engine.GradMode;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.gan.data.PairedData;
import dev.duel.gan.data.SplitMix64;
import dev.duel.gan.models.UNet;
import java.util.Arrays;
import java.util.Map;

/** Outputs of an image-to-image generator: translations for grids, {@code duel translate} and {@code duel eval}. */
public final class PairedSamples {
  private PairedSamples() {}

  /**
   * G(x) for n inputs (n×C_in×H×W floats on the host), {@code batchSize} at a time, in eval mode (batch
   * norm on its running statistics, dropout off) without a graph; the mode is restored afterwards.
   * Returns n×C_out×H×W floats; NaN/Inf outputs are refused.
   */
  public static float[] translate(UNet g, Backend backend, float[] inputs, int n, int batchSize) {
    if (batchSize < 1) throw new IllegalArgumentException("translate: batch size must be at least 1, got " + batchSize);
    int cin = g.inChannels(), h = g.height(), w = g.width(), perIn = cin * h * w, perOut = g.outChannels() * h * w;
    if (n < 0 || (long) n * perIn > inputs.length) {
      throw new IllegalArgumentException("translate: " + n + " inputs of " + cin + "×" + h + "×" + w + " need " + (long) n * perIn
          + " floats, got " + inputs.length);
    }
    float[] out = new float[Math.multiplyExact(n, perOut)];
    boolean wasTraining = g.isTraining();
    g.eval();
    try (GradMode off = GradMode.disabled()) {
      for (int start = 0; start < n; start += batchSize) {
        int b = Math.min(batchSize, n - start);
        try (MemoryScope scope = MemoryScope.open()) {
          float[] y = g.forward(Tensor.of(backend, Arrays.copyOfRange(inputs, start * perIn, (start + b) * perIn), b, cin, h, w)).toArray();
          for (float v : y) {
            if (!Float.isFinite(v)) throw new ArithmeticException("the generator produced NaN/Inf pixels (a diverged model?)");
          }
          System.arraycopy(y, 0, out, start * perOut, y.length);
        }
      }
    } finally {
      g.train(wasTraining);
    }
    return out;
  }

  /**
   * Recomputes the running statistics of every batch norm of {@code g} for its current weights, as
   * {@link Samples#recomputeBatchNorm} does for G-EMA: reset to (0, 1), then {@link Samples#BN_BATCHES}
   * batches of the data's inputs (a permutation and task draw from SplitMix64 {@code seed}) through g in
   * train mode without a graph, dropout off. Deterministic in (weights, data, seed).
   */
  public static void recomputeBatchNorm(UNet g, PairedData data, Backend backend, long seed, int batchSize) {
    Map<String, Tensor> state = g.stateDict();
    if (state.keySet().stream().noneMatch(k -> k.endsWith("running_mean"))) return;
    int b = Math.min(batchSize, data.size());
    int perIn = data.inputChannels() * data.height() * data.width();
    float[] in = new float[b * perIn], tgt = new float[b * data.targetChannels() * data.height() * data.width()];
    int[] idx = new int[b];
    SplitMix64 rng = new SplitMix64(seed);
    boolean wasTraining = g.isTraining();
    try (GradMode off = GradMode.disabled(); MemoryScope scope = MemoryScope.open()) {
      for (Map.Entry<String, Tensor> e : state.entrySet()) {
        Tensor t = e.getValue();
        if (e.getKey().endsWith("running_mean")) t.assign(Tensor.zeros(backend, t.shape()));
        else if (e.getKey().endsWith("running_var")) t.assign(Tensor.ones(backend, t.shape()));
      }
      g.train(true);
      for (int i = 0; i < Samples.BN_BATCHES; i++) {
        for (int k = 0; k < b; k++) idx[k] = rng.nextInt(data.size());
        data.gather(idx, b, rng.nextLong(), in, tgt);
        try (MemoryScope batch = MemoryScope.open()) {
          g.forward(Tensor.of(backend, in, b, data.inputChannels(), data.height(), data.width()));
        }
      }
    } finally {
      g.train(wasTraining);
    }
  }
}
