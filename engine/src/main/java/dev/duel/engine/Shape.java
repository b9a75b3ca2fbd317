package dev.duel.engine;

import java.util.Arrays;

/** Static helpers for shapes (int[] dims, outermost first) and element strides (long[]). */
public final class Shape {
  private Shape() {}

  public static long numel(int[] shape) {
    long n = 1;
    for (int d : shape) n *= d;
    return n;
  }

  /** Row-major strides: the last dim has stride 1. */
  public static long[] contiguousStrides(int[] shape) {
    long[] s = new long[shape.length];
    long acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  public static boolean isContiguous(int[] shape, long[] strides) {
    long acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      if (shape[i] != 1 && strides[i] != acc) return false;
      acc *= shape[i];
    }
    return true;
  }

  /** NumPy broadcasting: align trailing dims; each pair equal or one of them 1. */
  public static int[] broadcast(String op, int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
      int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
            + " cannot broadcast (dimension " + i + " of the result: " + da + " vs " + db + ")");
      }
      out[i] = Math.max(da, db);
    }
    return out;
  }

  /** Strides that read a tensor (shape, strides) as if it had the larger shape {@code to}: 0 where broadcast. */
  public static long[] broadcastStrides(int[] shape, long[] strides, int[] to) {
    long[] out = new long[to.length];
    int lead = to.length - shape.length;
    for (int i = 0; i < to.length; i++) {
      if (i < lead) continue;
      int d = shape[i - lead];
      out[i] = d == 1 && to[i] != 1 ? 0 : strides[i - lead];
    }
    return out;
  }

  /** Axis in [0, rank): negative axes count from the end, as in PyTorch. */
  public static int axis(String op, int axis, int rank) {
    int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw new IllegalArgumentException(op + ": axis " + axis + " out of range for a tensor of rank " + rank);
    }
    return a;
  }

  public static String str(int[] shape) {
    return Arrays.toString(shape);
  }
}
