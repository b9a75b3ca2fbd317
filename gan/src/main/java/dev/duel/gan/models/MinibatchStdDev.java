package dev.duel.gan.models;

import dev.duel.engine.Tensor;
import dev.duel.nn.Module;
import java.util.Arrays;

/**
 * Minibatch standard deviation (Karras et al. 2018, ProGAN, section 3): a layer of D that appends one
 * feature telling D how varied the batch is, so a collapsed G is easy to spot. The batch of N is split
 * into M = N/G groups of G samples, as ProGAN's reshape to G×M×…: sample i = g·M + m is member g of
 * group m (G = N by default: the whole batch is one group). For each group m and each feature k (a
 * channel and pixel of N×C×H×W, or a column of N×F):
 * <pre>
 *   μ_k = (1/G)·Σ_g x_{g,m,k}
 *   s_k = sqrt((1/G)·Σ_g (x_{g,m,k} − μ_k)² + 1e-8)      (the population std over the group)
 *   s   = mean_k s_k                                     (one scalar per group)
 * </pre>
 * s is replicated to a constant H×W map (or a single column) and concatenated after the input's
 * channels: N×C×H×W → N×(C+1)×H×W, N×F → N×(F+1). Built from engine ops, so gradients flow into x
 * (and second derivatives, for gradient penalties). No parameters.
 */
public final class MinibatchStdDev extends Module {
  static final float EPS = 1e-8f;
  private final int groupSize;

  /** groupSize G ≥ 1, or 0 for the whole batch; a batch of N uses min(G, N), which must divide N. */
  public MinibatchStdDev(int groupSize) {
    if (groupSize < 0) {
      throw new IllegalArgumentException("MinibatchStdDev: group size must be >= 1, or 0 for the whole batch, got "
          + groupSize);
    }
    this.groupSize = groupSize;
  }

  /** The whole batch as one group. */
  public MinibatchStdDev() {
    this(0);
  }

  /** The channel / feature count after this layer: one more. */
  public static int outputSize(int inputSize) {
    return inputSize + 1;
  }

  @Override
  public Tensor forward(Tensor x) {
    int[] shape = x.shape();
    if ((shape.length != 2 && shape.length != 4) || shape[0] == 0) {
      throw new IllegalArgumentException("MinibatchStdDev: input must be a non-empty N×F or N×C×H×W batch, got "
          + Arrays.toString(shape));
    }
    int n = shape[0];
    int g = groupSize == 0 ? n : Math.min(groupSize, n);
    if (n % g != 0) {
      throw new IllegalArgumentException("MinibatchStdDev: batch size " + n + " is not a multiple of the group size "
          + g + "; use a batch size divisible by " + g + " or group size 0 (whole batch)");
    }
    int m = n / g;
    int features = (int) (x.numel() / n);
    Tensor grouped = x.reshape(g, m, features);                           // G×M×K
    Tensor centred = grouped.sub(grouped.mean(true, 0));                  // x − μ
    Tensor std = centred.square().mean(true, 0).add(EPS).sqrt();          // 1×M×K
    Tensor s = std.mean(true, 2);                                         // 1×M×1
    Tensor perSample = s.expand(g, m, 1).reshape(n, 1);                   // N×1: sample i gets group i mod M
    if (shape.length == 2) return Tensor.concat(1, x, perSample);
    Tensor map = perSample.reshape(n, 1, 1, 1).expand(n, 1, shape[2], shape[3]);
    return Tensor.concat(1, x, map);
  }

  @Override
  public String describe() {
    return "MinibatchStdDev(group_size=" + (groupSize == 0 ? "batch" : Integer.toString(groupSize)) + ")";
  }
}
