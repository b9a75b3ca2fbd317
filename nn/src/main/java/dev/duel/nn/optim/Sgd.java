package dev.duel.nn.optim;

import dev.duel.engine.FusedUpdates;
import dev.duel.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SGD with momentum, PyTorch's form: g' = g + wd·θ; v ← μ·v + (1−τ)·g'; θ ← θ − lr·(nesterov ? g' + μ·v : v).
 * (PyTorch sets v = g' on the first step; with v starting at 0 and dampening τ = 0 that is the same.)
 */
public final class Sgd extends Optimizer {
  private final float momentum, dampening, weightDecay;
  private final boolean nesterov;
  private final Tensor[] velocity;

  public Sgd(List<Tensor> params, float lr, float momentum, float dampening, float weightDecay, boolean nesterov) {
    super(params, lr);
    this.momentum = momentum;
    this.dampening = dampening;
    this.weightDecay = weightDecay;
    this.nesterov = nesterov;
    velocity = new Tensor[this.params.size()];
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
      FusedUpdates.sgd(p, p.grad(), velocity[i], lr, momentum, dampening, weightDecay, nesterov);
    }
  }

  @Override
  public Map<String, Tensor> stateDict() {
    Map<String, Tensor> s = new LinkedHashMap<>();
    for (int i = 0; i < velocity.length; i++) s.put("state." + i + ".momentum_buffer", velocity[i]);
    return s;
  }

  @Override
  public void loadStateDict(Map<String, Tensor> state) {
    for (int i = 0; i < velocity.length; i++) {
      velocity[i].assign(require(state, "state." + i + ".momentum_buffer", velocity[i]));
    }
  }
}
