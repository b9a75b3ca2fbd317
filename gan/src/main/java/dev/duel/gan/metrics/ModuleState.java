package dev.duel.gan.metrics;

import dev.duel.engine.GradMode;
import dev.duel.engine.Tensor;
import dev.duel.nn.Module;
import dev.duel.nn.state.StateFormatException;
import dev.duel.nn.state.TensorData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Moves a module's parameters and buffers to and from the name → data maps that safetensors files hold. */
final class ModuleState {
  private ModuleState() {}

  /** The module's state dict as host arrays, in registration order. */
  static Map<String, TensorData> export(Module m) {
    Map<String, TensorData> out = new LinkedHashMap<>();
    for (var e : m.stateDict().entrySet()) out.put(e.getKey(), new TensorData(e.getValue().shape(), e.getValue().toArray()));
    return out;
  }

  /**
   * Copies {@code tensors} into {@code m}'s parameters and buffers. Strict: every name of the module must
   * be present with the same shape, and the file must hold nothing else; otherwise nothing is trusted and a
   * {@link StateFormatException} lists the missing, unexpected and mismatched names.
   */
  static void load(Module m, Map<String, TensorData> tensors, Path file) throws StateFormatException {
    Map<String, Tensor> state = m.stateDict();
    List<String> problems = new ArrayList<>();
    for (var e : state.entrySet()) {
      TensorData t = tensors.get(e.getKey());
      if (t == null) problems.add("missing '" + e.getKey() + "'");
      else if (!Arrays.equals(t.shape(), e.getValue().shape()))
        problems.add("'" + e.getKey() + "' has shape " + Arrays.toString(t.shape()) + ", the model needs "
            + Arrays.toString(e.getValue().shape()));
    }
    TreeSet<String> extra = new TreeSet<>(tensors.keySet());
    extra.removeAll(state.keySet());
    for (String name : extra) problems.add("unexpected '" + name + "'");
    if (!problems.isEmpty()) {
      int shown = Math.min(problems.size(), 8);
      throw new StateFormatException(file, "does not fit the model (" + String.join("; ", problems.subList(0, shown))
          + (shown < problems.size() ? "; and " + (problems.size() - shown) + " more" : "")
          + "): was it saved from another architecture or configuration?");
    }
    try (GradMode g = GradMode.disabled()) {
      for (var e : state.entrySet()) {
        Tensor dst = e.getValue();
        TensorData src = tensors.get(e.getKey());
        for (float v : src.data()) {
          if (!Float.isFinite(v)) throw new StateFormatException(file, "tensor '" + e.getKey() + "' holds NaN or Inf");
        }
        Tensor t = Tensor.of(dst.backend(), src.data(), src.shape());
        dst.assign(t);
        t.close();
      }
    }
  }
}
