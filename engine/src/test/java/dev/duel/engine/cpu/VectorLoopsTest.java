package dev.duel.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.BinaryOp;
import dev.duel.engine.UnaryOp;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorLoops} against the scalar formulas of {@link CpuReference}: bit-identical for every
 * covered op, at sizes that leave every SIMD tail (1, 3, 17, 33, 130), with offsets, zeros, ±0 and NaN
 * in the inputs; the blocked sums against a float64 sum.
 */
class VectorLoopsTest {
  private static final int[] SIZES = {1, 3, 8, 17, 33, 130, 1000};
  private static final long SEED = System.nanoTime();

  private static float[] values(SplittableRandom rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      int kind = rnd.nextInt(20);
      v[i] = kind == 0 ? Float.NaN : kind == 1 ? 0f : kind == 2 ? -0f : (float) rnd.nextDouble(-3, 3);
    }
    return v;
  }

  private static void assertBits(float want, float got, String what) {
    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got), what + ": want " + want + ", got " + got);
  }

  @Test
  void unaryOpsEqualTheScalarFormula() {
    SplittableRandom rnd = new SplittableRandom(SEED);
    for (UnaryOp op : UnaryOp.values()) {
      for (int n : SIZES) {
        float[] x = values(rnd, n + 5), out = new float[n + 2];
        boolean covered = VectorLoops.unary(op, 0.2f, x, 5, out, 2, n);
        if (!covered) continue;
        for (int i = 0; i < n; i++) {
          assertBits(CpuReference.unary(op, 0.2f, x[5 + i]), out[2 + i], op + " n=" + n + " i=" + i + " seed=" + SEED);
        }
      }
    }
    assertFalse(VectorLoops.unary(UnaryOp.SIGMOID, 0f, new float[1], 0, new float[1], 0, 1), "SIGMOID stays scalar");
  }

  @Test
  void tanhOnFloat64LanesEqualsTheScalarFormEverywhere() {
    // 4M points over [−12, 12] (both branches' edges: 2⁻¹² and 9.1), then the special values, each
    // at every lane position of a SIMD block and in the scalar tail.
    int n = 4_000_001;
    float[] x = new float[n], out = new float[n];
    for (int i = 0; i < n; i++) x[i] = -12f + 24f * i / (n - 1);
    assertTrue(VectorLoops.unary(UnaryOp.TANH, 0f, x, 0, out, 0, n));
    for (int i = 0; i < n; i++) assertBits(CpuReference.tanh(x[i]), out[i], "tanh(" + x[i] + ")");
    float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
        -Float.MIN_NORMAL, 0x1p-12f, -0x1p-12f, Math.nextDown(0x1p-12f), 9.1f, Math.nextUp(9.1f), -9.1f, 1e-30f,
        Float.MAX_VALUE, -Float.MAX_VALUE, 0.5f, -18.2f, 3e-4f};
    for (int shift = 0; shift < 17; shift++) {
      float[] xs = new float[shift + special.length], os = new float[xs.length];
      System.arraycopy(special, 0, xs, shift, special.length);
      VectorLoops.unary(UnaryOp.TANH, 0f, xs, 0, os, 0, xs.length);
      for (int i = 0; i < xs.length; i++) assertBits(CpuReference.tanh(xs[i]), os[i], "tanh(" + xs[i] + ") shift " + shift);
    }
  }

  @Test
  void unaryBackwardEqualsTheScalarFormula() {
    SplittableRandom rnd = new SplittableRandom(SEED + 1);
    for (UnaryOp op : new UnaryOp[] {UnaryOp.RELU, UnaryOp.LEAKY_RELU, UnaryOp.TANH, UnaryOp.SIGMOID}) {
      for (int n : SIZES) {
        float[] x = values(rnd, n + 3), gy = values(rnd, n + 3), y = new float[n + 3], gx = new float[n + 3];
        for (int i = 0; i < y.length; i++) y[i] = CpuReference.unary(op, 0.2f, x[i]);
        assertTrue(VectorLoops.unaryBackward(op, 0.2f, x, y, gy, gx, 3, n + 3));
        for (int i = 3; i < n + 3; i++) {
          float want = switch (op) {
            case RELU -> x[i] > 0f ? gy[i] : 0f;
            case LEAKY_RELU -> x[i] > 0f ? gy[i] : 0.2f * gy[i];
            case TANH -> gy[i] * (1f - y[i] * y[i]);
            default -> gy[i] * y[i] * (1f - y[i]);
          };
          assertBits(want, gx[i], op + " backward n=" + n + " i=" + i + " seed=" + SEED);
        }
        assertEquals(0f, gx[0], "writes nothing before from");
      }
    }
  }

  @Test
  void binaryRowsEqualTheScalarFormula() {
    SplittableRandom rnd = new SplittableRandom(SEED + 2);
    for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV}) {
      for (int n : SIZES) {
        for (int bs : new int[] {0, 1}) {
          float[] a = values(rnd, n + 1), b = values(rnd, n + 4), out = new float[n];
          assertTrue(VectorLoops.binaryRow(op, a, 1, 1, b, 4, bs, out, 0, n));
          for (int j = 0; j < n; j++) {
            assertBits(CpuReference.binary(op, a[1 + j], b[4 + j * bs]), out[j], op + " bs=" + bs + " n=" + n + " j=" + j);
          }
        }
      }
    }
    assertFalse(VectorLoops.binaryRow(BinaryOp.ADD, new float[4], 0, 2, new float[4], 0, 1, new float[2], 0, 2),
        "strided a falls back to the scalar loop");
    assertFalse(VectorLoops.binaryRow(BinaryOp.MAX, new float[2], 0, 1, new float[2], 0, 1, new float[2], 0, 2));
  }

  @Test
  void blockedSumsMatchFloat64() {
    SplittableRandom rnd = new SplittableRandom(SEED + 3);
    for (int n : new int[] {1, 3, 17, 33, 130, 1000, 100_003}) {
      float[] x = new float[n + 7];
      for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-1, 1) + 10f; // a large mean, as activations have
      double sum = 0, mu = 0, ss = 0;
      for (int i = 7; i < n + 7; i++) sum += x[i];
      mu = sum / n;
      float muF = (float) mu;
      for (int i = 7; i < n + 7; i++) { double d = x[i] - muF; ss += d * d; }
      assertEquals(sum, VectorLoops.sum(x, 7, n), 1e-6 * Math.abs(sum) + 1e-6, "sum n=" + n + " seed=" + SEED);
      assertEquals(ss, VectorLoops.sumSquaredDeviations(x, 7, n, muF), 1e-5 * ss + 1e-6, "Σ(x−μ)² n=" + n);
    }
    float[] nan = {1f, Float.NaN, 2f};
    assertTrue(Double.isNaN(VectorLoops.sumSquaredDeviations(nan, 0, 3, 0f)), "NaN never passes");
    assertTrue(Double.isNaN(VectorLoops.sum(nan, 0, 3)), "NaN never passes");
  }

  /**
   * The blocked sum in a fixed order, bit for bit, on its first calls (interpreted) and after C2 has
   * compiled it: lane k of a block sums elements k, k+L, … in float32, the lanes then add in lane
   * order in float64. A sum whose order followed JIT state would break bit-identical resume.
   */
  @Test
  void blockedSumsFollowOneOrderWhateverTheJitState() {
    int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    SplittableRandom rnd = new SplittableRandom(SEED + 4);
    float[] x = new float[1000];
    for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-1, 1);
    for (int round = 0; round < 20_000; round++) {
      int n = 1 + (round * 37) % 999;
      double want = 0;
      for (int b0 = 0; b0 < n; b0 += VectorLoops.SUM_BLOCK) {
        int len = Math.min(VectorLoops.SUM_BLOCK, n - b0), full = len / lanes * lanes;
        float[] acc = new float[lanes];
        for (int i = 0; i < full; i++) acc[i % lanes] += x[b0 + i];
        double s = 0;
        for (float a : acc) s += a;
        for (int i = full; i < len; i++) s += x[b0 + i];
        want += s;
      }
      double got = VectorLoops.sum(x, 0, n);
      if (Double.doubleToLongBits(want) != Double.doubleToLongBits(got)) {
        throw new AssertionError("round " + round + " n=" + n + ": " + got + " != " + want + " seed=" + SEED);
      }
    }
  }

  /** {@link VectorLoops#sumRuns}'s order as scalar code: each run's whole vectors into float lanes, flushed per block. */
  private static double sumRunsModel(float[] x, int base, int stride, int runs, int len, float mu, boolean squares) {
    int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length(), block = VectorLoops.SUM_BLOCK;
    if (len >= block) {
      double total = 0;
      for (int r = 0; r < runs; r++) {
        int at = base + r * stride;
        total += squares ? VectorLoops.sumSquaredDeviations(x, at, len, mu) : VectorLoops.sum(x, at, len);
      }
      return total;
    }
    int upper = len / lanes * lanes, held = 0;
    double total = 0;
    float[] acc = new float[lanes];
    for (int r = 0; r < runs; r++) {
      int at = base + r * stride;
      for (int i = 0; i < upper; i++) {
        float d = squares ? x[at + i] - mu : x[at + i];
        acc[i % lanes] = squares ? Math.fma(d, d, acc[i % lanes]) : acc[i % lanes] + d;
      }
      for (int i = upper; i < len; i++) {
        if (squares) { double d = x[at + i] - mu; total += d * d; } else total += x[at + i];
      }
      held += upper;
      if (held >= block) {
        double lanesSum = 0;                       // the lanes in order, then into the total
        for (int k = 0; k < lanes; k++) { lanesSum += acc[k]; acc[k] = 0; }
        total += lanesSum;
        held = 0;
      }
    }
    double lanesSum = 0;
    for (float a : acc) lanesSum += a;
    return held > 0 ? total + lanesSum : total;
  }

  /**
   * The run sums of batch norm (per channel over N runs of H·W floats): close to the float64 sums, and bit for bit
   * the fixed order of {@link #sumRunsModel}, on their first calls and after C2 has compiled them, for run lengths
   * below a vector, around the block, and longer; NaN passes.
   */
  @Test
  void runSumsAreAccurateAndFollowOneOrder() {
    SplittableRandom rnd = new SplittableRandom(SEED + 5);
    float[] x = new float[40_000];
    for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-1, 3);
    int[] lens = {1, 3, 16, 49, 100, 127, 128, 196, 300};
    for (int round = 0; round < 3000; round++) {
      int len = lens[round % lens.length], runs = 1 + (round * 7) % 64, stride = len + (round % 3) * 5, base = round % 11;
      float mu = (float) (round % 5) * 0.25f;
      double plain = 0, squares = 0;
      for (int r = 0; r < runs; r++)
        for (int i = 0; i < len; i++) {
          double v = x[base + r * stride + i];
          plain += v;
          squares += (v - mu) * (v - mu);
        }
      double got = VectorLoops.sumRuns(x, base, stride, runs, len);
      double gotSq = VectorLoops.sumSquaredDeviationsRuns(x, base, stride, runs, len, mu);
      String what = "len=" + len + " runs=" + runs + " stride=" + stride + " seed=" + SEED;
      assertEquals(plain, got, 1e-6 * (Math.abs(plain) + runs * len), "Σ " + what);
      assertEquals(squares, gotSq, 1e-6 * squares + 1e-6, "Σ(x−μ)² " + what);
      assertEquals(Double.doubleToLongBits(sumRunsModel(x, base, stride, runs, len, 0f, false)), Double.doubleToLongBits(got), "order of Σ " + what);
      assertEquals(Double.doubleToLongBits(sumRunsModel(x, base, stride, runs, len, mu, true)), Double.doubleToLongBits(gotSq),
          "order of Σ(x−μ)² " + what);
    }
    float[] nan = new float[100];
    nan[60] = Float.NaN;
    assertTrue(Double.isNaN(VectorLoops.sumRuns(nan, 0, 50, 2, 49)), "NaN never passes");
    assertTrue(Double.isNaN(VectorLoops.sumSquaredDeviationsRuns(nan, 0, 50, 2, 49, 0f)), "NaN never passes");
  }

  /** Batch norm's backward sums Σ gy and Σ gy·x̂ over a channel's runs: close to float64, the same on every call. */
  @Test
  void batchNormBackwardSumsAreAccurateAndStable() {
    SplittableRandom rnd = new SplittableRandom(SEED + 6);
    float[] x = new float[30_000], gy = new float[x.length];
    for (int i = 0; i < x.length; i++) { x[i] = (float) rnd.nextDouble(-1, 3); gy[i] = (float) rnd.nextDouble(-1, 1); }
    int[] lens = {1, 5, 49, 128, 196, 300};
    double[] sums = new double[2], first = new double[2 * lens.length * 64];
    for (int round = 0; round < 2000; round++) {
      int li = round % lens.length, len = lens[li], runs = 1 + (round / lens.length) % 64, stride = len + 3;
      float mu = 0.75f, invStd = 1.3f;
      double sb = 0, sg = 0, scale = 0;
      for (int r = 0; r < runs; r++)
        for (int i = 0; i < len; i++) {
          int at = 2 + r * stride + i;
          double xh = ((double) x[at] - mu) * invStd;
          sb += gy[at];
          sg += gy[at] * xh;
          scale += Math.abs(gy[at]) * (1 + Math.abs(xh));
        }
      VectorLoops.batchNormBackwardSums(gy, x, 2, stride, runs, len, mu, invStd, sums);
      String what = "len=" + len + " runs=" + runs + " seed=" + SEED;
      assertEquals(sb, sums[0], 1e-6 * scale, "Σ gy " + what);
      assertEquals(sg, sums[1], 1e-6 * scale, "Σ gy·x̂ " + what);
      int slot = 2 * (li * 64 + runs - 1);
      if (round < lens.length * 64) {
        first[slot] = sums[0];
        first[slot + 1] = sums[1];
      } else {
        assertEquals(Double.doubleToLongBits(first[slot]), Double.doubleToLongBits(sums[0]), "Σ gy changed with JIT state, " + what);
        assertEquals(Double.doubleToLongBits(first[slot + 1]), Double.doubleToLongBits(sums[1]), "Σ gy·x̂ changed with JIT state, " + what);
      }
    }
  }
  /**
   * BatchNorm1d's row loops (x is N×C, a lane per channel) equal the scalar loops they replaced, bit for bit, for
   * every width's SIMD tail, with NaN and ±0 in the inputs, on their first calls and after C2 has compiled them.
   */
  @Test
  void batchNorm1dRowsEqualTheScalarLoops() {
    SplittableRandom rnd = new SplittableRandom(SEED + 7);
    for (int round = 0; round < 400; round++) {
      int c = SIZES[round % SIZES.length], n = 1 + round % 5, size = n * c;
      float[] x = values(rnd, size), gy = values(rnd, size), mean = values(rnd, c), invStd = values(rnd, c);
      float[] scale = values(rnd, c), shift = values(rnd, c), k = values(rnd, c), gb = values(rnd, c), gg = values(rnd, c);
      double[] mu = new double[c];
      for (int ch = 0; ch < c; ch++) mu[ch] = rnd.nextDouble(-1, 1);
      float m = n;
      double[] s = new double[c], ss = new double[c], sb = new double[c], sg = new double[c];
      double[] s1 = new double[c], ss1 = new double[c], sb1 = new double[c], sg1 = new double[c];
      float[] y = new float[size], y1 = new float[size], gx = new float[size], gx1 = new float[size];
      for (int i = 0; i < n; i++) {
        int row = i * c;
        VectorLoops.addRowWidened(x, row, s1, 0, c);
        VectorLoops.addSquaredDeviationsRow(x, row, mu, ss1, 0, c);
        VectorLoops.scaleShiftRow(x, row, scale, shift, null, 0f, y1, 0, c);
        VectorLoops.batchNorm1dSumsRow(gy, x, row, mean, invStd, sb1, sg1, 0, c);
        VectorLoops.batchNorm1dGradRow(gy, x, row, mean, invStd, k, m, gb, gg, gx1, 0, c);
        for (int ch = 0; ch < c; ch++) {
          s[ch] += x[row + ch];
          double d = x[row + ch] - mu[ch];
          ss[ch] += d * d;
          y[row + ch] = x[row + ch] * scale[ch] + shift[ch];
          float g = gy[row + ch];
          sb[ch] += g;
          sg[ch] += g * ((x[row + ch] - mean[ch]) * invStd[ch]);
          float xh = (x[row + ch] - mean[ch]) * invStd[ch];
          gx[row + ch] = k[ch] * (m * gy[row + ch] - gb[ch] - xh * gg[ch]);
        }
      }
      String what = " c=" + c + " n=" + n + " round=" + round + " seed=" + SEED;
      for (int ch = 0; ch < c; ch++) {
        assertEquals(Double.doubleToLongBits(s[ch]), Double.doubleToLongBits(s1[ch]), "Σx" + what);
        assertEquals(Double.doubleToLongBits(ss[ch]), Double.doubleToLongBits(ss1[ch]), "Σ(x−μ)²" + what);
        assertEquals(Double.doubleToLongBits(sb[ch]), Double.doubleToLongBits(sb1[ch]), "Σgy" + what);
        assertEquals(Double.doubleToLongBits(sg[ch]), Double.doubleToLongBits(sg1[ch]), "Σgy·x̂" + what);
      }
      for (int e = 0; e < size; e++) {
        assertBits(y[e], y1[e], "y" + what);
        assertBits(gx[e], gx1[e], "gx" + what);
      }
    }
  }
  /** CpuKernels.channelSum (a conv bias's gradient): each channel's float64 sum over n runs of hw, to float32 rounding. */
  @Test
  void channelSumsMatchFloat64() {
    SplittableRandom rnd = new SplittableRandom(SEED + 8);
    for (int[] sh : new int[][] {{64, 64, 196}, {64, 128, 49}, {3, 5, 1}, {2, 3, 130}, {1, 1, 7}}) {
      int n = sh[0], c = sh[1], hw = sh[2];
      float[] x = new float[n * c * hw], out = new float[c];
      for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-1, 1);
      CpuKernels.channelSum(n, c, hw, x, out);
      for (int ch = 0; ch < c; ch++) {
        double want = 0, mag = 0;
        for (int i = 0; i < n; i++)
          for (int j = 0; j < hw; j++) { want += x[(i * c + ch) * hw + j]; mag += Math.abs(x[(i * c + ch) * hw + j]); }
        assertEquals(want, out[ch], 1e-6 * mag + Math.ulp((float) want), "channel " + ch + " of " + java.util.Arrays.toString(sh));
      }
    }
  }

  /**
   * channelSum reads image by image (ChannelRunSums) but must give, bit for bit, the double that sumRuns gives walking
   * each channel's runs: run lengths below, at and above SUM_BLOCK, not multiples of the vector length, one channel.
   */
  @Test
  void channelSumInMemoryOrderIsSumRunsBitForBit() {
    SplittableRandom rnd = new SplittableRandom(SEED + 9);
    for (int[] sh : new int[][] {{64, 64, 196}, {128, 128, 49}, {7, 3, 5}, {5, 2, 128}, {3, 4, 130}, {9, 1, 17},
        {200, 2, 1}}) {
      int n = sh[0], c = sh[1], hw = sh[2];
      float[] x = new float[n * c * hw], out = new float[c];
      for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-1, 1);
      CpuKernels.channelSum(n, c, hw, x, out);
      for (int ch = 0; ch < c; ch++) {
        float want = (float) VectorLoops.sumRuns(x, ch * hw, c * hw, n, hw);
        assertBits(want, out[ch], "channel " + ch + " of " + java.util.Arrays.toString(sh));
      }
    }
  }

  /** The fused activation backward with a channel sum: the same floats as unaryBackward then channelSum. */
  @Test
  void activationBackwardWithChannelSumIsTheTwoOps() {
    SplittableRandom rnd = new SplittableRandom(SEED + 10);
    for (UnaryOp act : new UnaryOp[] {UnaryOp.RELU, UnaryOp.LEAKY_RELU}) {
      for (int[] sh : new int[][] {{64, 64, 196}, {16, 128, 49}, {7, 3, 5}, {3, 4, 130}, {200, 2, 1}}) {
        int n = sh[0], c = sh[1], hw = sh[2], size = n * c * hw;
        float[] y = new float[size], gy = new float[size];
        for (int i = 0; i < size; i++) {
          double v = rnd.nextDouble(-1, 1);
          y[i] = i % 17 == 0 ? 0f : (float) (act == UnaryOp.RELU ? Math.max(0, v) : v);   // exact zeros too
          gy[i] = (float) rnd.nextDouble(-1, 1);
        }
        float[] gz = new float[size], sums = new float[c], gz1 = new float[size], sums1 = new float[c];
        java.util.Arrays.fill(gz, Float.NaN);
        CpuKernels.activationBackwardChannelSum(act, 0.2f, n, c, hw, y, gy, gz, sums);
        CpuKernels.unaryBackward(act, 0.2f, y, y, gy, gz1, size);
        CpuKernels.channelSum(n, c, hw, gz1, sums1);
        String what = act + " " + java.util.Arrays.toString(sh);
        for (int i = 0; i < size; i++) assertBits(gz1[i], gz[i], "gz " + what);
        for (int ch = 0; ch < c; ch++) assertBits(sums1[ch], sums[ch], "sum " + what);
      }
    }
  }

  /**
   * Batch norm over planes of SUM_BLOCK floats or more runs image by image: the same floats, bit for bit, as the
   * channel-by-channel loops (sumRuns, sumSquaredDeviationsRuns and batchNormBackwardSums over each channel's planes).
   */
  @Test
  void batchNormByImageIsTheChannelLoopsBitForBit() {
    SplittableRandom rnd = new SplittableRandom(SEED + 12);
    for (int[] sh : new int[][] {{64, 64, 196}, {3, 5, 128}, {2, 3, 300}, {9, 1, 130}}) {
      int n = sh[0], c = sh[1], hw = sh[2], size = n * c * hw, stride = c * hw;
      long m = (long) n * hw;
      float[] x = new float[size], gy = new float[size], gamma = new float[c], beta = new float[c];
      for (int i = 0; i < size; i++) {
        x[i] = (float) rnd.nextDouble(-2, 3);
        gy[i] = (float) rnd.nextDouble(-1, 1);
      }
      for (int ch = 0; ch < c; ch++) {
        gamma[ch] = (float) rnd.nextDouble(0.5, 1.5);
        beta[ch] = (float) rnd.nextDouble(-1, 1);
      }
      float[] y = new float[size], mean = new float[c], invStd = new float[c], var = new float[c];
      CpuKernels.batchNormForward(n, c, hw, 1e-5f, x, gamma, beta, UnaryOp.LEAKY_RELU, 0.2f, y, mean, invStd, var);
      float[] gx = new float[size], gGamma = new float[c], gBeta = new float[c];
      CpuKernels.batchNormBackward(n, c, hw, x, gy, gamma, mean, invStd, gx, gGamma, gBeta);
      String what = " " + java.util.Arrays.toString(sh);
      double[] sums = new double[2];
      for (int ch = 0; ch < c; ch++) {
        double mu = VectorLoops.sumRuns(x, ch * hw, stride, n, hw) / m;
        double ss = VectorLoops.sumSquaredDeviationsRuns(x, ch * hw, stride, n, hw, (float) mu);
        float is = (float) (1.0 / Math.sqrt(ss / m + 1e-5f));
        assertBits((float) mu, mean[ch], "mean" + what);
        assertBits(is, invStd[ch], "invStd" + what);
        assertBits((float) (ss / (m - 1)), var[ch], "var" + what);
        float scale = is * gamma[ch], shift = beta[ch] - (float) mu * scale;
        VectorLoops.batchNormBackwardSums(gy, x, ch * hw, stride, n, hw, mean[ch], is, sums);
        assertBits((float) sums[0], gBeta[ch], "gBeta" + what);
        assertBits((float) sums[1], gGamma[ch], "gGamma" + what);
        float k = gamma[ch] * is / m, fb = (float) sums[0], fg = (float) sums[1];
        for (int i = 0; i < n; i++)
          for (int j = 0; j < hw; j++) {
            int e = (i * c + ch) * hw + j;
            float v = x[e] * scale + shift;
            assertBits(v > 0f ? v : 0.2f * v, y[e], "y" + what);
            float xh = (x[e] - mean[ch]) * is;
            assertBits(k * (m * gy[e] - fb - xh * fg), gx[e], "gx" + what);
          }
      }
    }
  }
}
