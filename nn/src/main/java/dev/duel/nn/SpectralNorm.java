package dev.duel.nn;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.Tensor;

/**
 * Spectral normalisation (Miyato et al. 2018): W_SN = W / σ(W), σ the largest singular value of W
 * viewed as (out, −1), estimated by one power-iteration step per training forward:
 * v ← Wᵀu / ‖Wᵀu‖, u ← W v / ‖W v‖, σ = uᵀ W v. u and v are not differentiated (PyTorch's
 * torch.nn.utils.spectral_norm; same state names: weight_orig, weight_u, weight_v).
 */
final class SpectralNorm {
  private static final float EPS = 1e-12f;

  private SpectralNorm() {}

  /** Turns the module's "weight" parameter into "weight_orig" plus the u, v buffers. */
  static void apply(Module m, Generator rng) {
    Tensor w = m.param("weight");
    if (w == null) throw new IllegalStateException("spectral norm needs a module with a 'weight' parameter");
    Backend b = w.backend();
    int rows = w.size(0);
    int cols = (int) (w.numel() / rows);
    m.removeParameter("weight");
    m.registerParameter("weight_orig", w);
    try (GradMode g = GradMode.disabled()) {
      m.registerBuffer("weight_u", normalize(rng.normal(b, 0f, 1f, rows)));
      m.registerBuffer("weight_v", normalize(rng.normal(b, 0f, 1f, cols)));
    }
  }

  /** W / σ(W), updating u and v in training. */
  static Tensor weight(Module m) {
    Tensor w = m.param("weight_orig");
    int rows = w.size(0);
    Tensor mat = w.reshape(rows, -1);
    Tensor u = m.buffer("weight_u"), v = m.buffer("weight_v");
    if (m.isTraining()) {
      try (GradMode g = GradMode.disabled()) {
        Tensor wd = mat.detach();
        Tensor nv = normalize(wd.t().matmul(u.reshape(rows, 1)).reshape(-1));
        Tensor nu = normalize(wd.matmul(nv.reshape(-1, 1)).reshape(-1));
        v.assign(nv);
        u.assign(nu);
      }
    }
    // σ = uᵀ W v, differentiated through W only.
    Tensor sigma = u.detach().reshape(1, rows).matmul(mat).matmul(v.detach().reshape(-1, 1)).reshape();
    return w.div(sigma);
  }

  private static Tensor normalize(Tensor x) {
    return x.div(x.square().sum().sqrt().add(EPS));
  }
}
