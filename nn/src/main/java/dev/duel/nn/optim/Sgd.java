package dev.duel.nn.optim;

import dev.duel.engine.FusedUpdates;
import dev.duel.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SGD with momentum, PyTorch's form: g' = g + wd·θ; on a parameter's first step v = g', after it
 * v ← μ·v + (1−τ)·g'; θ ← θ − lr·(nesterov ? g' + μ·v : v). With μ = 0 there is no v: θ ← θ − lr·g'.
 * The first step runs the fused update with τ = 0 on v = 0, which gives v = g' exactly. Like PyTorch's
 * state, {@link #stateDict()} holds a momentum buffer only for parameters that have taken a step.
 */
public final class Sgd extends Optimizer {
  private final float momentum, dampening, weightDecay;
  private final boolean nesterov;
  private final Tensor[] velocity;
  private final boolean[] started;       // PyTorch's "momentum_buffer is not None"

  public Sgd(List<Tensor> params, float lr, float momentum, float dampening, float weightDecay, boolean nesterov) {
    super(params, lr);
    this.momentum = momentum;
    this.dampening = dampening;
    this.weightDecay = weightDecay;
    this.nesterov = nesterov;
    velocity = new Tensor[this.params.size()];
    started = new boolean[velocity.length];
    for (int i = 0; i < velocity.length; i++) {
      Tensor p = this.params.get(i);
      velocity[i] = Tensor.zeros(p.backend(), p.shape());
    }
  }

  public Sgd(List<Tensor> params, float lr, float momentum) {
    this(params, lr, momentum, 0f, 0f, false);
  }

  @Override
  public void step() {
    for (int i = 0; i < velocity.length; i++) {
      Tensor p = params.get(i);
      if (p.grad() == null) continue;
      float tau = started[i] ? dampening : 0f;                     // first step: v = 0·μ + 1·g' = g'
      FusedUpdates.sgd(p, p.grad(), velocity[i], lr, momentum, tau, weightDecay, nesterov);
      started[i] = true;
    }
  }

  @Override
  public Map<String, Tensor> stateDict() {
    Map<String, Tensor> s = new LinkedHashMap<>();
    for (int i = 0; i < velocity.length; i++) if (started[i]) s.put("state." + i + ".momentum_buffer", velocity[i]);
    return s;
  }

  @Override
  public void loadStateDict(Map<String, Tensor> state) {
    for (int i = 0; i < velocity.length; i++) {
      String name = "state." + i + ".momentum_buffer";
      started[i] = state.containsKey(name);
      velocity[i].assign(started[i] ? require(state, name, velocity[i]) : Tensor.zeros(velocity[i].backend(), velocity[i].shape()));
    }
  }
}
