package dev.duel.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.engine.GradCheck;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import org.junit.jupiter.api.Test;

/** LayerNorm against a float64 reference, its first and second derivatives against finite differences. */
class LayerNormTest {
  private static final Backend CPU = Devices.cpu();

  /** y = γ_c·(x − μ)/√(σ² + ε) + β_c per sample, in float64. */
  private static double[] reference(float[] x, int n, int c, int hw, float[] g, float[] b, double eps) {
    int f = c * hw;
    double[] y = new double[x.length];
    for (int i = 0; i < n; i++) {
      double mu = 0, var = 0;
      for (int k = 0; k < f; k++) mu += x[i * f + k];
      mu /= f;
      for (int k = 0; k < f; k++) var += (x[i * f + k] - mu) * (x[i * f + k] - mu);
      var /= f;
      for (int k = 0; k < f; k++) y[i * f + k] = g[k / hw] * (x[i * f + k] - mu) / Math.sqrt(var + eps) + b[k / hw];
    }
    return y;
  }

  @Test
  void handWorkedSample() {
    // x = (1, 2, 3, 6): μ = 3, σ² = (4 + 1 + 0 + 9)/4 = 3.5, y = (x − 3)/√3.5 (ε = 0 here).
    LayerNorm ln = new LayerNorm(CPU, 4);
    float[] y = LayerNorm.apply(Tensor.of(CPU, new float[] {1, 2, 3, 6}, 1, 4), ln.param("weight"), ln.param("bias"), 0f).toArray();
    double s = Math.sqrt(3.5);
    double[] want = {-2 / s, -1 / s, 0, 3 / s};
    for (int k = 0; k < 4; k++) assertEquals(want[k], y[k], 1e-6);
  }

  @Test
  void forwardMatchesFloat64ReferenceOnAwkwardShapes() {
    Generator rng = new Generator(7);
    int[][] shapes = {{1, 1, 1, 1}, {3, 2, 1, 1}, {2, 3, 5, 7}, {5, 1, 3, 3}};
    for (int[] s : shapes) {
      int n = s[0], c = s[1], hw = s[2] * s[3];
      Tensor x = rng.normal(CPU, 0.5f, 2f, n, c, s[2], s[3]);
      Tensor g = rng.normal(CPU, 1f, 0.3f, c), b = rng.normal(CPU, 0f, 0.3f, c);
      float[] y = LayerNorm.apply(x, g, b, LayerNorm.EPS).toArray();
      double[] want = reference(x.toArray(), n, c, hw, g.toArray(), b.toArray(), LayerNorm.EPS);
      for (int k = 0; k < y.length; k++) assertEquals(want[k], y[k], 1e-5 * (1 + Math.abs(want[k])), java.util.Arrays.toString(s) + " at " + k);
    }
  }

  @Test
  void samplesAreIndependentUnlikeBatchNorm() {
    Generator rng = new Generator(3);
    Tensor x = rng.normal(CPU, 0f, 1f, 4, 2, 3, 3);
    LayerNorm ln = new LayerNorm(CPU, 2);
    float[] all = ln.forward(x).toArray();
    float[] first = ln.forward(x.narrow(0, 0, 1)).toArray();
    for (int k = 0; k < first.length; k++) assertEquals(all[k], first[k], 0f);
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Generator rng = new Generator(11);
    Tensor x = rng.normal(CPU, 0f, 1f, 3, 2, 2, 2).requiresGrad(true);
    Tensor g = rng.normal(CPU, 1f, 0.3f, 2).requiresGrad(true), b = rng.normal(CPU, 0f, 0.3f, 2).requiresGrad(true);
    GradCheck.Result r = GradCheck.check("layer_norm", in -> LayerNorm.apply(in[0], in[1], in[2], LayerNorm.EPS), x, g, b);
    assertTrue(r.passed(), r.summary());
    // The second derivatives a gradient penalty takes: P = ‖∂(Σ w·y)/∂x‖², differentiated in x, γ and β.
    GradCheck.Result r2 = GradCheck.checkSecondOrder("layer_norm", in -> LayerNorm.apply(in[0], in[1], in[2], LayerNorm.EPS),
        new Tensor[] {x, g, b}, new int[] {0}, GradCheck.Options.defaults());
    assertTrue(r2.passed(), r2.summary());
  }

  @Test
  void refusesWrongShapes() {
    LayerNorm ln = new LayerNorm(CPU, 3);
    assertThrows(IllegalArgumentException.class, () -> ln.forward(Tensor.zeros(CPU, 2, 4)));
    assertThrows(IllegalArgumentException.class, () -> ln.forward(Tensor.zeros(CPU, 2, 3, 4)));
    assertEquals(2, ln.namedParameters().size());
  }
}
