package dev.duel.gan.models;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.nn.Module;
import java.util.Arrays;

/**
 * Minibatch discrimination (Salimans et al. 2016, section 3.2): a layer of D that lets each sample see
 * how close the other samples of the batch are to it. With f_i ∈ ℝ^A the features of sample i (N×A in)
 * and the learned tensor T ∈ ℝ^{A×B×C}:
 * <pre>
 *   M_i = f_i·T                                   ∈ ℝ^{B×C}  (the A×(B·C) product, reshaped)
 *   c_b(x_i, x_j) = exp(−‖M_{i,b} − M_{j,b}‖_L1)   ∈ (0, 1]
 *   o(x_i)_b = Σ_j c_b(x_i, x_j)                  (j = 1..N, j = i included: it adds 1)
 *   out_i = [f_i, o(x_i)]                         N×(A+B)
 * </pre>
 * A collapsed batch (all f_i equal) gives o = N in every kernel b; a varied one gives values near 1.
 * Built from engine ops (matmul, broadcast subtract, abs, sum, exp), so gradients flow into f and T.
 * T is the parameter "T", initialised N(0, 0.05²) as in the paper's code. Memory: an N×N×B×C
 * intermediate. Place it after D's Flatten, before the last Linear (which then takes A + B inputs).
 */
public final class MinibatchDiscrimination extends Module {
  public static final float INIT_STD = 0.05f;
  private final int in, kernels, kernelDim;

  /** A = inFeatures, B = kernels, C = kernelDim (the paper uses B = 100, C = 5). */
  public MinibatchDiscrimination(Backend b, Generator rng, int inFeatures, int kernels, int kernelDim) {
    if (inFeatures < 1 || kernels < 1 || kernelDim < 1) {
      throw new IllegalArgumentException("MinibatchDiscrimination: sizes A, B, C must be >= 1, got " + inFeatures + ", "
          + kernels + ", " + kernelDim);
    }
    this.in = inFeatures;
    this.kernels = kernels;
    this.kernelDim = kernelDim;
    registerParameter("T", rng.normal(b, 0f, INIT_STD, inFeatures, kernels, kernelDim));
  }

  /** A + B, the width of the output. */
  public int outputSize() {
    return in + kernels;
  }

  /** The parameter T, A×B×C. */
  public Tensor tensorT() {
    return param("T");
  }

  @Override
  public Tensor forward(Tensor f) {
    if (f.dim() != 2 || f.size(1) != in || f.size(0) == 0) {
      throw new IllegalArgumentException(describe() + ": input of shape " + Arrays.toString(f.shape())
          + " (want a non-empty N×" + in + "; put the layer after Flatten)");
    }
    int n = f.size(0);
    Tensor m = f.matmul(param("T").reshape(in, kernels * kernelDim));          // N×(B·C)
    Tensor mi = m.reshape(n, 1, kernels, kernelDim);                            // N×1×B×C
    Tensor mj = m.reshape(1, n, kernels, kernelDim);                            // 1×N×B×C
    Tensor l1 = mi.sub(mj).abs().sum(false, 3);                                 // N×N×B: ‖M_{i,b} − M_{j,b}‖_L1
    Tensor o = l1.neg().exp().sum(false, 1);                                    // N×B: Σ_j c_b(x_i, x_j)
    return Tensor.concat(1, f, o);
  }

  @Override
  public String describe() {
    return "MinibatchDiscrimination(" + in + ", kernels=" + kernels + ", kernel_dim=" + kernelDim + ")";
  }
}
