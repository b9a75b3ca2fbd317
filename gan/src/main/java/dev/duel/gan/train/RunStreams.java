package dev.duel.gan.train;

import dev.duel.gan.data.SplitMix64;

/**
 * The run's random streams, all derived from its one seed so that nothing random escapes the checkpoint:
 * <ul>
 *   <li>init: Philox key = seed — model weights (and spectral-norm vectors) at construction;
 *   <li>train: Philox key = mix(seed ⊕ TRAIN) — every draw of a training step (z, instance noise,
 *       the penalties' interpolation ε, dropout masks); its counter offset is saved in each checkpoint;
 *       rank r &gt; 0 of a data-parallel run draws from mix(mix(seed ⊕ TRAIN) ⊕ r·RANK) instead, with the
 *       same offset as rank 0 (every rank draws the same amount);
 *   <li>fixed: Philox key = mix(seed ⊕ FIXED) — the fixed noise of the sample grids, drawn once;
 *   <li>data: the Shuffler's SplitMix64 stream keyed by the seed; its cursor is saved in each checkpoint;
 *   <li>eval: Philox key = mix(seed ⊕ EVAL) — the noise of the samples that --fid-every scores, drawn
 *       afresh from offset 0 at every evaluation (so every evaluation sees the same z, and nothing of it
 *       needs saving); no training draw ever comes from it, so evaluating never moves the other streams.
 *   <li>task: the key of an image-to-image task's per-batch draw (inpainting holes, denoising noise):
 *       mix(task(seed) ⊕ mix(epoch·2³² + position)) from the data cursor after the batch, so it needs no
 *       state of its own ({@link Pix2PixTrainer}).
 * </ul>
 * Different keys make independent Philox streams; the SplitMix64 finaliser keeps runs with nearby
 * seeds (1, 2, ...) from sharing a stream.
 */
public final class RunStreams {
  private static final long TRAIN = 0x7472_6169_6E00_0001L, FIXED = 0x6669_7865_6400_0002L,
      EVAL = 0x6576_616C_0000_0003L, TASK = 0x7461_736B_0000_0004L, RANK = 0x7261_6E6B_0000_0005L;

  private RunStreams() {}

  public static long init(long seed) {
    return seed;
  }

  public static long train(long seed) {
    return SplitMix64.mix(seed ^ TRAIN);
  }

  /** Rank {@code rank}'s train stream: rank 0's is {@link #train(long)}, so a one-process run is rank 0 of 1. */
  public static long train(long seed, int rank) {
    return rank == 0 ? train(seed) : SplitMix64.mix(train(seed) ^ (rank * RANK));
  }

  public static long fixed(long seed) {
    return SplitMix64.mix(seed ^ FIXED);
  }

  public static long eval(long seed) {
    return SplitMix64.mix(seed ^ EVAL);
  }

  public static long task(long seed) {
    return SplitMix64.mix(seed ^ TASK);
  }
}
