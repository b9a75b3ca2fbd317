package dev.duel.gan.demo;

/**
 * The Dirac GAN in closed form (Mescheder, Geiger and Nowozin 2018, section 2): data at 0, G's
 * distribution the point mass at θ, D's logit a(x) = ψ·x, the minimax value
 * <pre>
 *   V(θ, ψ) = log σ(ψ·0) + log(1 − σ(ψ·θ)) = −log 2 − softplus(ψθ),     s = σ(ψθ)
 *   ∂V/∂θ = −s·ψ        ∂V/∂ψ = −s·θ        R1 = (γ/2)·(∂a/∂x at the data)² = (γ/2)·ψ²
 * </pre>
 * G descends V (θ ← θ + h_G·s·ψ), D ascends V − R1 (ψ ← ψ − h_D·(s·θ + γψ)). The unique equilibrium is
 * (θ, ψ) = (0, 0), where s = σ(0) = ½. Everything here is float64 and independent of the engine:
 * {@link DiracGan} computes the same steps with the engine's autograd, and the tests compare the two.
 */
public final class DiracMath {
  /** σ(0): the slope a of both gradients at the equilibrium. */
  public static final double A = 0.5;

  private DiracMath() {}

  /** Gradient steps: simultaneous (both players from the same point) or alternating (D first, then G). */
  public enum Scheme {
    SIMULTANEOUS, ALTERNATING
  }

  /** One method of the demo: the scheme, the two step sizes and R1's γ (0: none). */
  public record Method(String name, Scheme scheme, double hG, double hD, double gamma) {
    public Method {
      if (!(hG > 0 && hD > 0 && gamma >= 0)) {
        throw new IllegalArgumentException("dirac: step sizes must be > 0 and γ >= 0, got h_G " + hG + ", h_D " + hD + ", γ " + gamma);
      }
    }
  }

  static double sigmoid(double t) {
    return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
  }

  /** The exact (nonlinear) update map: (θ, ψ) → (θ', ψ'). */
  public static double[] step(Method m, double theta, double psi) {
    if (m.scheme() == Scheme.SIMULTANEOUS) {
      double s = sigmoid(psi * theta);
      return new double[] {theta + m.hG() * s * psi, psi - m.hD() * (s * theta + m.gamma() * psi)};
    }
    double psiNext = psi - m.hD() * (sigmoid(psi * theta) * theta + m.gamma() * psi);
    return new double[] {theta + m.hG() * sigmoid(psiNext * theta) * psiNext, psiNext};
  }

  /** The update's Jacobian at the equilibrium, row-major {∂θ'/∂θ, ∂θ'/∂ψ, ∂ψ'/∂θ, ∂ψ'/∂ψ}. */
  public static double[] jacobian(Method m) {
    double a = A, hG = m.hG(), hD = m.hD(), g = m.gamma();
    if (m.scheme() == Scheme.SIMULTANEOUS) return new double[] {1, hG * a, -hD * a, 1 - hD * g};
    // ψ' = −h_D·a·θ + (1 − h_D·γ)·ψ;  θ' = θ + h_G·a·ψ'
    return new double[] {1 - hG * hD * a * a, hG * a * (1 - hD * g), -hD * a, 1 - hD * g};
  }

  /** Eigenvalues of a 2×2 matrix {p, q, r, s} as {re₁, im₁, re₂, im₂}. */
  public static double[] eigenvalues(double[] j) {
    double tr = j[0] + j[3], det = j[0] * j[3] - j[1] * j[2], disc = tr * tr / 4 - det;
    if (disc >= 0) return new double[] {tr / 2 + Math.sqrt(disc), 0, tr / 2 - Math.sqrt(disc), 0};
    return new double[] {tr / 2, Math.sqrt(-disc), tr / 2, -Math.sqrt(-disc)};
  }

  /** The largest |λ| of the Jacobian at the equilibrium: < 1 converges locally, > 1 diverges, = 1 cycles. */
  public static double spectralRadius(Method m) {
    double[] e = eigenvalues(jacobian(m));
    return Math.max(Math.hypot(e[0], e[1]), Math.hypot(e[2], e[3]));
  }

  /**
   * The eigenvalues of the continuous-time field's Jacobian, [[0, a], [−a, −γ]]: λ = (−γ ± √(γ² − 4a²))/2;
   * ±i·a without R1 (the flow circles the equilibrium: d(θ² + ψ²)/dt = 0 exactly), real part −γ/2 with it.
   */
  public static double[] flowEigenvalues(double gamma) {
    return eigenvalues(new double[] {0, A, -A, -gamma});
  }

  /** n steps from (θ₀, ψ₀): n + 1 points, θ at even and ψ at odd indices. */
  public static double[] trajectory(Method m, double theta0, double psi0, int n) {
    double[] out = new double[2 * (n + 1)];
    out[0] = theta0;
    out[1] = psi0;
    for (int i = 1; i <= n; i++) {
      double[] p = step(m, out[2 * i - 2], out[2 * i - 1]);
      out[2 * i] = p[0];
      out[2 * i + 1] = p[1];
    }
    return out;
  }
}
