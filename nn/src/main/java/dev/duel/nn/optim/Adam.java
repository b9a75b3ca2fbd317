package dev.duel.nn.optim;

import dev.duel.engine.FusedUpdates;
import dev.duel.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba 2015), PyTorch's form, one fused update per parameter:
 * m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², θ ← θ − lr·m̂/(√v̂ + ε), m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).
 * The GAN default is betas (0.5, 0.999) (Radford et al.).
 */
public final class Adam extends Optimizer {
  private final float beta1, beta2, eps, weightDecay;
  private final Tensor[] m, v;
  private int t;

  public Adam(List<Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay) {
    super(params, lr);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    m = new Tensor[this.params.size()];
    v = new Tensor[this.params.size()];
    for (int i = 0; i < m.length; i++) {
      Tensor p = this.params.get(i);
      m[i] = Tensor.zeros(p.backend(), p.shape());
      v[i] = Tensor.zeros(p.backend(), p.shape());
    }
  }

  public Adam(List<Tensor> params, float lr, float beta1, float beta2) {
    this(params, lr, beta1, beta2, 1e-8f, 0f);
  }

  @Override
  public void step() {
    t++;
    for (int i = 0; i < m.length; i++) {
      Tensor p = params.get(i);
      if (p.grad() == null) continue;
      FusedUpdates.adam(p, p.grad(), m[i], v[i], lr, beta1, beta2, eps, weightDecay, t);
    }
  }

  public int stepCount() {
    return t;
  }

  @Override
  public Map<String, Tensor> stateDict() {
    Map<String, Tensor> s = new LinkedHashMap<>();
    for (int i = 0; i < m.length; i++) {
      s.put("state." + i + ".exp_avg", m[i]);
      s.put("state." + i + ".exp_avg_sq", v[i]);
    }
    s.put("step", Tensor.scalar(params.get(0).backend(), t));
    return s;
  }

  @Override
  public void loadStateDict(Map<String, Tensor> state) {
    for (int i = 0; i < m.length; i++) {
      m[i].assign(require(state, "state." + i + ".exp_avg", m[i]));
      v[i].assign(require(state, "state." + i + ".exp_avg_sq", v[i]));
    }
    Tensor step = state.get("step");
    if (step == null) throw new IllegalArgumentException("optimizer state has no entry 'step'");
    t = Math.round(step.item());
  }
}
