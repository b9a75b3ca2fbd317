package dev.duel.nn;

import dev.duel.engine.Backend;
import dev.duel.engine.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer or model: named parameters (trained), named buffers (state such as running statistics) and
 * named child modules, PyTorch-style. Names join with dots, so a Sequential's state reads
 * {@code 0.weight}, {@code 2.running_mean}, as in PyTorch and in the safetensors files Duel writes.
 */
public abstract class Module {
  private final Map<String, Tensor> params = new LinkedHashMap<>();
  private final Map<String, Tensor> buffers = new LinkedHashMap<>();
  private final Map<String, Module> children = new LinkedHashMap<>();
  protected boolean training = true;

  public abstract Tensor forward(Tensor x);

  /** The class name and the main sizes, for summaries. */
  public String describe() {
    return getClass().getSimpleName();
  }

  // ---- registration -------------------------------------------------------------------------

  protected Tensor registerParameter(String name, Tensor t) {
    t.requiresGrad(true);
    params.put(name, t);
    return t;
  }

  protected Tensor registerBuffer(String name, Tensor t) {
    buffers.put(name, t);
    return t;
  }

  protected <M extends Module> M registerModule(String name, M m) {
    children.put(name, m);
    return m;
  }

  /** This module's own parameter (not a child's). */
  protected Tensor param(String name) {
    return params.get(name);
  }

  protected Tensor buffer(String name) {
    return buffers.get(name);
  }

  protected void removeParameter(String name) {
    params.remove(name);
  }

  public Map<String, Module> children() {
    return java.util.Collections.unmodifiableMap(children);
  }

  // ---- traversal ----------------------------------------------------------------------------

  /** Every parameter of this module and its descendants, by dotted name, in registration order. */
  public Map<String, Tensor> namedParameters() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    collect("", out, true, false);
    return out;
  }

  public List<Tensor> parameters() {
    return new ArrayList<>(namedParameters().values());
  }

  /** Parameters and buffers by dotted name: what is saved and loaded. */
  public Map<String, Tensor> stateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    collect("", out, true, true);
    return out;
  }

  private void collect(String prefix, Map<String, Tensor> out, boolean withParams, boolean withBuffers) {
    if (withParams) params.forEach((k, v) -> out.put(prefix + k, v));
    if (withBuffers) buffers.forEach((k, v) -> out.put(prefix + k, v));
    children.forEach((k, m) -> m.collect(prefix + k + ".", out, withParams, withBuffers));
  }

  /** Every module in the tree, depth first, this one first. */
  public List<Module> modules() {
    List<Module> out = new ArrayList<>();
    out.add(this);
    for (Module m : children.values()) out.addAll(m.modules());
    return out;
  }

  public long parameterCount() {
    long n = 0;
    for (Tensor p : namedParameters().values()) n += p.numel();
    return n;
  }

  // ---- modes, gradients, devices ------------------------------------------------------------

  public Module train(boolean on) {
    training = on;
    for (Module m : children.values()) m.train(on);
    return this;
  }

  public Module eval() {
    return train(false);
  }

  public boolean isTraining() {
    return training;
  }

  public void zeroGrad() {
    for (Tensor p : namedParameters().values()) p.zeroGrad();
  }

  /** Moves every parameter and buffer to {@code backend} (copies; the old tensors are closed). */
  public Module to(Backend backend) {
    for (Map.Entry<String, Tensor> e : params.entrySet()) {
      Tensor old = e.getValue();
      if (old.backend() == backend) continue;
      Tensor moved = old.to(backend).requiresGrad(true);
      e.setValue(moved);
      old.close();
    }
    for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
      Tensor old = e.getValue();
      if (old.backend() == backend) continue;
      e.setValue(old.to(backend));
      old.close();
    }
    for (Module m : children.values()) m.to(backend);
    return this;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    format(sb, "", "");
    return sb.toString();
  }

  private void format(StringBuilder sb, String indent, String name) {
    sb.append(indent).append(name.isEmpty() ? "" : "(" + name + "): ").append(describe()).append('\n');
    children.forEach((k, m) -> m.format(sb, indent + "  ", k));
  }
}
