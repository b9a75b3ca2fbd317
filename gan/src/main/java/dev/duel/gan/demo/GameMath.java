package dev.duel.gan.demo;

import java.util.function.DoubleUnaryOperator;

/**
 * The quantities of Goodfellow et al.'s minimax game in one dimension, by numeric integration in
 * float64 (composite Simpson rule on a uniform grid). Symbols as in docs/math.md:
 * <pre>
 *   V(D, G)  = ∫ p_data(x)·log D(x) + p_g(x)·log(1 − D(x)) dx
 *   D*(x)    = p_data(x) / (p_data(x) + p_g(x))
 *   C(G)     = V(D*, G) = −log 4 + 2·JSD(p_data ‖ p_g)
 *   JSD(p‖q) = ½·KL(p ‖ m) + ½·KL(q ‖ m),  m = (p + q)/2
 * </pre>
 * Terms of the form 0·log 0 are 0 (the limit), so densities that vanish somewhere are fine.
 */
public final class GameMath {
  private GameMath() {}

  /** D*(x) = p_data / (p_data + p_g); ½ where both vanish (any D is optimal there). */
  public static double optimalD(double pData, double pG) {
    double s = pData + pG;
    return s > 0 ? pData / s : 0.5;
  }

  /** x·log y with 0·log y = 0 (also for y = 0). */
  static double xlogy(double x, double y) {
    return x == 0 ? 0 : x * Math.log(y);
  }

  /** log σ(a) = −softplus(−a), stable for any logit a. */
  public static double logSigmoid(double a) {
    return -(Math.max(-a, 0) + Math.log1p(Math.exp(-Math.abs(a))));
  }

  /**
   * V(D, G) for a discriminator given by its logit a(x) (D = σ(a)):
   * ∫ p_data·log σ(a) + p_g·log(1 − σ(a)) dx, with log(1 − σ(a)) = log σ(−a).
   */
  public static double valueFunctionFromLogits(DoubleUnaryOperator pData, DoubleUnaryOperator pG, DoubleUnaryOperator logit,
                                               double lo, double hi, int intervals) {
    return simpson(x -> {
      double a = logit.applyAsDouble(x);
      double pd = pData.applyAsDouble(x), pg = pG.applyAsDouble(x);
      return (pd == 0 ? 0 : pd * logSigmoid(a)) + (pg == 0 ? 0 : pg * logSigmoid(-a));
    }, lo, hi, intervals);
  }

  /** V(D, G) for D given as a probability D(x) ∈ [0, 1]. */
  public static double valueFunction(DoubleUnaryOperator pData, DoubleUnaryOperator pG, DoubleUnaryOperator d,
                                     double lo, double hi, int intervals) {
    return simpson(x -> {
      double dx = d.applyAsDouble(x);
      return xlogy(pData.applyAsDouble(x), dx) + xlogy(pG.applyAsDouble(x), 1 - dx);
    }, lo, hi, intervals);
  }

  /** C(G) = V(D*, G) = ∫ p_data·log(p_data/(p_data + p_g)) + p_g·log(p_g/(p_data + p_g)) dx. */
  public static double trainingCriterion(DoubleUnaryOperator pData, DoubleUnaryOperator pG, double lo, double hi, int intervals) {
    return simpson(x -> {
      double pd = pData.applyAsDouble(x), pg = pG.applyAsDouble(x), s = pd + pg;
      return xlogy(pd, pd / s) + xlogy(pg, pg / s);
    }, lo, hi, intervals);
  }

  /** KL(p ‖ q) = ∫ p·log(p/q) dx. */
  public static double kl(DoubleUnaryOperator p, DoubleUnaryOperator q, double lo, double hi, int intervals) {
    return simpson(x -> {
      double px = p.applyAsDouble(x);
      return px == 0 ? 0 : px * Math.log(px / q.applyAsDouble(x));
    }, lo, hi, intervals);
  }

  /** JSD(p ‖ q) = ½·KL(p ‖ m) + ½·KL(q ‖ m), m = (p + q)/2; in nats, between 0 and log 2. */
  public static double jsd(DoubleUnaryOperator p, DoubleUnaryOperator q, double lo, double hi, int intervals) {
    DoubleUnaryOperator m = x -> 0.5 * (p.applyAsDouble(x) + q.applyAsDouble(x));
    return 0.5 * kl(p, m, lo, hi, intervals) + 0.5 * kl(q, m, lo, hi, intervals);
  }

  /** ∫ f dx from samples f[0..n] on a uniform grid of spacing h (n even: composite Simpson rule). */
  public static double simpson(double[] f, double h) {
    int n = f.length - 1;
    if (n < 2 || n % 2 != 0) {
      throw new IllegalArgumentException("simpson: need an odd number (>= 3) of grid values, got " + f.length);
    }
    double s = f[0] + f[n];
    for (int i = 1; i < n; i++) s += (i % 2 == 1 ? 4 : 2) * f[i];
    return s * h / 3;
  }

  /** ∫_lo^hi f dx by the composite Simpson rule on {@code intervals} (made even) equal intervals. */
  public static double simpson(DoubleUnaryOperator f, double lo, double hi, int intervals) {
    if (!(hi > lo) || intervals < 2) {
      throw new IllegalArgumentException("simpson: need lo < hi and at least 2 intervals, got [" + lo + ", " + hi + "] with " + intervals);
    }
    int n = intervals + (intervals & 1);
    double h = (hi - lo) / n;
    double s = f.applyAsDouble(lo) + f.applyAsDouble(hi);
    for (int i = 1; i < n; i++) s += (i % 2 == 1 ? 4 : 2) * f.applyAsDouble(lo + i * h);
    return s * h / 3;
  }
}
