package dev.duel.gan.loss;

import dev.duel.engine.GradMode;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.DiscriminatorNet;
import java.util.Arrays;

/**
 * Feature matching (Salimans et al. 2016, section 3.1): G matches the mean of D's intermediate
 * features on real data instead of maximising D's output. With f = D.features(·) (the activations
 * that feed D's last layer, N×F or N×…), x real, G(z) fake and E the batch mean:
 * <pre>
 *   L_G = ‖E f(x) − E f(G(z))‖₂² = Σ_k (E f(x)_k − E f(G(z))_k)²
 *   ∂L_G/∂f(G(z_i)) = −(2/N)·(E f(x) − E f(G(z)))
 * </pre>
 * E f(x) is a constant target (computed without a graph). It replaces {@link GanLoss#generatorLoss};
 * D keeps training with its usual L_D.
 */
public final class FeatureMatching {
  public static final String NAME = "feature-matching";

  /**
   * L_G for real and fake batches of images; labels (one per sample, the same array for both batches) for a
   * conditional D, else null, in which case the two batch sizes may differ.
   */
  public Tensor generatorLoss(DiscriminatorNet d, Tensor real, Tensor fake, int[] labels) {
    InputGradient.requireBatch(NAME, "real batch", real);
    InputGradient.requireBatch(NAME, "fake batch", fake);
    Tensor target;
    try (GradMode off = GradMode.disabled()) {
      target = d.features(real, labels).mean(false, 0);      // E f(x): F…
    }
    Tensor fakeMean = d.features(fake, labels).mean(false, 0); // E f(G(z)): F…
    if (!Arrays.equals(target.shape(), fakeMean.shape())) {
      throw new IllegalArgumentException(NAME + ": D's features of real " + Arrays.toString(target.shape())
          + " and fake " + Arrays.toString(fakeMean.shape())
          + " samples differ; give real and fake images the same shape");
    }
    return target.sub(fakeMean).square().sum();
  }
}
