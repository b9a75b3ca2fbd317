package dev.duel.gan.loss;

import dev.duel.engine.Tensor;
import java.util.Arrays;

/**
 * Checks on D's outputs before a loss reads them: present and non-empty. Any shape is accepted (N×1, or
 * N×1×H×W for a PatchGAN); the losses average over all elements.
 */
final class Scores {
  private Scores() {}

  static Tensor require(String loss, String what, Tensor d) {
    if (d == null) {
      throw new IllegalArgumentException(loss + ": " + what + " is null; pass D's raw outputs (logits), N×1");
    }
    if (d.numel() == 0) {
      throw new IllegalArgumentException(loss + ": " + what + " is empty (shape " + Arrays.toString(d.shape())
          + "); the batch must hold at least one sample");
    }
    return d;
  }

  static void requireTarget(String loss, float realTarget) {
    if (!(realTarget > 0f && realTarget <= 1f)) {
      throw new IllegalArgumentException(loss + ": real target " + realTarget + " is outside (0, 1]; use 1, or 0.9 for "
          + "one-sided label smoothing");
    }
  }
}
