package dev.duel.nn.optim;

import dev.duel.engine.Tensor;
import java.util.List;
import java.util.Map;

/** Updates a fixed list of parameters from their .grad; state is saved and restored by name. */
public abstract class Optimizer {
  protected final List<Tensor> params;
  protected float lr;

  protected Optimizer(List<Tensor> params, float lr) {
    this.params = List.copyOf(params);
    this.lr = lr;
  }

  /** One update of every parameter that has a gradient. */
  public abstract void step();

  public void zeroGrad() {
    for (Tensor p : params) p.zeroGrad();
  }

  public float lr() {
    return lr;
  }

  public void setLr(float lr) {
    this.lr = lr;
  }

  public List<Tensor> params() {
    return params;
  }

  /** The optimizer's tensors (moments, velocities) and counters, by name, for checkpoints. */
  public abstract Map<String, Tensor> stateDict();

  /** Restores what {@link #stateDict()} saved (same parameter list and shapes). */
  public abstract void loadStateDict(Map<String, Tensor> state);

  protected static Tensor require(Map<String, Tensor> state, String name, Tensor like) {
    Tensor t = state.get(name);
    if (t == null) throw new IllegalArgumentException("optimizer state has no entry '" + name + "'");
    if (!java.util.Arrays.equals(t.shape(), like.shape())) {
      throw new IllegalArgumentException("optimizer state '" + name + "' has shape " + java.util.Arrays.toString(t.shape())
          + ", the parameter has " + java.util.Arrays.toString(like.shape()));
    }
    return t;
  }
}
