package dev.duel.gan.demo;

import dev.duel.engine.Autograd;
import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.Losses;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.nn.Sequential;
import java.util.List;

/**
 * The unrolled GAN's generator loss (Metz et al. 2017) for the ring demo's D, Linear(2, w) LeakyReLU(0.2)
 * Linear(w, w) LeakyReLU(0.2) Linear(w, 1), with parameters θ_D = (W₀, b₀, W₂, b₂, W₄, b₄):
 * <pre>
 *   θ⁰ = θ_D,   θ^{k+1} = θ^k − η·∇_θ L_D(θ^k; x_k, G(z_k)),   k = 0 .. K−1   (L_D = bce(D(x), 1) + bce(D(G(z)), 0))
 *   L_G^K = bce(D(G(z); θ^K), 1)                                                  (non-saturating)
 * </pre>
 * Each ∇_θ L_D is taken with {@code createGraph = true}, so θ^K is a differentiable function of θ_G
 * (through the fakes G(z_k) every unrolled step sees) and dL_G^K/dθ_G carries Metz et al.'s second
 * term: how D would react to G's move. D itself is not changed; its real update stays the ordinary one.
 * Fresh x_k, z_k for every unrolled step, from the run's stream.
 */
final class RingUnrolled {
  private RingUnrolled() {}

  static Tensor generatorLoss(Sequential g, DiscriminatorNet d, RingGan.Config cfg, Backend backend, Generator rng) {
    List<Tensor> params = d.parameters();
    if (params.size() != 6) {
      throw new IllegalStateException("unrolled: expected the plain ring D (3 Linear layers), got " + params.size() + " parameters");
    }
    Tensor[] theta = params.toArray(new Tensor[0]);
    for (int k = 0; k < cfg.unrollSteps(); k++) {
      Tensor real = Tensor.of(backend, cfg.ring().sample(backend, rng, cfg.batch()), cfg.batch(), 2);
      Tensor fake = g.forward(rng.normal(backend, 0f, 1f, cfg.batch(), cfg.latent()));
      Tensor lossD = Losses.bceWithLogits(forward(real, theta), 1f).add(Losses.bceWithLogits(forward(fake, theta), 0f));
      Tensor[] grads = Autograd.grad(lossD, theta, true);
      Tensor[] next = new Tensor[theta.length];
      for (int i = 0; i < theta.length; i++) next[i] = theta[i].sub(grads[i].mul(cfg.unrollLr()));
      theta = next;
    }
    Tensor fake = g.forward(rng.normal(backend, 0f, 1f, cfg.batch(), cfg.latent()));
    return Losses.bceWithLogits(forward(fake, theta), 1f);
  }

  /** D(x; θ) with the parameters given as tensors (N×2 → N×1). */
  static Tensor forward(Tensor x, Tensor[] p) {
    Tensor h = x.matmul(p[0].t()).add(p[1]).leakyRelu(0.2f);
    h = h.matmul(p[2].t()).add(p[3]).leakyRelu(0.2f);
    return h.matmul(p[4].t()).add(p[5]);
  }
}
