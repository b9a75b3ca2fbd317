package dev.duel.engine.cuda;

import java.util.Arrays;

/**
 * An index space with two stride lists (the operands of a strided copy or a broadcasting binary op),
 * simplified before it becomes a {@code duel_strided_t}: dims of size 1 are dropped and neighbours
 * d, d+1 are merged when both operands step through them as one (stride_d = stride_{d+1}·shape_{d+1}),
 * so a contiguous view becomes rank 1 and most broadcasts rank 2. Pure Java, no CUDA.
 *
 * @param shape   the dims, outermost first
 * @param stride0 element strides of the first operand
 * @param stride1 element strides of the second operand
 */
record StridedLayout(long[] shape, long[] stride0, long[] stride1) {

  /** Row-major strides of {@code shape} (the contiguous layout). */
  static long[] contiguousStrides(int[] shape) {
    long[] s = new long[shape.length];
    long step = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      s[d] = step;
      step *= shape[d];
    }
    return s;
  }

  static long count(int[] shape) {
    long n = 1;
    for (int d : shape) n *= d;
    return n;
  }

  /** The simplified layout of (shape, s0, s1); an empty shape means one element. */
  static StridedLayout of(int[] shape, long[] s0, long[] s1) {
    if (s0.length != shape.length || s1.length != shape.length) {
      throw new IllegalArgumentException("strided op: shape " + Arrays.toString(shape) + " with strides "
          + Arrays.toString(s0) + " and " + Arrays.toString(s1) + ": give one stride per dim");
    }
    long[] sh = new long[shape.length], a = new long[shape.length], b = new long[shape.length];
    int r = 0;
    for (int d = 0; d < shape.length; d++) {
      if (shape[d] == 1) continue;
      if (r > 0 && a[r - 1] == s0[d] * shape[d] && b[r - 1] == s1[d] * shape[d]) {
        sh[r - 1] *= shape[d];   // merge into the previous (outer) dim: it now steps by this dim's strides
        a[r - 1] = s0[d];
        b[r - 1] = s1[d];
        continue;
      }
      sh[r] = shape[d];
      a[r] = s0[d];
      b[r] = s1[d];
      r++;
    }
    return new StridedLayout(Arrays.copyOf(sh, r), Arrays.copyOf(a, r), Arrays.copyOf(b, r));
  }

  int rank() {
    return shape.length;
  }

  long count() {
    long n = 1;
    for (long d : shape) n *= d;
    return n;
  }

  /**
   * The elements operand {@code which} (0 or 1) touches, relative to its start: {lowest, highest} offset
   * (strides may be 0 or negative). For an empty space, {0, −1}.
   */
  long[] extent(int which) {
    long[] st = which == 0 ? stride0 : stride1;
    long lo = 0, hi = 0;
    for (int d = 0; d < rank(); d++) {
      if (shape[d] == 0) return new long[] {0, -1};
      long span = (shape[d] - 1) * st[d];
      if (span > 0) hi += span;
      else lo += span;
    }
    return new long[] {lo, hi};
  }

  /** Both operands walk the space as one contiguous run (rank ≤ 1 with unit strides). */
  boolean bothContiguous() {
    return rank() == 0 || (rank() == 1 && stride0[0] == 1 && stride1[0] == 1);
  }

  /** The dims from {@code from} on, as the bytes of a duel_strided_t (rank − from ≤ 8). */
  byte[] encode(int from) {
    int r = rank() - from;
    java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(200).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    bb.putInt(0, r);
    for (int d = 0; d < 8; d++) {
      bb.putLong(8 + 8 * d, d < r ? shape[from + d] : 1);
      bb.putLong(72 + 8 * d, d < r ? stride0[from + d] : 0);
      bb.putLong(136 + 8 * d, d < r ? stride1[from + d] : 0);
    }
    return bb.array();
  }
}
