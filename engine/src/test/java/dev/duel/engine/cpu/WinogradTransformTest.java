package dev.duel.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link WinogradTransform}'s matrices compute F(m, r): for random inputs d (α of them) and taps g (r), Aᵀ[(G g) ⊙
 * (Bᵀ d)] equals the r-tap correlation y_i = Σ_j d_{i+j}·g_j, i < m, up to the float32 rounding of the matrices
 * (evaluated here in float64); and the padded G is G.
 */
class WinogradTransformTest {
  @Test
  void computesTheTwoTapCorrelation() {
    SplittableRandom rnd = new SplittableRandom(17);
    for (WinogradTransform t : new WinogradTransform[] {WinogradTransform.F4, WinogradTransform.F7, WinogradTransform.F2X7}) {
      int m = t.m, r = t.r, a = t.alpha;
      assertEquals(m + r - 1, a);
      for (int k = 0; k < a; k++)
        for (int j = 0; j < a; j++) assertEquals(j < r ? t.g[k * r + j] : 0f, t.gSquare[k * a + j], 0f);
      for (int trial = 0; trial < 100; trial++) {
        double[] d = new double[a], g = new double[r];
        for (int i = 0; i < a; i++) d[i] = rnd.nextDouble() * 2 - 1;
        for (int j = 0; j < r; j++) g[j] = rnd.nextDouble() * 2 - 1;
        double[] prod = new double[a];
        for (int k = 0; k < a; k++) {
          double gk = 0, dk = 0;
          for (int j = 0; j < r; j++) gk += t.g[k * r + j] * g[j];
          for (int i = 0; i < a; i++) dk += t.bt[k * a + i] * d[i];
          prod[k] = gk * dk;
        }
        for (int i = 0; i < m; i++) {
          double y = 0, want = 0;
          for (int k = 0; k < a; k++) y += t.at[i * a + k] * prod[k];
          for (int j = 0; j < r; j++) want += d[i + j] * g[j];
          assertEquals(want, y, 1e-5, "F(" + m + ", " + r + ") output " + i);
        }
      }
    }
  }

  /** PhaseWinograd's weight gradient transforms x with F7's Bᵀ and gy with F(2, 7)'s G: the two must share Bᵀ. */
  @Test
  void theDualSharesBt() {
    assertArrayEquals(WinogradTransform.F7.bt, WinogradTransform.F2X7.bt, 0f);
  }
}
