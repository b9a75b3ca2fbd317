package dev.duel.nn;

import dev.duel.engine.Sampling;

/** The stateless layers by their PyTorch names. */
public final class Layers {
  private Layers() {}

  public static Module relu() { return Activation.relu(); }

  public static Module leakyRelu(float slope) { return Activation.leakyRelu(slope); }

  public static Module tanh() { return new Lambda("Tanh()", x -> x.tanh()); }

  public static Module sigmoid() { return new Lambda("Sigmoid()", x -> x.sigmoid()); }

  /** (N, ...) to (N, Π ...). */
  public static Module flatten() { return new Lambda("Flatten()", x -> x.flatten()); }

  /** (N, ...) to (N, dims...). */
  public static Module reshape(int... dims) {
    return new Lambda("Reshape" + java.util.Arrays.toString(dims), x -> {
      int[] shape = new int[dims.length + 1];
      shape[0] = x.size(0);
      System.arraycopy(dims, 0, shape, 1, dims.length);
      return x.reshape(shape);
    });
  }

  public static Module upsampleNearest(int factor) {
    return new Lambda("Upsample(scale_factor=" + factor + ", mode='nearest')", x -> Sampling.upsampleNearest(x, factor));
  }
}
