package dev.duel.nn.optim;

import dev.duel.engine.GradMode;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.nn.Module;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exponential moving average of a model's weights (G-EMA, Karras et al.): θ̄ ← β·θ̄ + (1 − β)·θ after
 * each update. Batch norm's running statistics ({@code running_mean}, {@code running_var}) are averaged
 * the same way, so the averaged weights normalise with statistics that match them (as PyTorch's
 * {@code AveragedModel(use_buffers=True)}); copying the live statistics would pair averaged weights with
 * the statistics of the newest ones. Other buffers (counters, spectral norm's power-iteration vectors)
 * are copied. The averaged model is a second module of the same architecture, so it samples like the
 * original.
 */
public final class Ema {
  private final Module source, shadow;
  private final float decay;

  /** shadow must have the source's architecture; it is overwritten with the source's weights. */
  public Ema(Module source, Module shadow, float decay) {
    if (decay < 0f || decay > 1f) throw new IllegalArgumentException("EMA decay must be in [0, 1], got " + decay);
    this.source = source;
    this.shadow = shadow;
    this.decay = decay;
    Map<String, Tensor> src = source.stateDict(), dst = shadow.stateDict();
    if (!src.keySet().equals(dst.keySet())) {
      throw new IllegalArgumentException("EMA: shadow model's state names differ from the source's");
    }
    try (GradMode g = GradMode.disabled()) {
      src.forEach((k, v) -> dst.get(k).assign(v));
    }
    shadow.eval();
  }

  public void update() {
    Map<String, Tensor> params = source.namedParameters();
    Map<String, Tensor> dst = shadow.stateDict();
    try (GradMode g = GradMode.disabled(); MemoryScope scope = MemoryScope.open()) {
      for (Map.Entry<String, Tensor> e : source.stateDict().entrySet()) {
        Tensor target = dst.get(e.getKey());
        if (params.containsKey(e.getKey()) || averagedBuffer(e.getKey())) {
          target.assign(target.mul(decay).add(e.getValue().mul(1f - decay)));
        } else {
          target.assign(e.getValue());
        }
      }
    }
  }

  /** Batch norm's running mean and variance: averaged like the weights. */
  static boolean averagedBuffer(String name) {
    return name.endsWith("running_mean") || name.endsWith("running_var");
  }

  public Module model() {
    return shadow;
  }

  public Map<String, Tensor> stateDict() {
    return new LinkedHashMap<>(shadow.stateDict());
  }
}
