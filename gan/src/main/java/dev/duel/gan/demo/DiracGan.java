package dev.duel.gan.demo;

import dev.duel.engine.Autograd;
import dev.duel.engine.Backend;
import dev.duel.engine.GradMode;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.gan.loss.Minimax;
import dev.duel.gan.loss.R1;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.nn.Linear;

/**
 * The Dirac GAN trained with the engine: D is a {@link Linear}(1, 1) without bias (its weight is ψ), G's
 * "network" is the single parameter θ, the real batch is the point 0 and the fake batch the point θ. D's
 * loss is {@link Minimax}'s L_D = bce(a(0), 1) + bce(a(θ), 0) = log 2 + softplus(ψθ) (plus {@link R1}'s
 * (γ/2)·ψ², taken through createGraph), G's the minimax L_G = −softplus(ψθ), and both move by plain
 * gradient descent with step sizes h_G, h_D — the dynamics {@link DiracMath} writes in closed form.
 */
public final class DiracGan {
  private DiracGan() {}

  /** n steps of method m from (θ₀, ψ₀) on {@code backend}: n + 1 points, θ at even and ψ at odd indices. */
  public static double[] trajectory(DiracMath.Method m, double theta0, double psi0, int n, Backend backend) {
    Linear dLayer = new Linear(backend, new dev.duel.engine.Generator(0), 1, 1, false);
    DiscriminatorNet d = new Net(dLayer);
    Tensor psi = dLayer.weight(), theta = Tensor.full(backend, (float) theta0, 1, 1).requiresGrad(true);
    try (GradMode off = GradMode.disabled()) {
      psi.assign(Tensor.full(backend, (float) psi0, 1, 1));
    }
    Minimax loss = new Minimax();
    R1 r1 = m.gamma() > 0 ? new R1((float) m.gamma()) : null;
    Tensor real = Tensor.zeros(backend, 1, 1);
    double[] out = new double[2 * (n + 1)];
    out[0] = theta.item();
    out[1] = psi.item();
    for (int i = 1; i <= n; i++) {
      try (MemoryScope scope = MemoryScope.open()) {
        if (m.scheme() == DiracMath.Scheme.SIMULTANEOUS) {
          Tensor gPsi = dGradient(d, loss, r1, real, theta, psi), gTheta = gGradient(d, loss, theta);
          descend(psi, gPsi, m.hD());
          descend(theta, gTheta, m.hG());
        } else {
          descend(psi, dGradient(d, loss, r1, real, theta, psi), m.hD());   // D first ...
          descend(theta, gGradient(d, loss, theta), m.hG());                // ... then G against the new D
        }
      }
      out[2 * i] = theta.item();
      out[2 * i + 1] = psi.item();
    }
    return out;
  }

  /** ∂L_D/∂ψ at the current point (θ enters as data: detached). */
  private static Tensor dGradient(DiscriminatorNet d, Minimax loss, R1 r1, Tensor real, Tensor theta, Tensor psi) {
    Tensor lossD = loss.discriminatorLoss(d.forward(real), d.forward(theta.detach()), 1f);
    if (r1 != null) lossD = lossD.add(r1.penalty(d, real, null, null, null));
    return Autograd.grad(lossD, new Tensor[] {psi}, false)[0];
  }

  /** ∂L_G/∂θ at the current point. */
  private static Tensor gGradient(DiscriminatorNet d, Minimax loss, Tensor theta) {
    return Autograd.grad(loss.generatorLoss(d.forward(theta)), new Tensor[] {theta}, false)[0];
  }

  private static void descend(Tensor p, Tensor grad, double h) {
    try (GradMode off = GradMode.disabled()) {
      p.assign(p.sub(grad.mul((float) h)));
    }
  }

  private static final class Net extends DiscriminatorNet {
    Net(Linear l) {
      super(l);
    }
  }
}
