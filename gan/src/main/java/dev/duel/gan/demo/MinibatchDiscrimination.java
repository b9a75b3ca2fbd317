package dev.duel.gan.demo;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.nn.Module;

/**
 * Minibatch discrimination (Salimans et al. 2016, §3.2): lets D compare each sample with the rest of
 * its batch, so a generator that puts the whole batch on one mode is easy to spot.
 * <pre>
 *   f: N×A features,  T: A×(B·C) learned,  M = f·T reshaped N×B×C
 *   c_b(i, j) = exp(−‖M[i,b,:] − M[j,b,:]‖₁)
 *   o[i, b]   = Σ_{j ≠ i} c_b(i, j)                     N×B, in [0, N − 1]
 *   out       = concat(f, o) along the features        N×(A + B)
 * </pre>
 * o counts, softly, the other samples of the batch that look like sample i: about N/8 on a batch from
 * the 8-mode ring, N − 1 on a collapsed batch. The scale grows with N; Salimans et al. used batches of
 * 100, the ring demo 64 (with 256, a collapsed batch gives o = 255 and D's logits explode before D
 * learns what o means). The pairwise tensor is N×N×B×C elements.
 * (Kept here for the demo; the shared implementation lives in gan.loss once merged.)
 */
final class MinibatchDiscrimination extends Module {
  private final int in, kernels, kernelDim;

  MinibatchDiscrimination(Backend b, Generator rng, int in, int kernels, int kernelDim) {
    this.in = in;
    this.kernels = kernels;
    this.kernelDim = kernelDim;
    // Salimans et al.'s code draws T ~ N(0, 0.05²).
    registerParameter("T", rng.normal(b, 0f, 0.05f, in, kernels * kernelDim));
  }

  int outFeatures() {
    return in + kernels;
  }

  @Override
  public Tensor forward(Tensor f) {
    int n = f.size(0);
    Tensor m = f.matmul(param("T")).reshape(n, kernels, kernelDim);                        // N×B×C
    Tensor l1 = m.reshape(n, 1, kernels, kernelDim).sub(m.reshape(1, n, kernels, kernelDim)) // N×N×B×C
        .abs().sum(false, 3);                                                                 // N×N×B
    Tensor o = l1.neg().exp().sum(false, 1).sub(1f);                                         // N×B, without c_b(i, i) = 1
    return Tensor.concat(1, f, o);
  }

  @Override
  public String describe() {
    return "MinibatchDiscrimination(" + in + ", kernels=" + kernels + ", dim=" + kernelDim + ")";
  }
}
