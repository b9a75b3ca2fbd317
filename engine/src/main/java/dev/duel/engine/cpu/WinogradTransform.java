package dev.duel.engine.cpu;

/**
 * The three matrices of Winograd's minimal filtering F(m, r): m outputs of an r-tap correlation from α = m + r − 1
 * inputs with α multiplications instead of m·r (Lavin and Gray, "Fast Algorithms for Convolutional Neural
 * Networks", 2016), built from α − 1 finite interpolation points f_k and the point at infinity:
 *
 * <pre>
 *   y_i = Σ_{j<r} d_{i+j} g_j  =  Σ_ξ Aᵀ[i, ξ] · (G g)_ξ · (Bᵀ d)_ξ        i < m
 *   Aᵀ[i, k] = f_k^i,                     Aᵀ[i, ∞] = [i = m − 1]
 *   G[k, j]  = f_k^j / Π_{l≠k} (f_k − f_l),  G[∞, j] = [j = r − 1]
 *   Bᵀ[k, ·] = the coefficients of Π_{l≠k} (x − f_l),  Bᵀ[∞, ·] = those of Π_l (x − f_l)   (x⁰ first)
 * </pre>
 *
 * The 2-D form nests them: Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A. Built in float64 and rounded once to float32. The
 * points set the rounding error: F4's {0, ±1, ½} and F7's {0, ±1, ±2, ±½} are the usual small ones; over 256
 * channels in float32 the outputs' largest error was 1.5·10⁻⁶ (F4) and 1.1·10⁻⁵ (F7) of the largest output,
 * against 3–4·10⁻⁷ for the direct sum (a float64 check in NumPy, docs/benchmarks.md, session 16).
 */
final class WinogradTransform {
  /** F(4, 2): 5 inputs, points 0, 1, −1, ½. */
  static final WinogradTransform F4 = new WinogradTransform(4, 2, 0, 1, -1, 0.5);
  /** F(7, 2): 8 inputs, points 0, 1, −1, 2, −2, ½, −½. */
  static final WinogradTransform F7 = new WinogradTransform(7, 2, 0, 1, -1, 2, -2, 0.5, -0.5);
  /**
   * F(2, 7), F7's dual on the same points: 2 outputs of a 7-tap correlation (a weight gradient's 2×2 phase kernel
   * from 7×7 output-gradient chunks). Its Bᵀ is F7's, which depends on the points only.
   */
  static final WinogradTransform F2X7 = new WinogradTransform(2, 7, 0, 1, -1, 2, -2, 0.5, -0.5);

  /** Outputs per tile (m), taps (r) and inputs per tile (α = m + r − 1). */
  final int m, r, alpha;
  /** Aᵀ, m × α, row-major. */
  final float[] at;
  /** G, α × r, row-major. */
  final float[] g;
  /** G with α − r zero columns after its r: α × α, for the transforms that take α inputs at a time. */
  final float[] gSquare;
  /** Bᵀ, α × α, row-major. */
  final float[] bt;

  private WinogradTransform(int m, int r, double... points) {
    this.m = m;
    this.r = r;
    this.alpha = m + r - 1;
    int n = alpha - 1;               // finite points; index n is the point at infinity
    if (points.length != n) throw new IllegalArgumentException("F(" + m + ", " + r + ") takes " + n + " finite points");
    at = new float[m * alpha];
    g = new float[alpha * r];
    gSquare = new float[alpha * alpha];
    bt = new float[alpha * alpha];
    for (int k = 0; k < n; k++) {
      double f = points[k], norm = 1;
      for (int l = 0; l < n; l++) if (l != k) norm *= f - points[l];
      for (int i = 0; i < m; i++) at[i * alpha + k] = (float) Math.pow(f, i);
      for (int j = 0; j < r; j++) g[k * r + j] = (float) (Math.pow(f, j) / norm);
      double[] others = new double[n - 1];
      for (int l = 0, o = 0; l < n; l++) if (l != k) others[o++] = points[l];
      double[] coef = polynomialFromRoots(others);
      for (int l = 0; l < coef.length; l++) bt[k * alpha + l] = (float) coef[l];
    }
    at[(m - 1) * alpha + n] = 1f;
    g[n * r + r - 1] = 1f;
    for (int k = 0; k < alpha; k++) System.arraycopy(g, k * r, gSquare, k * alpha, r);
    double[] all = polynomialFromRoots(points);
    for (int l = 0; l < all.length; l++) bt[n * alpha + l] = (float) all[l];
  }

  /** The coefficients (x⁰ first) of Π (x − r) over the roots. */
  private static double[] polynomialFromRoots(double[] roots) {
    double[] c = {1};
    for (double r : roots) {
      double[] next = new double[c.length + 1];
      for (int i = 0; i < c.length; i++) {
        next[i + 1] += c[i];
        next[i] -= r * c[i];
      }
      c = next;
    }
    return c;
  }
}
