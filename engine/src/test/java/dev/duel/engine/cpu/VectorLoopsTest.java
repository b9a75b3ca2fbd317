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
}
