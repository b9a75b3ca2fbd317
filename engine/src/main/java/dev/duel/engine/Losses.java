package dev.duel.engine;

/**
 * Loss functions, each the mean over elements (PyTorch's reduction='mean'). x are predictions (logits
 * where named), t targets. The formulas, in docs/math.md's symbols:
 * <ul>
 *   <li>bce_with_logits: ℓ = max(x, 0) − x·t + log(1 + e^−|x|) = −t·log σ(x) − (1 − t)·log(1 − σ(x));</li>
 *   <li>mse: (x − t)²; l1: |x − t|; hinge: max(0, 1 − t·x) with t ∈ {−1, +1};</li>
 *   <li>cross_entropy: −log softmax(x)[y] = logΣexp(x) − x[y].</li>
 * </ul>
 */
public final class Losses {
  private Losses() {}

  public static Tensor bceWithLogits(Tensor logits, Tensor target) {
    return ElementwiseOps.binary(BinaryOp.BCE_WITH_LOGITS, logits, target).mean();
  }

  /** bce_with_logits against a constant target (1 for "real", 0 for "fake", 0.9 for smoothed labels). */
  public static Tensor bceWithLogits(Tensor logits, float target) {
    // Not closed here: the graph saves the target for backward (∂ℓ/∂x = σ(x) − t). The enclosing
    // MemoryScope (or, on the CPU, the GC) frees it with the step's other intermediates.
    return bceWithLogits(logits, Tensor.full(logits.backend, target, logits.shape));
  }

  public static Tensor mse(Tensor x, Tensor target) {
    return x.sub(target).square().mean();
  }

  public static Tensor l1(Tensor x, Tensor target) {
    return x.sub(target).abs().mean();
  }

  /** mean(max(0, 1 − t·x)), t ∈ {−1, +1}. */
  public static Tensor hinge(Tensor x, Tensor target) {
    return x.mul(target).rsub(1f).relu().mean();
  }

  /** log softmax along the last axis of a N×K tensor: x − m − log Σ exp(x − m), m = max (not differentiated). */
  public static Tensor logSoftmax(Tensor x) {
    Tensor m = x.max(-1, true).detach();
    Tensor shifted = x.sub(m);
    return shifted.sub(shifted.exp().sum(true, -1).log());
  }

  /** mean over rows of −log softmax(logits)[labels[i]]; logits N×K. */
  public static Tensor crossEntropy(Tensor logits, int[] labels) {
    if (logits.dim() != 2 || logits.shape[0] != labels.length) {
      throw new IllegalArgumentException("cross_entropy: logits " + Shape.str(logits.shape) + " and "
          + labels.length + " labels do not fit (want N×K and N labels)");
    }
    int n = logits.shape[0], k = logits.shape[1];
    float[] oneHot = new float[n * k];
    for (int i = 0; i < n; i++) {
      if (labels[i] < 0 || labels[i] >= k) {
        throw new IllegalArgumentException("cross_entropy: label " + labels[i] + " at row " + i + " out of range [0, " + k + ")");
      }
      oneHot[i * k + labels[i]] = 1f;
    }
    Tensor y = Tensor.of(logits.backend, oneHot, n, k);
    return logSoftmax(logits).mul(y).sum().mul(-1f / n);
  }
}
