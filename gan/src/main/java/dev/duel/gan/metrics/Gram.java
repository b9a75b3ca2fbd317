package dev.duel.gan.metrics;

import java.util.stream.IntStream;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.ejml.data.DMatrixRMaj;

/**
 * Blocks of inner products between the rows of two feature matrices, in float64: the one heavy kernel
 * behind KID (polynomial kernel values) and precision/recall (Euclidean distances).
 *
 * <p>x is n×d, y is m×d (row-major, EJML's DMatrixRMaj); {@link #dots} fills
 * out[(i − i0)·m + j] = Σ_k x[i,k]·y[j,k] for i ∈ [i0, i1), j ∈ [0, m). {@link #dotsReference} is the
 * plain triple loop. The fast path packs y into column panels of W = 2·L (L = SIMD lanes) so that
 * yᵀ[k, pW .. pW+W) is contiguous, and computes 4 rows × W columns at a time with 8 vector accumulators
 * (one FMA per lane per k), rows in parallel on the common fork-join pool. Each pair is still summed in
 * k order, so the two differ only by FMA's single rounding.
 */
final class Gram {
  private Gram() {}

  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length(), W = 2 * L;
  /** Rows of x per parallel task. */
  private static final int ROWS_PER_TASK = 32;

  /** out[(i − i0)·m + j] = x_i · y_j for i ∈ [i0, i1). */
  static void dots(DMatrixRMaj x, int i0, int i1, DMatrixRMaj y, double[] out) {
    dots(x, i0, i1, pack(y), out);
  }

  /** y in column panels: panel p holds y[pW + c, k] at [p·d·W + k·W + c], zero beyond the last row. */
  record Packed(double[] data, int rows, int cols) {}

  static Packed pack(DMatrixRMaj y) {
    int m = y.numRows, d = y.numCols, panels = (m + W - 1) / W;
    double[] p = new double[panels * d * W];
    for (int j = 0; j < m; j++) {
      int base = (j / W) * d * W + j % W;
      for (int k = 0; k < d; k++) p[base + k * W] = y.data[j * d + k];
    }
    return new Packed(p, m, d);
  }

  static void dots(DMatrixRMaj x, int i0, int i1, Packed y, double[] out) {
    if (x.numCols != y.cols())
      throw new IllegalArgumentException("Gram: feature sizes differ (" + x.numCols + " vs " + y.cols() + ")");
    check(x, i0, i1, y.rows(), out);
    int tasks = (i1 - i0 + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    IntStream.range(0, tasks).parallel().forEach(t -> {
      int a = i0 + t * ROWS_PER_TASK;
      rows(x, a, Math.min(i1, a + ROWS_PER_TASK), y, out, i0);
    });
  }

  /** The readable reference of {@link #dots}. */
  static void dotsReference(DMatrixRMaj x, int i0, int i1, DMatrixRMaj y, double[] out) {
    if (x.numCols != y.numCols) throw new IllegalArgumentException("Gram: feature sizes differ (" + x.numCols + " vs " + y.numCols + ")");
    check(x, i0, i1, y.numRows, out);
    int d = x.numCols, m = y.numRows;
    for (int i = i0; i < i1; i++)
      for (int j = 0; j < m; j++) {
        double s = 0;
        for (int k = 0; k < d; k++) s += x.data[i * d + k] * y.data[j * d + k];
        out[(i - i0) * m + j] = s;
      }
  }

  /** Squared Euclidean norm of every row: ‖x_i‖². */
  static double[] squaredNorms(DMatrixRMaj x) {
    int d = x.numCols;
    double[] out = new double[x.numRows];
    for (int i = 0; i < x.numRows; i++) {
      double s = 0;
      for (int k = 0; k < d; k++) s += x.data[i * d + k] * x.data[i * d + k];
      out[i] = s;
    }
    return out;
  }

  private static void check(DMatrixRMaj x, int i0, int i1, int m, double[] out) {
    if (i0 < 0 || i1 > x.numRows || i0 > i1)
      throw new IllegalArgumentException("Gram: rows [" + i0 + ", " + i1 + ") outside 0.." + x.numRows);
    if (out.length < (long) (i1 - i0) * m)
      throw new IllegalArgumentException("Gram: output of " + out.length + " < " + (i1 - i0) + "×" + m);
  }

  /** Rows [a, b) of x against every panel of y. */
  private static void rows(DMatrixRMaj x, int a, int b, Packed y, double[] out, int i0) {
    double[] xd = x.data, yp = y.data();
    int d = x.numCols, m = y.rows(), panels = (m + W - 1) / W;
    double[] tile = new double[4 * W];
    for (int p = 0; p < panels; p++) {
      int pb = p * d * W, j0 = p * W, cols = Math.min(W, m - j0);
      int i = a;
      for (; i + 4 <= b; i += 4) {
        int x0 = i * d, x1 = x0 + d, x2 = x1 + d, x3 = x2 + d;
        DoubleVector c00 = DoubleVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int k = 0; k < d; k++) {
          DoubleVector b0 = DoubleVector.fromArray(S, yp, pb + k * W), b1 = DoubleVector.fromArray(S, yp, pb + k * W + L);
          DoubleVector v0 = DoubleVector.broadcast(S, xd[x0 + k]);
          c00 = v0.fma(b0, c00); c01 = v0.fma(b1, c01);
          DoubleVector v1 = DoubleVector.broadcast(S, xd[x1 + k]);
          c10 = v1.fma(b0, c10); c11 = v1.fma(b1, c11);
          DoubleVector v2 = DoubleVector.broadcast(S, xd[x2 + k]);
          c20 = v2.fma(b0, c20); c21 = v2.fma(b1, c21);
          DoubleVector v3 = DoubleVector.broadcast(S, xd[x3 + k]);
          c30 = v3.fma(b0, c30); c31 = v3.fma(b1, c31);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, W); c11.intoArray(tile, W + L);
        c20.intoArray(tile, 2 * W); c21.intoArray(tile, 2 * W + L);
        c30.intoArray(tile, 3 * W); c31.intoArray(tile, 3 * W + L);
        for (int r = 0; r < 4; r++) System.arraycopy(tile, r * W, out, (i + r - i0) * m + j0, cols);
      }
      for (; i < b; i++) {
        int x0 = i * d;
        DoubleVector c0 = DoubleVector.zero(S), c1 = c0;
        for (int k = 0; k < d; k++) {
          DoubleVector v = DoubleVector.broadcast(S, xd[x0 + k]);
          c0 = v.fma(DoubleVector.fromArray(S, yp, pb + k * W), c0);
          c1 = v.fma(DoubleVector.fromArray(S, yp, pb + k * W + L), c1);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, L);
        System.arraycopy(tile, 0, out, (i - i0) * m + j0, cols);
      }
    }
  }
}
