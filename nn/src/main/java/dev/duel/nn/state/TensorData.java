package dev.duel.nn.state;

import java.util.Arrays;

/**
 * A named tensor's contents as it sits in a state file: a row-major (C-order) float32 array and its shape.
 * A scalar has shape {@code []} and one element. Equality compares shape and data by value bits (all NaNs equal).
 *
 * @param shape each dimension ≥ 0; the product equals {@code data.length}
 * @param data  the elements in row-major order (not copied)
 */
public record TensorData(int[] shape, float[] data) {
  public TensorData {
    if (shape == null || data == null) throw new IllegalArgumentException("TensorData needs a shape and data (got null)");
    long n = numel(shape);
    if (n != data.length)
      throw new IllegalArgumentException("TensorData shape " + Arrays.toString(shape) + " holds " + n
          + " elements but data has " + data.length);
  }

  /** Product of the dimensions; refuses negative dimensions and counts beyond 2^31 − 1. */
  public static long numel(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      n *= d;
      if (n > Integer.MAX_VALUE)
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TensorData t)) return false;
    return Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data); // compares floatToIntBits: -0 != 0, NaN == NaN
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "TensorData" + Arrays.toString(shape);
  }
}
