package dev.duel.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.BinaryOp;
import dev.duel.engine.ConvShape;
import dev.duel.engine.ReduceOp;
import dev.duel.engine.UnaryOp;
import java.util.Arrays;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's fast path ({@link CpuKernels}, {@link VectorLoops}, {@link Sgemm}, {@link Conv2dCpu})
 * against the serial {@link CpuReference}, at sizes 0, 1, the SIMD vector length L ± 1 (read from the
 * Vector API: {@code FloatVector.SPECIES_PREFERRED}), more than two parallel chunks, and odd shapes.
 * Elementwise ops must agree bit for bit (the same formula per element); sums, batch norm and products
 * within a bound scaled by the magnitudes summed (they add in a different order). Elementwise and max/min
 * inputs are half NaN, ±0 and ±∞; outputs start as NaN, so an element left unwritten fails.
 */
class CpuReferenceTest {
  static final long SEED = Long.getLong("duel.test.seed", System.nanoTime());
  static final int L = FloatVector.SPECIES_PREFERRED.length();
  /** Sizes of a flat loop: empty, one, every SIMD tail around one vector, odd, and more than two chunks of the pool. */
  static final int[] SIZES = {0, 1, L - 1, L, L + 1, 2 * L + 1, 37, 2 * CpuKernels.GRAIN + L + 1};

  static {
    System.out.println("CpuReferenceTest seed " + SEED + ", vector length " + L + " (rerun with -Dduel.test.seed="
        + SEED + ")");
  }

  private final SplittableRandom rnd = new SplittableRandom(SEED);

