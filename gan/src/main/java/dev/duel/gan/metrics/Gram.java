package dev.duel.gan.metrics;

import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;

/**
 * Blocks of inner products between the rows of two feature matrices, in float64: the one heavy kernel
 * behind KID (polynomial kernel values) and precision/recall (Euclidean distances).
 *
 * <p>x is n×d, y is m×d (row-major, EJML's DMatrixRMaj); {@link #dots} fills
 * out[(i − i0)·m + j] = Σ_k x[i,k]·y[j,k] for i ∈ [i0, i1), j ∈ [0, m). The reference is the plain
 * triple loop ({@link #dotsReference}); the fast path computes 4×4 tiles with 16 independent
 * accumulators (same summation order per pair, so the two agree to the last bit), rows in parallel.
 */
final class Gram {
  private Gram() {}

  /** Rows of x per parallel task. */
  private static final int ROWS_PER_TASK = 16;

  /** out[(i − i0)·m + j] = x_i · y_j for i ∈ [i0, i1). */
  static void dots(DMatrixRMaj x, int i0, int i1, DMatrixRMaj y, double[] out) {
    check(x, i0, i1, y, out);
    int tasks = (i1 - i0 + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    IntStream.range(0, tasks).parallel().forEach(t -> {
      int a = i0 + t * ROWS_PER_TASK;
      tile(x, a, Math.min(i1, a + ROWS_PER_TASK), y, out, i0);
    });
  }

  /** The readable reference of {@link #dots}. */
  static void dotsReference(DMatrixRMaj x, int i0, int i1, DMatrixRMaj y, double[] out) {
    check(x, i0, i1, y, out);
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

  private static void check(DMatrixRMaj x, int i0, int i1, DMatrixRMaj y, double[] out) {
    if (x.numCols != y.numCols)
      throw new IllegalArgumentException("Gram: feature sizes differ (" + x.numCols + " vs " + y.numCols + ")");
    if (i0 < 0 || i1 > x.numRows || i0 > i1)
      throw new IllegalArgumentException("Gram: rows [" + i0 + ", " + i1 + ") outside 0.." + x.numRows);
    if (out.length < (long) (i1 - i0) * y.numRows)
      throw new IllegalArgumentException("Gram: output of " + out.length + " < " + (i1 - i0) + "×" + y.numRows);
  }

  /** Rows [a, b) of x against all rows of y, 4×4 pairs at a time. */
  private static void tile(DMatrixRMaj x, int a, int b, DMatrixRMaj y, double[] out, int i0) {
    double[] xd = x.data, yd = y.data;
    int d = x.numCols, m = y.numRows;
    int i = a;
    for (; i + 4 <= b; i += 4) {
      int j = 0;
      for (; j + 4 <= m; j += 4) {
        int x0 = i * d, x1 = x0 + d, x2 = x1 + d, x3 = x2 + d;
        int y0 = j * d, y1 = y0 + d, y2 = y1 + d, y3 = y2 + d;
        double s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        double s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (int k = 0; k < d; k++) {
          double a0 = xd[x0 + k], a1 = xd[x1 + k], a2 = xd[x2 + k], a3 = xd[x3 + k];
          double b0 = yd[y0 + k], b1 = yd[y1 + k], b2 = yd[y2 + k], b3 = yd[y3 + k];
          s00 += a0 * b0; s01 += a0 * b1; s02 += a0 * b2; s03 += a0 * b3;
          s10 += a1 * b0; s11 += a1 * b1; s12 += a1 * b2; s13 += a1 * b3;
          s20 += a2 * b0; s21 += a2 * b1; s22 += a2 * b2; s23 += a2 * b3;
          s30 += a3 * b0; s31 += a3 * b1; s32 += a3 * b2; s33 += a3 * b3;
        }
        int o = (i - i0) * m + j;
        out[o] = s00; out[o + 1] = s01; out[o + 2] = s02; out[o + 3] = s03; o += m;
        out[o] = s10; out[o + 1] = s11; out[o + 2] = s12; out[o + 3] = s13; o += m;
        out[o] = s20; out[o + 1] = s21; out[o + 2] = s22; out[o + 3] = s23; o += m;
        out[o] = s30; out[o + 1] = s31; out[o + 2] = s32; out[o + 3] = s33;
      }
      for (; j < m; j++) for (int r = 0; r < 4; r++) out[(i + r - i0) * m + j] = dot(xd, (i + r) * d, yd, j * d, d);
    }
    for (; i < b; i++) for (int j = 0; j < m; j++) out[(i - i0) * m + j] = dot(xd, i * d, yd, j * d, d);
  }

  private static double dot(double[] a, int ao, double[] b, int bo, int d) {
    double s = 0;
    for (int k = 0; k < d; k++) s += a[ao + k] * b[bo + k];
    return s;
  }
}
