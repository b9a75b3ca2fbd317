package dev.duel.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.duel.engine.BinaryOp;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link CpuKernels#binary} on broadcast and strided walks (merged dims, bias shapes, size-1 dims,
 * transposed operands) against a naive odometer over the full index space.
 */
class CpuKernelsBinaryTest {
  private static final long SEED = System.nanoTime();

  @Test
  void everyBroadcastWalkMatchesTheNaiveLoop() {
    SplittableRandom rnd = new SplittableRandom(SEED);
    int[] sizes = {1, 2, 3, 5, 14, 17};
    for (int trial = 0; trial < 500; trial++) {
      int rank = 1 + rnd.nextInt(4);
      int[] shape = new int[rank];
      for (int d = 0; d < rank; d++) shape[d] = sizes[rnd.nextInt(sizes.length)];
      long[] aStr = strides(rnd, shape, false), bStr = strides(rnd, shape, true);
      float[] a = values(rnd, span(shape, aStr)), b = values(rnd, span(shape, bStr));
      int n = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
      float[] got = new float[n];
      BinaryOp op = rnd.nextBoolean() ? BinaryOp.ADD : BinaryOp.MUL;
      CpuKernels.binary(op, shape, a, 0, aStr, b, 0, bStr, got);
      int[] idx = new int[rank];
      for (int i = 0; i < n; i++) {
        long ai = 0, bi = 0;
        for (int d = 0; d < rank; d++) { ai += idx[d] * aStr[d]; bi += idx[d] * bStr[d]; }
        float want = CpuReference.binary(op, a[(int) ai], b[(int) bi]);
        assertEquals(want, got[i], 0f, op + " shape " + Arrays.toString(shape) + " a " + Arrays.toString(aStr)
            + " b " + Arrays.toString(bStr) + " at " + Arrays.toString(idx) + " seed " + SEED);
        for (int d = rank - 1; d >= 0 && ++idx[d] == shape[d]; d--) idx[d] = 0;
      }
    }
  }

  @Test
  void aBiasOverNchwMergesItsSpatialDims() {
    CpuKernels.Merged m = CpuKernels.Merged.of(new int[] {64, 64, 14, 14},
        new long[] {12544, 196, 14, 1}, new long[] {0, 1, 0, 0});
    assertEquals("[64, 64, 196]", Arrays.toString(m.shape()));
    assertEquals("[12544, 196, 1]", Arrays.toString(m.aStr()));
    assertEquals("[0, 1, 0]", Arrays.toString(m.bStr()));
    assertNull(CpuKernels.Merged.of(new int[] {3, 4}, new long[] {1, 3}, new long[] {4, 1}), "a transposed walk does not merge");
  }

  /** Contiguous strides, or (sometimes) a transposed layout; for b, broadcast dims get stride 0. */
  private static long[] strides(SplittableRandom rnd, int[] shape, boolean broadcast) {
    int rank = shape.length;
    long[] s = new long[rank];
    boolean transposed = rank >= 2 && rnd.nextInt(4) == 0;
    long step = 1;
    for (int k = 0; k < rank; k++) {
      int d = transposed ? k : rank - 1 - k;       // transposed: the first dim varies fastest
      s[d] = step;
      step *= shape[d];
    }
    if (broadcast) for (int d = 0; d < rank; d++) if (rnd.nextInt(3) == 0) s[d] = 0;
    return s;
  }

  private static int span(int[] shape, long[] str) {
    long last = 0;
    for (int d = 0; d < shape.length; d++) last += (shape[d] - 1) * str[d];
    return (int) last + 1;
  }

  private static float[] values(SplittableRandom rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) rnd.nextDouble(-2, 2);
    return v;
  }
}
