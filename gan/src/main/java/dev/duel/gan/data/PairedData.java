package dev.duel.gan.data;

/**
 * A set of (input, target) image pairs for image-to-image training (pix2pix): the pairs a task builds
 * from plain images ({@link TaskPairs}: edges, inpainting, super-resolution, denoising) or a folder of
 * paired PNGs. Every input is inputChannels()×H×W and every target targetChannels()×H×W, row-major,
 * in [−1, 1].
 *
 * <p>Randomness (an inpainting hole, denoising noise) is a function of {@code draw} and the sample's
 * index alone, so a batch is the same whatever batch it sits in and whatever came before it: the
 * trainer passes a draw derived from the run's seed and the step (so a resumed run rebuilds the same
 * batches), an evaluation a fixed one (so every evaluation sees the same test pairs). Sets without
 * randomness ignore it.
 */
public interface PairedData {
  /** Number of pairs. */
  int size();

  int inputChannels();

  int targetChannels();

  int height();

  int width();

  /** What the set is, for headers and errors ("Fashion-MNIST train, edges (threshold 0.5)"). */
  String describe();

  /**
   * Writes pairs {@code indices[0, count)} into {@code inputs} (count×inputChannels×H×W) and
   * {@code targets} (count×targetChannels×H×W); the arrays may be longer than needed.
   */
  void gather(int[] indices, int count, long draw, float[] inputs, float[] targets);
}
