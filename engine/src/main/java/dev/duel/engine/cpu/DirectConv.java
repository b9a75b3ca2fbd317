package dev.duel.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Unit-stride correlations for convolutions with few output channels ({@link Conv2dCpu#DIRECT_MAX_K}: a PatchGAN's
 * logit layer, 64 → 1), computed directly with the outputs in vector registers: a GEMM would fill one column of its
 * tile and pack an im2col as large as the work.
 *
 * <pre>
 *   correlate:  y[n, k, i, j] = Σ_{c, u, v} x[n, c, row0 + i + u, col0 + j + v] · w[k, c, u, v]  (+ bias[k])
 *   filter:     gw[k, c, u, v] = Σ_{n, i, j} gy[n, k, i, j] · x[n, c, i + u, j + v]
 * </pre>
 *
 * x's planes are hx × wx (already zero-padded by the caller). The forward is correlate at row0 = col0 = 0; the data
 * gradient is correlate over gy padded by R − 1, S − 1 on every side with the kernel flipped and its two channel axes
 * swapped, at the padding's offset (Conv2dCpu.backwardDataDirect). correlate keeps 8 output rows × one vector of
 * columns in 8 accumulators, so each weight is one broadcast for 8 FMAs, each fed by one load of x; filter keeps 8
 * taps (u, v) of one (k, c) in 8 accumulators, so each vector of gy feeds 8 FMAs. Each sum runs in a fixed order (c,
 * u, v for an output; n, i, j and then the lanes in order for a tap), whatever the thread count. Loads that would run
 * past the end of x take a copy of the last image with room to spare (correlate) or scalar loops for that row (filter).
 */
final class DirectConv {
  private DirectConv() {}

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  /** Output rows (correlate) or taps (filter) per block: one accumulator each. */
  private static final int BLOCK = 8;

  /** y[n, k, i, j] for i < rows, j < cols (y's planes rows × cols), plus bias[k] unless it is null. Overwrites y. */
  static void correlate(int nn, int cIn, int kOut, int r, int s, float[] x, int hx, int wx, float[] w,
                        int row0, int col0, int rows, int cols, float[] bias, float[] y) {
    if (rows <= 0 || cols <= 0) return;
    int image = cIn * hx * wx;
    CpuPool.parallelFor(nn * kOut, 1, (from, to) -> {
      float[] copy = null;                                  // image `copied` with room for a vector past its end
      int copied = -1;
      for (int nk = from; nk < to; nk++) {
        int n = nk / kOut, k = nk % kOut;
        float b = bias == null ? 0f : bias[k];
        int wAt = k * cIn * r * s, yPlane = nk * rows * cols;
        // A vector load reaches up to L − 1 floats past the columns it needs, beyond x's end in the last image (or
        // the last few, if an image is shorter than a vector): such an image is read from a copy with L to spare.
        float[] src = x;
        int xImage = n * image;
        if ((long) xImage + image + L > x.length) {
          if (copied != n) {
            if (copy == null) copy = new float[image + L];
            System.arraycopy(x, xImage, copy, 0, image);
            copied = n;
          }
          src = copy;
          xImage = 0;
        }
        for (int j0 = 0; j0 < cols; j0 += L) {
          int lanes = Math.min(L, cols - j0);
          // Blocks of 8 rows; the last block is moved up to end at the last row (rows it shares with the block
          // before are computed again, to the same values), so every row is in a full block once rows ≥ 8.
          for (int i0 = 0; i0 < rows; i0 += BLOCK) {
            int top = rows >= BLOCK ? Math.min(i0, rows - BLOCK) : i0;
            int xAt = xImage + (row0 + top) * wx + col0 + j0, yAt = yPlane + top * cols + j0;
            if (rows >= BLOCK) {
              rows8(src, xAt, hx * wx, wx, cIn, r, s, w, wAt, b, y, yAt, cols, lanes);
            } else {
              for (int i = 0; i < rows; i++) row1(src, xAt + i * wx, hx * wx, wx, cIn, r, s, w, wAt, b, y, yAt + i * cols, lanes);
            }
          }
        }
      }
    });
  }

  /** Eight output rows × one vector of columns: 8 accumulators, each weight broadcast once for 8 FMAs. */
  private static void rows8(float[] x, int xAt, int plane, int wx, int cIn, int r, int s, float[] w, int wAt, float b,
                            float[] y, int yAt, int cols, int lanes) {
    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (int c = 0; c < cIn; c++) {
      for (int u = 0; u < r; u++) {
        int row = xAt + c * plane + u * wx, wRow = wAt + (c * r + u) * s;
        for (int v = 0; v < s; v++) {
          FloatVector wv = FloatVector.broadcast(F, w[wRow + v]);
          int at = row + v;
          a0 = FloatVector.fromArray(F, x, at).fma(wv, a0);
          a1 = FloatVector.fromArray(F, x, at + wx).fma(wv, a1);
          a2 = FloatVector.fromArray(F, x, at + 2 * wx).fma(wv, a2);
          a3 = FloatVector.fromArray(F, x, at + 3 * wx).fma(wv, a3);
          a4 = FloatVector.fromArray(F, x, at + 4 * wx).fma(wv, a4);
          a5 = FloatVector.fromArray(F, x, at + 5 * wx).fma(wv, a5);
          a6 = FloatVector.fromArray(F, x, at + 6 * wx).fma(wv, a6);
          a7 = FloatVector.fromArray(F, x, at + 7 * wx).fma(wv, a7);
        }
      }
    }
    VectorMask<Float> m = F.indexInRange(0, lanes);
    a0.add(b).intoArray(y, yAt, m);
    a1.add(b).intoArray(y, yAt + cols, m);
    a2.add(b).intoArray(y, yAt + 2 * cols, m);
    a3.add(b).intoArray(y, yAt + 3 * cols, m);
    a4.add(b).intoArray(y, yAt + 4 * cols, m);
    a5.add(b).intoArray(y, yAt + 5 * cols, m);
    a6.add(b).intoArray(y, yAt + 6 * cols, m);
    a7.add(b).intoArray(y, yAt + 7 * cols, m);
  }

  /** One output row × one vector of columns (fewer than 8 rows): rows8's sums for one row, in the same order. */
  private static void row1(float[] x, int xAt, int plane, int wx, int cIn, int r, int s, float[] w, int wAt, float b,
                           float[] y, int yAt, int lanes) {
    FloatVector a = FloatVector.zero(F);
    for (int c = 0; c < cIn; c++) {
      for (int u = 0; u < r; u++) {
        int row = xAt + c * plane + u * wx, wRow = wAt + (c * r + u) * s;
        for (int v = 0; v < s; v++) a = FloatVector.fromArray(F, x, row + v).fma(FloatVector.broadcast(F, w[wRow + v]), a);
      }
    }
    a.add(b).intoArray(y, yAt, F.indexInRange(0, lanes));
  }

  /** gw[k, c, u, v] = Σ_{n, i < p, j < q} gy[n, k, i, j] · x[n, c, i + u, j + v]; gy's planes p × q. Overwrites gw. */
  static void filter(int nn, int cIn, int kOut, int r, int s, float[] x, int hx, int wx, float[] gy, int p, int q,
                     float[] gw) {
    int taps = r * s;
    int[] tapAt = new int[taps];                         // x's offset of tap (u, v)
    for (int t = 0; t < taps; t++) tapAt[t] = t / s * wx + t % s;
    int farthest = (r - 1) * wx + s - 1;
    CpuPool.parallelFor(kOut * cIn, 1, (from, to) -> {
      float[] lanesOut = new float[L];
      for (int kc = from; kc < to; kc++) {
        int k = kc / cIn, c = kc % cIn;
        for (int t0 = 0; t0 < taps; t0 += BLOCK) {
          int tb = Math.min(BLOCK, taps - t0), at = kc * taps + t0;
          if (tb == BLOCK) taps8(x, hx, wx, cIn, kOut, k, c, gy, p, q, nn, tapAt, t0, farthest, lanesOut, gw, at);
          else tapsScalar(x, hx, wx, cIn, kOut, k, c, gy, p, q, nn, tapAt, t0, tb, gw, at);
        }
      }
    });
  }

  /**
   * Eight taps of one (k, c): 8 accumulators over every (n, i, j-vector), gy's vector (zero past column q) shared
   * by the 8 FMAs; then each accumulator's lanes summed in order, plus the rows that ran past x's end summed
   * one element at a time.
   */
  private static void taps8(float[] x, int hx, int wx, int cIn, int kOut, int k, int c, float[] gy, int p, int q, int nn,
                            int[] tapAt, int t0, int farthest, float[] lanesOut, float[] gw, int at) {
    int o0 = tapAt[t0], o1 = tapAt[t0 + 1], o2 = tapAt[t0 + 2], o3 = tapAt[t0 + 3];
    int o4 = tapAt[t0 + 4], o5 = tapAt[t0 + 5], o6 = tapAt[t0 + 6], o7 = tapAt[t0 + 7];
    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    float[] tail = new float[BLOCK];
    for (int n = 0; n < nn; n++) {
      int gPlane = (n * kOut + k) * p * q, xPlane = (n * cIn + c) * hx * wx;
      for (int i = 0; i < p; i++) {
        int gRow = gPlane + i * q, xRow = xPlane + i * wx;
        for (int j0 = 0; j0 < q; j0 += L) {
          int lanes = Math.min(L, q - j0), xb = xRow + j0;
          if ((long) xb + farthest + L > x.length) {
            for (int t = 0; t < BLOCK; t++)
              for (int j = 0; j < lanes; j++) tail[t] = Math.fma(gy[gRow + j0 + j], x[xb + tapAt[t0 + t] + j], tail[t]);
            continue;
          }
          FloatVector g = FloatVector.fromArray(F, gy, gRow + j0, F.indexInRange(0, lanes));
          a0 = FloatVector.fromArray(F, x, xb + o0).fma(g, a0);
          a1 = FloatVector.fromArray(F, x, xb + o1).fma(g, a1);
          a2 = FloatVector.fromArray(F, x, xb + o2).fma(g, a2);
          a3 = FloatVector.fromArray(F, x, xb + o3).fma(g, a3);
          a4 = FloatVector.fromArray(F, x, xb + o4).fma(g, a4);
          a5 = FloatVector.fromArray(F, x, xb + o5).fma(g, a5);
          a6 = FloatVector.fromArray(F, x, xb + o6).fma(g, a6);
          a7 = FloatVector.fromArray(F, x, xb + o7).fma(g, a7);
        }
      }
    }
    gw[at + 0] = laneSum(a0, lanesOut) + tail[0];
    gw[at + 1] = laneSum(a1, lanesOut) + tail[1];
    gw[at + 2] = laneSum(a2, lanesOut) + tail[2];
    gw[at + 3] = laneSum(a3, lanesOut) + tail[3];
    gw[at + 4] = laneSum(a4, lanesOut) + tail[4];
    gw[at + 5] = laneSum(a5, lanesOut) + tail[5];
    gw[at + 6] = laneSum(a6, lanesOut) + tail[6];
    gw[at + 7] = laneSum(a7, lanesOut) + tail[7];
  }

  /** The last tb (< 8) taps, one element at a time, in (n, i, j) order. */
  private static void tapsScalar(float[] x, int hx, int wx, int cIn, int kOut, int k, int c, float[] gy, int p, int q,
                                 int nn, int[] tapAt, int t0, int tb, float[] gw, int at) {
    for (int t = 0; t < tb; t++) {
      float acc = 0f;
      for (int n = 0; n < nn; n++) {
        int gPlane = (n * kOut + k) * p * q, xPlane = (n * cIn + c) * hx * wx + tapAt[t0 + t];
        for (int i = 0; i < p; i++)
          for (int j = 0; j < q; j++) acc = Math.fma(gy[gPlane + i * q + j], x[xPlane + i * wx + j], acc);
      }
      gw[at + t] = acc;
    }
  }

  /**
   * The lanes' sum in lane order, through {@code lanes}: not reduceLanes, whose order differs between the C2 intrinsic
   * and the interpreter's fallback, so that the result does not depend on when the method was compiled.
   */
  private static float laneSum(FloatVector v, float[] lanes) {
    v.intoArray(lanes, 0);
    float sum = 0f;
    for (float e : lanes) sum += e;
    return sum;
  }
}