  private float[] values(int n, boolean special) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      int kind = special ? rnd.nextInt(10) : 99;   // half the values special: every SIMD tail meets them
      v[i] = switch (kind) {
        case 0 -> Float.NaN;
        case 1 -> 0f;
        case 2 -> -0f;
        case 3 -> Float.POSITIVE_INFINITY;
        case 4 -> Float.NEGATIVE_INFINITY;
        default -> (float) rnd.nextDouble(-3, 3);
      };
    }
    return v;
  }

  private static float[] nans(int n) {
    float[] v = new float[n];
    Arrays.fill(v, Float.NaN);
    return v;
  }

  private static void assertBits(float[] want, float[] got, int n, String what) {
    for (int i = 0; i < n; i++) {
      assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]),
          what + " i=" + i + ": want " + want[i] + ", got " + got[i] + " (seed " + SEED + ")");
    }
  }

  /** |got − want| ≤ 1e-5·scale[i] + 1e-6: float32 results of float64 sums in another order. */
  private static void assertClose(float[] want, float[] got, double[] scale, int n, String what) {
    for (int i = 0; i < n; i++) {
      if (Float.isNaN(want[i]) || Float.isInfinite(want[i])) {
        assertEquals(want[i], got[i], what + " i=" + i + " (seed " + SEED + ")");
        continue;
      }
      double tol = 1e-5 * (scale == null ? Math.abs(want[i]) : scale[i]) + 1e-6;
      assertTrue(Math.abs(got[i] - want[i]) <= tol,
          what + " i=" + i + ": want " + want[i] + ", got " + got[i] + ", tolerance " + tol + " (seed " + SEED + ")");
    }
  }

  @Test
  void unaryEqualsTheReferenceBitForBit() {
    for (UnaryOp op : UnaryOp.values()) {
      for (int n : SIZES) {
        float[] x = values(n + 3, true), want = nans(n), got = nans(n);
        CpuReference.unary(op, 0.2f, x, 3, want, n);
        CpuKernels.unary(op, 0.2f, x, 3, got, n);
        assertBits(want, got, n, op + " n=" + n);
      }
    }
  }

  @Test
  void unaryBackwardEqualsTheReferenceBitForBit() {
    for (UnaryOp op : new UnaryOp[] {UnaryOp.RELU, UnaryOp.LEAKY_RELU, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.SOFTPLUS}) {
      for (int n : SIZES) {
        float[] x = values(n, true), gy = values(n, true), y = new float[n], want = nans(n), got = nans(n);
        CpuReference.unary(op, 0.2f, x, 0, y, n);
        CpuReference.unaryBackward(op, 0.2f, x, y, gy, want, n);
        CpuKernels.unaryBackward(op, 0.2f, x, y, gy, got, n);
        assertBits(want, got, n, op + " backward n=" + n);
      }
    }
  }

  /** A broadcasting case: shape, a's and b's strides (0 broadcasts), the lengths of a and b. */
  private record Walk(int[] shape, long[] aStr, long[] bStr, int aLen, int bLen) {
    static Walk contiguous(int n) {
      return new Walk(new int[] {n}, new long[] {1}, new long[] {1}, n, n);
    }
  }

  @Test
  void binaryEqualsTheReferenceBitForBit() {
    java.util.List<Walk> walks = new java.util.ArrayList<>();
    for (int n : SIZES) walks.add(Walk.contiguous(n));
    walks.add(new Walk(new int[] {3, L + 1}, new long[] {L + 1, 1}, new long[] {0, 1}, 3 * (L + 1), L + 1));   // row bias
    walks.add(new Walk(new int[] {L - 1, 5}, new long[] {5, 1}, new long[] {1, 0}, 5 * (L - 1), L - 1));   // column
    walks.add(new Walk(new int[] {2, 3, 5, 7}, new long[] {105, 35, 7, 1}, new long[] {0, 1, 0, 0}, 210, 3));   // NCHW bias
    walks.add(new Walk(new int[] {L + 1, 3}, new long[] {1, L + 1}, new long[] {3, 1}, 3 * (L + 1), 3 * (L + 1)));   // aᵀ
    walks.add(new Walk(new int[] {4, 1, L}, new long[] {L, L, 1}, new long[] {0, 0, 0}, 4 * L, 1));   // a scalar b
    walks.add(new Walk(new int[] {2, 0, 3}, new long[] {0, 3, 1}, new long[] {0, 3, 1}, 0, 0));   // empty
    walks.add(new Walk(new int[] {}, new long[] {}, new long[] {}, 1, 1));   // rank 0
    for (BinaryOp op : BinaryOp.values()) {
      for (Walk w : walks) {
        float[] a = values(w.aLen, true), b = values(w.bLen, true);
        if (op == BinaryOp.BCE_WITH_LOGITS || op == BinaryOp.BCE_WITH_LOGITS_GRAD) b = values(w.bLen, false);
        int n = 1;
        for (int d : w.shape) n *= d;
        float[] want = nans(n), got = nans(n);
        CpuReference.binary(op, w.shape, a, 0, w.aStr, b, 0, w.bStr, want);
        CpuKernels.binary(op, w.shape, a, 0, w.aStr, b, 0, w.bStr, got);
        assertBits(want, got, n, op + " shape=" + Arrays.toString(w.shape) + " b strides=" + Arrays.toString(w.bStr));
      }
    }
  }

  @Test
  void reductionsAgreeWithTheReference() {
    int[][] shapes = {{0, 5, 1}, {1, 0, 1}, {2, 0, 3}, {1, 1, 1}, {3, L - 1, 1}, {2, L, 1}, {2, L + 1, 3}, {1, 1, L + 1},
        {5, 37, 1}, {3, 7, L - 1}, {1, 2 * CpuKernels.GRAIN + 1, 1}, {2 * L + 1, 3, 2}};
    for (ReduceOp op : ReduceOp.values()) {
      for (int[] sh : shapes) {
        int outer = sh[0], len = sh[1], inner = sh[2], n = outer * inner;
        boolean special = op == ReduceOp.MAX || op == ReduceOp.MIN;   // NaN must propagate; sums are checked on numbers
        float[] x = values(2 + outer * len * inner, special && rnd.nextBoolean());
        float[] want = nans(n), got = nans(n);
        CpuReference.reduce(op, x, 2, outer, len, inner, want);
        CpuKernels.reduce(op, x, 2, outer, len, inner, got);
        double[] scale = new double[n];   // Σ|x| (Σx² for SUM_SQUARES) per output
        for (int o = 0; o < outer; o++) {
          for (int i = 0; i < inner; i++) {
            for (int l = 0; l < len; l++) {
              double v = x[2 + (o * len + l) * inner + i];
              scale[o * inner + i] += op == ReduceOp.SUM_SQUARES ? v * v : Math.abs(v);
            }
          }
        }
        assertClose(want, got, special ? null : scale, n, op + " (outer, len, inner)=" + Arrays.toString(sh));
      }
    }
  }

  @Test
  void batchNormAgreesWithTheReference() {
    // (n, c, hw): one value per channel, BatchNorm1d (hw = 1) and 2d, around the vector length.
    // Also: BatchNorm1d with many channels; 7×7 planes of a batch of 64 (runs sharing the float lanes, flushed every
    // few runs); planes longer than a float32 block (flushed within each run). BatchNorm1d of 64K or more values runs
    // its columns in ranges on the threads (2000 and 4099 columns: ranges cut at multiples of 16, a ragged last one).
    int[][] shapes = {{1, 1, 1}, {2, 3, 1}, {L + 1, 3, 1}, {3, L - 1, 1}, {1, 2, L}, {2, 3, L - 1}, {4, 5, L + 1},
        {3, 2, 37}, {0, 3, 4}, {64, 2000, 1}, {33, 4099, 1}, {64, 3, 49}, {5, 2, 200}};
    for (int[] sh : shapes) {
      int n = sh[0], c = sh[1], hw = sh[2], m = n * c * hw;
      float[] x = values(m, false), gy = values(m, false), gamma = values(c, false), beta = values(c, false);
      float[][] want = {nans(m), nans(c), nans(c), nans(c)}, got = {nans(m), nans(c), nans(c), nans(c)};
      CpuReference.batchNormForward(n, c, hw, 1e-5f, x, gamma, beta, want[0], want[1], want[2], want[3]);
      CpuKernels.batchNormForward(n, c, hw, 1e-5f, x, gamma, beta, got[0], got[1], got[2], got[3]);
      String what = "batchNorm (n, c, hw)=" + Arrays.toString(sh);
      if (n * hw == 0) continue;   // no statistics of an empty batch: both leave NaN (the engine refuses it above)
      assertClose(want[1], got[1], null, c, what + " mean");
      assertClose(want[2], got[2], null, c, what + " invStd");
      assertClose(want[3], got[3], null, c, what + " unbiased variance");
      // The fast path computes y = x·scale + shift (scale = γ·invStd, shift = β − μ·scale): its terms, not y,
      // set the rounding; with m = 1 (x = μ) they cancel to β from |x|·|γ|·invStd ≈ 1000·|x|·|γ|.
      double[] yScale = new double[m];
      for (int e = 0; e < m; e++) {
        int ch = (e / hw) % c;
        yScale[e] = 1 + Math.abs(beta[ch]) + Math.abs(gamma[ch]) * want[2][ch] * (Math.abs(x[e]) + Math.abs(want[1][ch]));
      }
      assertClose(want[0], got[0], yScale, m, what + " y");

      float[][] bw = {nans(m), nans(c), nans(c)}, bg = {nans(m), nans(c), nans(c)};
      CpuReference.batchNormBackward(n, c, hw, x, gy, gamma, want[1], want[2], bw[0], bw[1], bw[2]);
      CpuKernels.batchNormBackward(n, c, hw, x, gy, gamma, want[1], want[2], bg[0], bg[1], bg[2]);
      double[] chScale = new double[c], gxScale = new double[m];
      for (int e = 0; e < m; e++) chScale[(e / hw) % c] += Math.abs(gy[e]) * (1 + Math.abs((x[e] - want[1][(e / hw) % c]) * want[2][(e / hw) % c]));
      for (int e = 0; e < m; e++) {
        int ch = (e / hw) % c;
        gxScale[e] = Math.abs(gamma[ch]) * want[2][ch] * (Math.abs(gy[e]) + 2 * chScale[ch] / (n * hw)) + 1;
      }
      assertClose(bw[1], bg[1], chScale, c, what + " gγ");
      assertClose(bw[2], bg[2], chScale, c, what + " gβ");
      assertClose(bw[0], bg[0], gxScale, m, what + " gx");
    }
  }

  /** ConvShape(n, c, h, w, k, r, s, strideH, strideW, padH, padW): 1×1, odd sizes, stride 2, wide padding. */
  static final ConvShape[] CONVS = {
      new ConvShape(1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0),
      new ConvShape(2, 3, 5, 7, 4, 3, 2, 1, 1, 0, 0),
      new ConvShape(3, 1, L + 1, L - 1, 2, 3, 3, 2, 1, 1, 1),
      new ConvShape(1, 5, 9, 11, L + 1, 4, 2, 2, 2, 2, 1),
      new ConvShape(2 * CpuPool.threads() + 1, 2, 6, 6, 3, 4, 4, 2, 2, 1, 1),   // many images, a short reduction: batched
      new ConvShape(2, 17, 7, 7, 3, 5, 5, 1, 1, 2, 2),   // C·R·S ≥ 256 but few images: batched
      new ConvShape(2 * CpuPool.threads() + 1, 17, 7, 7, 3, 5, 5, 1, 1, 2, 2),   // N ≥ 2·threads and C·R·S ≥ 256: per image
  };

  @Test
  void convolutionAgreesWithTheReference() {
    for (ConvShape s : CONVS) {
      int xs = s.n() * s.c() * s.h() * s.w(), ws = s.k() * s.c() * s.r() * s.s(), ys = s.n() * s.k() * s.p() * s.q();
      float[] x = values(xs, false), w = values(ws, false), gy = values(ys, false);
      float[] want = nans(ys), got = nans(ys);
      CpuReference.conv2d(s, x, w, want);
      Conv2dCpu.forward(s, x, w, got);
      assertClose(want, got, fill(ys, s.c() * s.r() * s.s() * 9.0), ys, "conv2d " + s);
      want = nans(xs);
      got = nans(xs);
      CpuReference.conv2dBackwardData(s, gy, w, want);
      Conv2dCpu.backwardData(s, gy, w, got);
      assertClose(want, got, fill(xs, s.k() * s.r() * s.s() * 9.0), xs, "conv2dBackwardData " + s);
      want = nans(ws);
      got = nans(ws);
      CpuReference.conv2dBackwardFilter(s, x, gy, want);
      Conv2dCpu.backwardFilter(s, x, gy, got);
      assertClose(want, got, fill(ws, s.n() * s.p() * s.q() * 9.0), ws, "conv2dBackwardFilter " + s);
    }
  }

  private static double[] fill(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  @Test
  void gemmAgreesWithTheReference() {
    // m×n×k: empty, one, around the vector length, odd, and past the small-product threshold (blocked path).
    int[][] sizes = {{0, 3, 4}, {3, 0, 4}, {3, 4, 0}, {1, 1, 1}, {L - 1, L + 1, L}, {L + 1, L - 1, 3}, {7, 5, 37},
        {65, 2 * L + 1, 131}, {1, 300, 200}};
    for (int[] sz : sizes) {
      int m = sz[0], n = sz[1], k = sz[2];
      for (int t = 0; t < 4; t++) {
        boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
        int lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 3;
        float[] a = values(1 + (ta ? k : m) * lda, false), b = values(2 + (tb ? n : k) * ldb, false);
        float[] c0 = values(3 + m * ldc, false);
        for (float beta : new float[] {0f, 0.5f}) {
          float[] want = c0.clone(), got = c0.clone();
          if (beta == 0f) {   // beta = 0 ignores C: NaN there must not show
            Arrays.fill(want, Float.NaN);
            Arrays.fill(got, Float.NaN);
          }
          CpuReference.gemm(ta, tb, m, n, k, 1.5f, a, 1, lda, b, 2, ldb, beta, want, 3, ldc);
          Sgemm.sgemm(ta, tb, m, n, k, 1.5f, a, 1, lda, b, 2, ldb, beta, got, 3, ldc);
          double[] scale = fill(got.length, 1.5 * 9 * k + 2);
          String what = "gemm m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb + " beta=" + beta;
          for (int i = 0; i < m; i++) {
            float[] wr = Arrays.copyOfRange(want, 3 + i * ldc, 3 + i * ldc + n);
            float[] gr = Arrays.copyOfRange(got, 3 + i * ldc, 3 + i * ldc + n);
            assertClose(wr, gr, scale, n, what + " row " + i);
          }
        }
      }
    }
  }
}
