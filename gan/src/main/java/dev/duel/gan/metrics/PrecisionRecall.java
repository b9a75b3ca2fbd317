package dev.duel.gan.metrics;

import org.ejml.data.DMatrixRMaj;

/**
 * Improved precision and recall (Kynkäänniemi, Karras, Laine, Lehtinen, Aila 2019), over Duel's
 * classifier features. Each set's manifold is the union of balls around its points, each ball's radius
 * the distance to the point's k-th nearest neighbour within its own set (k = 3, itself excluded):
 * <pre>
 *   f(φ, Φ)   = 1 if ∃ φ' ∈ Φ: ‖φ − φ'‖ ≤ ‖φ' − NN_k(φ', Φ)‖, else 0
 *   precision = (1/|Φ_g|) Σ_{φ ∈ Φ_g} f(φ, Φ_r)   (how many samples look real: fidelity)
 *   recall    = (1/|Φ_r|) Σ_{φ ∈ Φ_r} f(φ, Φ_g)   (how much of the real data the samples cover: diversity)
 * </pre>
 * Φ_r are the reference (real) features, Φ_g the generated ones. Both in [0, 1], higher is better.
 * Distances are Euclidean, from ‖a‖² + ‖b‖² − 2aᵀb in float64, in blocks of rows.
 */
public final class PrecisionRecall {
  private PrecisionRecall() {}

  public static final int DEFAULT_K = 3;
  /** Rows per block of the distance matrix (a block is BLOCK × other-set-size doubles). */
  private static final int BLOCK = 256;
  /** Relative slack on squared distances for float64 rounding in ‖a‖² + ‖b‖² − 2aᵀb. */
  private static final double ROUNDING = 1e-12;

  /** @param precision fidelity in [0, 1]; @param recall coverage in [0, 1]; @param k the neighbour rank */
  public record Result(double precision, double recall, int k) {}

  /** Precision and recall of generated features {@code fake} against {@code real}, with k-NN radii. */
  public static Result of(DMatrixRMaj real, DMatrixRMaj fake, int k) {
    if (real.numCols != fake.numCols)
      throw new IllegalArgumentException("precision/recall: feature sizes differ (" + real.numCols + " vs " + fake.numCols + ")");
    if (k < 1) throw new IllegalArgumentException("precision/recall: k must be at least 1, got " + k);
    if (real.numRows <= k || fake.numRows <= k)
      throw new IllegalArgumentException("precision/recall with k = " + k + " needs more than " + k + " samples in each set, got "
          + real.numRows + " real and " + fake.numRows + " generated");
    double[] realRadii = kthNeighbourSquaredDistances(real, k);
    double[] fakeRadii = kthNeighbourSquaredDistances(fake, k);
    double precision = fractionInside(fake, real, realRadii);
    double recall = fractionInside(real, fake, fakeRadii);
    return new Result(precision, recall, k);
  }

  /** For every row i of x: the squared distance to its k-th nearest other row (ties count separately). */
  static double[] kthNeighbourSquaredDistances(DMatrixRMaj x, int k) {
    int n = x.numRows;
    double[] norms = Gram.squaredNorms(x);
    double[] out = new double[n];
    double[] block = new double[Math.min(BLOCK, n) * n];
    double[] best = new double[k];
    for (int i0 = 0; i0 < n; i0 += BLOCK) {
      int i1 = Math.min(n, i0 + BLOCK);
      Gram.dots(x, i0, i1, x, block);
      for (int i = i0; i < i1; i++) {
        java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);   // best[0..k) ascending
        int row = (i - i0) * n;
        for (int j = 0; j < n; j++) {
          if (j == i) continue;
          double d2 = Math.max(0, norms[i] + norms[j] - 2 * block[row + j]);
          if (d2 < best[k - 1]) {
            int p = k - 1;
            while (p > 0 && best[p - 1] > d2) { best[p] = best[p - 1]; p--; }
            best[p] = d2;
          }
        }
        out[i] = best[k - 1];
      }
    }
    return out;
  }

  /** Fraction of the rows q of {@code queries} with ‖q − c‖² ≤ radii[c] for some row c of {@code centres}. */
  static double fractionInside(DMatrixRMaj queries, DMatrixRMaj centres, double[] squaredRadii) {
    int n = queries.numRows, m = centres.numRows;
    double[] qn = Gram.squaredNorms(queries), cn = Gram.squaredNorms(centres);
    double[] block = new double[Math.min(BLOCK, n) * m];
    int inside = 0;
    for (int i0 = 0; i0 < n; i0 += BLOCK) {
      int i1 = Math.min(n, i0 + BLOCK);
      Gram.dots(queries, i0, i1, centres, block);
      for (int i = i0; i < i1; i++) {
        int row = (i - i0) * m;
        for (int j = 0; j < m; j++) {
          // The slack forgives rounding of the Gram expansion, so a point equal to a centre of radius 0 counts.
          double d2 = qn[i] + cn[j] - 2 * block[row + j];
          if (d2 <= squaredRadii[j] + ROUNDING * (qn[i] + cn[j])) { inside++; break; }
        }
      }
    }
    return (double) inside / n;
  }
}
