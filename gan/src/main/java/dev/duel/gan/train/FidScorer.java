package dev.duel.gan.train;

/**
 * Scores generated images by FID against a fixed reference set, for {@code --fid-every}. The trainer
 * does not know the metrics package (it imports train, not the other way); the caller adapts one, e.g.
 * <pre>{@code
 * Evaluator ev = Evaluator.standard(trainer.backend(), dataFolder, 10_000, 0);   // reference features once
 * trainer.scoreFidWith((images, n) -> ev.fid(new ImageSet(images, n, "training samples")));
 * }</pre>
 */
@FunctionalInterface
public interface FidScorer {
  /** FID of n images ({@code images}: n×1×28×28 floats in [−1, 1], row-major) against the reference. */
  double fid(float[] images, int n);
}
