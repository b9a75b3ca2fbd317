package dev.duel.gan.models;

import static dev.duel.gan.loss.TestNets.CPU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.Tensor;
import dev.duel.gan.loss.TestNets;
import dev.duel.nn.Conv2d;
import dev.duel.nn.Linear;
import dev.duel.nn.Module;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Spectral norm in D (Miyato et al. 2018): after enough power-iteration steps (one per training forward),
 * the largest singular value of W_SN = W/σ̂(W) is 1. σ_max is computed here in float64 from the eigenvalues
 * of W·Wᵀ (cyclic Jacobi), independent of the power iteration under test.
 */
class SpectralNormTest {
  /** Largest singular value of a rows×cols matrix (row-major), via the eigenvalues of the smaller Gram matrix. */
  static double largestSingularValue(float[] w, int rows, int cols) {
    boolean wide = rows <= cols;
    int n = wide ? rows : cols;
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        if (wide) for (int k = 0; k < cols; k++) s += (double) w[i * cols + k] * w[j * cols + k];
        else for (int k = 0; k < rows; k++) s += (double) w[k * cols + i] * w[k * cols + j];
        a[i][j] = s;
      }
    }
    return Math.sqrt(largestEigenvalue(a));
  }

  /** Cyclic Jacobi rotations on a symmetric matrix until the off-diagonal mass is negligible. */
  static double largestEigenvalue(double[][] a) {
    int n = a.length;
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0, diag = 0;
      for (int i = 0; i < n; i++) {
        diag += a[i][i] * a[i][i];
        for (int j = i + 1; j < n; j++) off += a[i][j] * a[i][j];
      }
      if (off <= 1e-30 * diag) break;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          if (a[p][q] == 0) continue;
          double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) t = 1;
          double c = 1 / Math.sqrt(t * t + 1), s = t * c;
          for (int k = 0; k < n; k++) {            // A ← Jᵀ A J: columns p, q, then rows p, q
            double akp = a[k][p], akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < n; k++) {
            double apk = a[p][k], aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
        }
      }
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) max = Math.max(max, a[i][i]);
    return max;
  }

  @Test
  void jacobiReferenceOnAKnownMatrix() {
    // [[3, 0], [4, 5]]: WᵀW = [[25, 20], [20, 25]], eigenvalues 45 and 5, σ_max = √45 = 6.708204.
    assertEquals(Math.sqrt(45), largestSingularValue(new float[] {3, 0, 4, 5}, 2, 2), 1e-12);
    // 1×3 [1, 2, 2]: σ = 3; 3×1 likewise.
    assertEquals(3.0, largestSingularValue(new float[] {1, 2, 2}, 1, 3), 1e-12);
    assertEquals(3.0, largestSingularValue(new float[] {1, 2, 2}, 3, 1), 1e-12);
  }

  /** W_SN's σ_max after each of `steps` training forwards: never below 1 (σ̂ = uᵀWv ≤ σ_max), → 1. */
  static void converges(Module m, Supplier<Tensor> weight, Runnable forward, int rows, int steps) {
    double first = 0;
    for (int s = 0; s < steps; s++) {
      forward.run();
      double sigma = sigmaOf(m, weight, rows);
      assertTrue(sigma >= 1 - 1e-5, "σ(W_SN) = " + sigma + " < 1 at step " + s);
      if (s == 0) first = sigma;
    }
    double last = sigmaOf(m, weight, rows);
    assertEquals(1.0, last, 1e-4, "σ(W_SN) after " + steps + " power iterations (after the first: " + first + ")");
  }

  private static double sigmaOf(Module m, Supplier<Tensor> weight, int rows) {
    m.eval();                                     // eval: weight() reads u, v without another power step
    try (GradMode off = GradMode.disabled()) {
      float[] w = weight.get().toArray();
      return largestSingularValue(w, rows, w.length / rows);
    } finally {
      m.train(true);
    }
  }

  @Test
  void linearWeightHasUnitSpectralNorm() {
    Generator rng = new Generator(1);
    Linear l = new Linear(CPU, rng, 7, 5);
    TestNets.set(l, "weight", rng.normal(CPU, 0f, 3f, 35).toArray());
    l.spectralNorm(rng);
    Tensor x = rng.normal(CPU, 0f, 1f, 2, 7);
    converges(l, l::weight, () -> l.forward(x), 5, 200);
  }

  @Test
  void convWeightHasUnitSpectralNorm() {
    Generator rng = new Generator(2);
    Conv2d c = new Conv2d(CPU, rng, 3, 4, 3, 1, 1, true).spectralNorm(rng);   // W viewed as 4×27
    Tensor x = rng.normal(CPU, 0f, 1f, 1, 3, 5, 5);
    converges(c, c::weight, () -> c.forward(x), 4, 200);
  }

  @Test
  void dcgan28DiscriminatorWithSpectralNorm() {
    Generator rng = new Generator(3);
    DiscriminatorNet d = new Dcgan28.D(CPU, rng, 4, true);
    Tensor x = rng.uniform(CPU, -1f, 1f, 2, 1, 28, 28);
    for (int s = 0; s < 150; s++) d.score(x, null);
    Conv2d c0 = (Conv2d) d.get(0), c2 = (Conv2d) d.get(2);
    Linear l6 = (Linear) d.get(6);
    d.eval();
    try (GradMode off = GradMode.disabled()) {
      assertEquals(1.0, largestSingularValue(c0.weight().toArray(), 4, 16), 1e-4, "conv 1→4");
      assertEquals(1.0, largestSingularValue(c2.weight().toArray(), 8, 64), 1e-4, "conv 4→8");
      assertEquals(1.0, largestSingularValue(l6.weight().toArray(), 1, 8 * 49), 1e-4, "linear 392→1");
    }
  }
}
