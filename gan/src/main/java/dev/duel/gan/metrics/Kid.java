package dev.duel.gan.metrics;

import dev.duel.gan.data.SplitMix64;
import org.ejml.data.DMatrixRMaj;

/**
 * Kernel Inception Distance (Bińkowski, Sutherland, Arbel, Gretton 2018, "Demystifying MMD GANs"), over
 * Duel's classifier features: the unbiased estimate of the squared maximum mean discrepancy with the
 * cubic polynomial kernel k(x, y) = (xᵀy/d + 1)³, d the feature size. For samples X, Y of m each:
 * <pre>
 *   MMD²_u = 1/(m(m−1)) Σ_{i≠j} k(x_i, x_j) + 1/(m(m−1)) Σ_{i≠j} k(y_i, y_j) − 2/m² Σ_{i,j} k(x_i, y_j).
 * </pre>
 * KID is the mean of MMD²_u over {@code subsets} random pairs of subsets of size m (drawn without
 * replacement within each subset, as in the authors' code and torch-fidelity), reported with the
 * standard deviation over subsets (ddof 0). Unbiased: its expectation is 0 when X and Y come from one
 * distribution, so small negative values happen. Lower is better.
 */
public final class Kid {
  private Kid() {}

  /** Torch-fidelity's defaults. */
  public static final int DEFAULT_SUBSETS = 100, DEFAULT_SUBSET_SIZE = 1000;

  /**
   * @param mean       the mean of MMD²_u over subsets
   * @param std        their standard deviation (ddof 0)
   * @param subsets    the number of subset pairs
   * @param subsetSize m, the size of each subset
   */
  public record Result(double mean, double std, int subsets, int subsetSize) {}

  /** KID of x against y over {@code subsets} pairs of subsets of min(subsetSize, rows of x, rows of y). */
  public static Result of(DMatrixRMaj x, DMatrixRMaj y, int subsets, int subsetSize, long seed) {
    if (x.numCols != y.numCols) throw new IllegalArgumentException("KID: feature sizes differ (" + x.numCols + " vs " + y.numCols + ")");
    int m = Math.min(subsetSize, Math.min(x.numRows, y.numRows));
    if (m < 2) throw new IllegalArgumentException("KID needs at least 2 samples on each side, got " + x.numRows + " and " + y.numRows);
    if (subsets < 1) throw new IllegalArgumentException("KID needs at least 1 subset, got " + subsets);
    SplitMix64 rng = new SplitMix64(seed);
    double[] values = new double[subsets];
    double[] buf = new double[m * m];
    for (int s = 0; s < subsets; s++) {
      DMatrixRMaj xs = m == x.numRows ? x : rows(x, choose(rng, x.numRows, m));
      DMatrixRMaj ys = m == y.numRows ? y : rows(y, choose(rng, y.numRows, m));
      values[s] = mmd2Unbiased(xs, ys, buf);
    }
    double mean = 0;
    for (double v : values) mean += v;
    mean /= subsets;
    double var = 0;
    for (double v : values) var += (v - mean) * (v - mean);
    return new Result(mean, Math.sqrt(var / subsets), subsets, m);
  }

  /** MMD²_u between all rows of x and all rows of y (same count m ≥ 2). */
  public static double mmd2Unbiased(DMatrixRMaj x, DMatrixRMaj y) {
    return mmd2Unbiased(x, y, new double[x.numRows * x.numRows]);
  }

  private static double mmd2Unbiased(DMatrixRMaj x, DMatrixRMaj y, double[] buf) {
    int m = x.numRows, d = x.numCols;
    if (y.numRows != m || m < 2) throw new IllegalArgumentException("MMD²_u needs two sets of the same size ≥ 2, got " + m + " and " + y.numRows);
    double kxx = kernelSum(x, x, d, buf, true), kyy = kernelSum(y, y, d, buf, true), kxy = kernelSum(x, y, d, buf, false);
    return (kxx + kyy) / ((double) m * (m - 1)) - 2 * kxy / ((double) m * m);
  }

  /** Σ k(a_i, b_j) over all pairs, or over i ≠ j when {@code offDiagonal}. */
  private static double kernelSum(DMatrixRMaj a, DMatrixRMaj b, int d, double[] buf, boolean offDiagonal) {
    int n = a.numRows, m = b.numRows;
    Gram.dots(a, 0, n, b, buf);
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double row = 0;
      for (int j = 0; j < m; j++) {
        if (offDiagonal && i == j) continue;
        row += kernel(buf[i * m + j], d);
      }
      sum += row;
    }
    return sum;
  }

  /** k = (xᵀy/d + 1)³ from the inner product xᵀy. */
  static double kernel(double dot, int d) {
    double t = dot / d + 1;
    return t * t * t;
  }

  /** m distinct indices of 0..n−1: the first m of a partial Fisher–Yates shuffle. */
  static int[] choose(SplitMix64 rng, int n, int m) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    for (int i = 0; i < m; i++) {
      int j = i + rng.nextInt(n - i);
      int t = p[i]; p[i] = p[j]; p[j] = t;
    }
    return java.util.Arrays.copyOf(p, m);
  }

  static DMatrixRMaj rows(DMatrixRMaj x, int[] idx) {
    int d = x.numCols;
    DMatrixRMaj out = new DMatrixRMaj(idx.length, d);
    for (int i = 0; i < idx.length; i++) System.arraycopy(x.data, idx[i] * d, out.data, i * d, d);
    return out;
  }
}
