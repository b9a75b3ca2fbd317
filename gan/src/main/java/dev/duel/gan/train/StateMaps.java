package dev.duel.gan.train;

import dev.duel.engine.GradMode;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.nn.optim.Optimizer;
import dev.duel.nn.state.StateFormatException;
import dev.duel.nn.state.TensorData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Named tensors (a module's state dict, an optimizer's state) to and from the host arrays that
 * safetensors files hold. Loading is all-or-nothing on names and shapes: a file that misses a tensor,
 * has an extra one, or holds a shape that differs is refused, naming the file and the tensor, before
 * anything is overwritten.
 */
public final class StateMaps {
  private StateMaps() {}

  /** Host copies of {@code state}, in its order. */
  public static Map<String, TensorData> toHost(Map<String, Tensor> state) {
    Map<String, TensorData> out = new LinkedHashMap<>();
    state.forEach((k, t) -> out.put(k, new TensorData(t.shape(), t.toArray())));
    return out;
  }

  /**
   * Copies {@code saved} into the live tensors of {@code state} (a module's stateDict(): assigning
   * changes the module). {@code file} names the source in errors.
   */
  public static void load(Map<String, Tensor> state, Map<String, TensorData> saved, Path file) throws StateFormatException {
    TreeSet<String> missing = new TreeSet<>(state.keySet());
    missing.removeAll(saved.keySet());
    TreeSet<String> extra = new TreeSet<>(saved.keySet());
    extra.removeAll(state.keySet());
    if (!missing.isEmpty() || !extra.isEmpty()) {
      throw new StateFormatException(file, "does not match the model: "
          + (missing.isEmpty() ? "" : "missing " + missing + " ")
          + (extra.isEmpty() ? "" : "unexpected " + extra + " ")
          + "(was it written for another --model, --width, --latent or --spectral-norm?)");
    }
    for (Map.Entry<String, Tensor> e : state.entrySet()) {
      TensorData d = saved.get(e.getKey());
      int[] want = e.getValue().shape();
      if (!Arrays.equals(d.shape(), want)) {
        throw new StateFormatException(file, "tensor '" + e.getKey() + "' has shape " + Arrays.toString(d.shape())
            + ", the model needs " + Arrays.toString(want) + " (another --width or --latent?)");
      }
    }
    try (GradMode g = GradMode.disabled(); MemoryScope scope = MemoryScope.open()) {
      for (Map.Entry<String, Tensor> e : state.entrySet()) {
        Tensor live = e.getValue();
        TensorData d = saved.get(e.getKey());
        live.assign(Tensor.of(live.backend(), d.data(), d.shape()));
      }
    }
  }

  /** Restores an optimizer's moments and step count from {@code saved}, refusing missing, extra or misshapen entries. */
  public static void loadOptimizer(Optimizer opt, Map<String, TensorData> saved, Path file) throws StateFormatException {
    try (MemoryScope scope = MemoryScope.open()) {
      Map<String, Tensor> live = opt.stateDict();
      TreeSet<String> missing = new TreeSet<>(live.keySet());
      missing.removeAll(saved.keySet());
      TreeSet<String> extra = new TreeSet<>(saved.keySet());
      extra.removeAll(live.keySet());
      if (!missing.isEmpty() || !extra.isEmpty()) {
        throw new StateFormatException(file, "does not match the optimizer: "
            + (missing.isEmpty() ? "" : "missing " + missing + " ") + (extra.isEmpty() ? "" : "unexpected " + extra));
      }
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (Map.Entry<String, Tensor> e : live.entrySet()) {
        TensorData d = saved.get(e.getKey());
        if (!Arrays.equals(d.shape(), e.getValue().shape())) {
          throw new StateFormatException(file, "tensor '" + e.getKey() + "' has shape " + Arrays.toString(d.shape())
              + ", the optimizer needs " + Arrays.toString(e.getValue().shape()));
        }
        tensors.put(e.getKey(), Tensor.of(e.getValue().backend(), d.data(), d.shape()));
      }
      try (GradMode g = GradMode.disabled()) {
        opt.loadStateDict(tensors);
      }
    }
  }
}
