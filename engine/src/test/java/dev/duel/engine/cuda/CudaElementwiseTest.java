package dev.duel.engine.cuda;

import dev.duel.engine.BinaryOp;
import dev.duel.engine.ReduceOp;
import dev.duel.engine.UnaryOp;
import java.util.EnumSet;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** unary, unaryBackward, binary (broadcasting) and reduce on cuda-emu against the CPU backend. */
class CudaElementwiseTest {
  static java.util.stream.Stream<org.junit.jupiter.api.Named<CudaBackend>> backends() {
    return TestCuda.both();
  }

  /** Inputs inside each op's domain: positive for log/sqrt/rsqrt/pow, away from 0 for 1/x. */
  private static float[] input(UnaryOp op, SplittableRandom rng, int n) {
    return switch (op) {
      case LOG, SQRT, RSQRT, POW -> Compare.uniform(rng, n, 0.05, 4);
      case RECIPROCAL -> {
        float[] x = Compare.uniform(rng, n, 0.1, 3);
        for (int i = 0; i < n; i += 2) x[i] = -x[i];
        yield x;
      }
      default -> Compare.uniform(rng, n, -4, 4);
    };
  }

  @ParameterizedTest
  @MethodSource("backends")
  void everyUnaryOpAtOddSizesAndOffsets(CudaBackend be) {
    SplittableRandom rng = new SplittableRandom(10);
    for (UnaryOp op : UnaryOp.values()) {
      float alpha = op == UnaryOp.POW ? 1.7f : op == UnaryOp.LEAKY_RELU || op == UnaryOp.LEAKY_SLOPE ? 0.2f : -0.75f;
      for (int n : new int[] {1, 17, 130}) {
        float[] x = input(op, rng, n + 3);
        x[0] = op == UnaryOp.LOG ? 1f : x[0];
        Twin t = Twin.run(be, new float[][] {x, new float[n]}, (b, buf) -> b.unary(op, alpha, buf[0], 3, buf[1], n));
        Compare.elementwise("unary " + op + " n=" + n, t.cpu[1], t.gpu[1], Compare.ELEMENTWISE);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void unaryInPlaceAndNanPropagation(CudaBackend be) {
    // RELU is left out on purpose: the CPU backend gives relu(NaN) = 0, the kernel (and PyTorch) NaN
    float[] x = {Float.NaN, -1f, 0f, 2f, Float.POSITIVE_INFINITY};
    for (UnaryOp op : new UnaryOp[] {UnaryOp.LEAKY_RELU, UnaryOp.TANH, UnaryOp.EXP, UnaryOp.SQUARE}) {
      Twin t = Twin.run(be, new float[][] {x}, (b, buf) -> b.unary(op, 0f, buf[0], 0, buf[0], x.length));
      Compare.elementwise("in-place unary " + op, t.cpu[0], t.gpu[0], Compare.ELEMENTWISE);
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void fusedActivationBackward(CudaBackend be) {
    SplittableRandom rng = new SplittableRandom(11);
    for (UnaryOp op : EnumSet.of(UnaryOp.RELU, UnaryOp.LEAKY_RELU, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.SOFTPLUS)) {
      for (int n : new int[] {1, 33, 257}) {
        float[] x = Compare.uniform(rng, n, -4, 4), gy = Compare.uniform(rng, n, -1, 1), y = new float[n];
        float alpha = 0.2f;
        // y = f(x) from the CPU, handed to both backends: the forward is compared above, and a one-ulp
        // difference in the device's tanh/sigmoid (seen on an H200: tanhf vs Java's tanh) is amplified by
        // 1 − y² near saturation. With the same y both compute the same backward formula.
        Twin fwd = Twin.run(be, new float[][] {x, y}, (b, buf) -> b.unary(op, alpha, buf[0], 0, buf[1], n));
        Compare.elementwise("unary " + op + " n=" + n, fwd.cpu[1], fwd.gpu[1], Compare.ELEMENTWISE);
        float[] yCpu = fwd.cpu[1];
        Twin t = Twin.run(be, new float[][] {x, yCpu, gy, new float[n]},
            (b, buf) -> b.unaryBackward(op, alpha, buf[0], buf[1], buf[2], buf[3], n));
        // Judged against the magnitudes of the formula's terms, as a sum is: tanh's gy·(1 − y²) cancels near
        // |y| = 1, and nvcc contracts it into fmaf(−y, y, 1) (exact y·y) where Java rounds y·y first, so
        // the two differ by ≈ u·|gy|·y², far above 1e-5 of the small result (H200, run 2: 1.73e-8 > 1.70e-8).
        float[] terms = new float[n];
        for (int i = 0; i < n; i++) {
          float yi = yCpu[i], g = Math.abs(gy[i]);
          terms[i] = switch (op) {
            case TANH -> g * (1 + yi * yi);                  // gy·(1 − y²)
            case SIGMOID -> g * (Math.abs(yi) + yi * yi);    // gy·y·(1 − y)
            default -> g;                                    // relu, leaky_relu: gy or α·gy; softplus: gy·σ(x)
          };
        }
        Compare.summed("unaryBackward " + op + " n=" + n, t.cpu[3], terms, t.gpu[3], Compare.ELEMENTWISE);
      }
    }
  }

  private static float[] binaryInput(BinaryOp op, SplittableRandom rng, int n, boolean second) {
    if (second && (op == BinaryOp.BCE_WITH_LOGITS || op == BinaryOp.BCE_WITH_LOGITS_GRAD)) {
      return Compare.uniform(rng, n, 0, 1);   // targets
    }
    if (second && op == BinaryOp.DIV) return Compare.uniform(rng, n, 0.5, 3);
    float[] v = Compare.uniform(rng, n, -3, 3);
    if (op == BinaryOp.EQ) for (int i = 0; i < n; i += 3) v[i] = 1f;   // some equal pairs
    return v;
  }

  @ParameterizedTest
  @MethodSource("backends")
  void everyBinaryOpContiguousAndBroadcast(CudaBackend be) {
    SplittableRandom rng = new SplittableRandom(12);
    for (BinaryOp op : BinaryOp.values()) {
      // same shape, contiguous: 33 elements at offsets
      float[] a = binaryInput(op, rng, 40, false), b = binaryInput(op, rng, 40, true);
      Twin t = Twin.run(be, new float[][] {a, b, new float[33]}, (bk, buf) -> bk.binary(op, new int[] {33}, buf[0], 2,
          new long[] {1}, buf[1], 5, new long[] {1}, buf[2]));
      check(op, "contiguous", a, 2, t);
      // 17×1 against 1×33 broadcast to 17×33
      float[] col = binaryInput(op, rng, 17, false), row = binaryInput(op, rng, 33, true);
      t = Twin.run(be, new float[][] {col, row, new float[17 * 33]}, (bk, buf) -> bk.binary(op, new int[] {17, 33},
          buf[0], 0, new long[] {1, 0}, buf[1], 0, new long[] {0, 1}, buf[2]));
      float[] aAt = new float[17 * 33];
      for (int i = 0; i < aAt.length; i++) aAt[i] = col[i / 33];
      check(op, "broadcast", aAt, 0, t);
    }
  }

  /**
   * The BCE forms cancel (σ(x) − t, max(x, 0) − x·t + ...), so they are judged relative to the size of
   * their terms, |x| + 1; the other ops relative to their result.
   */
  private static void check(BinaryOp op, String what, float[] a, int aOff, Twin t) {
    if (op != BinaryOp.BCE_WITH_LOGITS && op != BinaryOp.BCE_WITH_LOGITS_GRAD) {
      Compare.elementwise("binary " + op + " " + what, t.cpu[2], t.gpu[2], Compare.ELEMENTWISE);
      return;
    }
    float[] bound = new float[t.cpu[2].length];
    for (int i = 0; i < bound.length; i++) bound[i] = Math.abs(a[aOff + i]) + 1f;
    Compare.summed("binary " + op + " " + what, t.cpu[2], bound, t.gpu[2], Compare.ELEMENTWISE);
  }

  @ParameterizedTest
  @MethodSource("backends")
  void binaryOnTransposedAndHighRankViews(CudaBackend be) {
    SplittableRandom rng = new SplittableRandom(13);
    // a transposed 5×7 (stored 7×5) plus a per-row bias; then a rank-9 product with a broadcast dim
    float[] a = Compare.uniform(rng, 35, -1, 1), bias = Compare.uniform(rng, 5, -1, 1);
    Twin t = Twin.run(be, new float[][] {a, bias, new float[35]}, (bk, buf) -> bk.binary(BinaryOp.ADD, new int[] {5, 7},
        buf[0], 0, new long[] {1, 5}, buf[1], 0, new long[] {1, 0}, buf[2]));
    Compare.elementwise("transposed add", t.cpu[2], t.gpu[2], Compare.ELEMENTWISE);
    int[] shape = {2, 3, 2, 2, 3, 2, 2, 3, 2};
    long[] as = new long[9], bs = new long[9];
    long step = 1;
    for (int d = 8; d >= 0; d--) {
      as[d] = 2 * step;   // every other element: no dims merge
      step *= 2L * shape[d];
      bs[d] = d % 3 == 0 ? 0 : as[d];
    }
    float[] big = Compare.uniform(rng, (int) step, -1, 1), big2 = Compare.uniform(rng, (int) step, -1, 1);
    int n = (int) StridedLayout.count(shape);
    t = Twin.run(be, new float[][] {big, big2, new float[n]}, (bk, buf) -> bk.binary(BinaryOp.MUL, shape, buf[0], 0, as,
        buf[1], 0, bs, buf[2]));
    Compare.elementwise("rank-9 mul", t.cpu[2], t.gpu[2], Compare.ELEMENTWISE);
  }

  @ParameterizedTest
  @MethodSource("backends")
  void everyReductionOverRowsColumnsAndOneLongRow(CudaBackend be) {
    SplittableRandom rng = new SplittableRandom(14);
    int[][] cases = {{1, 1, 1}, {3, 17, 1}, {2, 33, 5}, {5, 130, 3}, {1, 70001, 1}, {2, 0, 3}, {7, 1, 9}};
    for (ReduceOp op : ReduceOp.values()) {
      for (int[] c : cases) {
        int outer = c[0], len = c[1], inner = c[2];
        float[] x = Compare.uniform(rng, outer * len * inner + 2, -2, 2);
        Twin t = Twin.run(be, new float[][] {x, new float[outer * inner]},
            (b, buf) -> b.reduce(op, buf[0], 2, outer, len, inner, buf[1]));
        // sums are judged against Σ|x| of their terms (float accumulation on the GPU, float64 on the CPU)
        float[] bound = new float[outer * inner];
        for (int o = 0; o < outer; o++) {
          for (int i = 0; i < inner; i++) {
            double s = 0;
            for (int l = 0; l < len; l++) {
              double v = x[2 + (o * len + l) * inner + i];
              s += op == ReduceOp.SUM_SQUARES ? v * v : Math.abs(v);
            }
            bound[o * inner + i] = (float) s;
          }
        }
        String what = "reduce " + op + " (" + outer + ", " + len + ", " + inner + ")";
        if (op == ReduceOp.MAX || op == ReduceOp.MIN) Compare.bitwise(what, t.cpu[1], t.gpu[1]);
        else Compare.summed(what, t.cpu[1], bound, t.gpu[1], Compare.ELEMENTWISE);
      }
    }
  }
}
