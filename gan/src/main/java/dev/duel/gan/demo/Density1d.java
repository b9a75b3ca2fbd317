package dev.duel.gan.demo;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import java.util.Locale;

/**
 * A 1-D probability density that can be evaluated (float64) and sampled (Philox): p_data of the 1-D
 * game, and p_g = N(b, a²) of the affine generator x = a·z + b, z ~ N(0, 1).
 */
public sealed interface Density1d permits Density1d.Normal, Density1d.Mixture {
  /** p(x). */
  double pdf(double x);

  /** n samples, drawn from {@code rng} on {@code backend} (host copy). */
  float[] sample(Backend backend, Generator rng, int n);

  /** An interval holding all but a negligible part of the mass (mean ± 8σ of every component). */
  double lo();

  double hi();

  String describe();

  /** N(mean, std²). */
  record Normal(double mean, double std) implements Density1d {
    public Normal {
      if (!(std > 0) || !Double.isFinite(mean) || !Double.isFinite(std)) {
        throw new IllegalArgumentException("Density1d.Normal: need a finite mean and std > 0, got N(" + mean + ", " + std + "²)");
      }
    }

    @Override
    public double pdf(double x) {
      double u = (x - mean) / std;
      return Math.exp(-0.5 * u * u) / (std * Math.sqrt(2 * Math.PI));
    }

    @Override
    public float[] sample(Backend backend, Generator rng, int n) {
      return rng.normal(backend, (float) mean, (float) std, n).toArray();
    }

    @Override
    public double lo() {
      return mean - 8 * std;
    }

    @Override
    public double hi() {
      return mean + 8 * std;
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "N(%.3g, %.3g²)", mean, std);
    }
  }

  /** Σ_k weight_k · N(mean_k, std_k²); the weights are normalised to sum to 1. */
  record Mixture(double[] weights, Normal[] parts) implements Density1d {
    public Mixture {
      if (weights.length != parts.length || weights.length == 0) {
        throw new IllegalArgumentException("Density1d.Mixture: " + weights.length + " weights for " + parts.length + " components");
      }
      double s = 0;
      for (double w : weights) {
        if (!(w >= 0)) throw new IllegalArgumentException("Density1d.Mixture: negative or NaN weight " + w);
        s += w;
      }
      if (!(s > 0)) throw new IllegalArgumentException("Density1d.Mixture: weights sum to 0");
      weights = weights.clone();
      for (int i = 0; i < weights.length; i++) weights[i] /= s;
      parts = parts.clone();
    }

    @Override
    public double pdf(double x) {
      double p = 0;
      for (int k = 0; k < parts.length; k++) p += weights[k] * parts[k].pdf(x);
      return p;
    }

    /** Component k with probability weight_k (inverse CDF of a uniform), then N(mean_k, std_k²) as mean_k + std_k·ε. */
    @Override
    public float[] sample(Backend backend, Generator rng, int n) {
      float[] u = rng.uniform(backend, 0f, 1f, n).toArray();
      float[] eps = rng.normal(backend, 0f, 1f, n).toArray();
      float[] x = new float[n];
      for (int i = 0; i < n; i++) {
        int k = 0;
        double c = weights[0];
        while (u[i] >= c && k < parts.length - 1) c += weights[++k];
        x[i] = (float) (parts[k].mean() + parts[k].std() * eps[i]);
      }
      return x;
    }

    @Override
    public double lo() {
      double lo = Double.POSITIVE_INFINITY;
      for (Normal p : parts) lo = Math.min(lo, p.lo());
      return lo;
    }

    @Override
    public double hi() {
      double hi = Double.NEGATIVE_INFINITY;
      for (Normal p : parts) hi = Math.max(hi, p.hi());
      return hi;
    }

    @Override
    public String describe() {
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < parts.length; k++) {
        if (k > 0) sb.append(" + ");
        sb.append(String.format(Locale.ROOT, "%.2g·", weights[k])).append(parts[k].describe());
      }
      return sb.toString();
    }
  }

  /** The demo's p_data "gaussian": N(1, 0.5²). */
  static Density1d gaussian() {
    return new Normal(1.0, 0.5);
  }

  /** The demo's p_data "mixture": ½·N(−1.5, 0.4²) + ½·N(1.5, 0.4²). */
  static Density1d twoModes() {
    return new Mixture(new double[] {0.5, 0.5}, new Normal[] {new Normal(-1.5, 0.4), new Normal(1.5, 0.4)});
  }

  /** By the demo's option name: "gaussian" or "mixture". */
  static Density1d byName(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "gaussian" -> gaussian();
      case "mixture" -> twoModes();
      default -> throw new IllegalArgumentException("unknown p_data '" + name + "': use gaussian or mixture");
    };
  }
}
