package dev.duel.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duel.engine.Distribution;
import dev.duel.engine.Philox;
import org.junit.jupiter.api.Test;

/** PhiloxLanes against the reference Philox.fill: the same words and the same floats, bit for bit. */
class PhiloxLanesTest {
  /** Seeds with both key words in play, offsets where the block number's low word carries into its high word. */
  private static final long[] SEEDS = {0L, 42L, 0x9E3779B97F4A7C15L, -1L};
  private static final long[] OFFSETS = {0L, 7L, 0xFFFFFFF0L, (1L << 40) + 3};

  @Test
  void wordsMatchTheReferenceBlockByBlock() {
    long[] words = new long[4 * 64];
    int[] ref = new int[4];
    for (long seed : SEEDS)
      for (long offset : OFFSETS) {
        PhiloxLanes.blocks(seed, offset, words);
        int lanes = jdk.incubator.vector.LongVector.SPECIES_PREFERRED.length();
        for (int j = 0; j < lanes; j++) {
          Philox.block(seed, offset + j, ref);
          for (int w = 0; w < 4; w++) {
            assertEquals(ref[w], (int) words[w * lanes + j], "seed " + seed + " block " + (offset + j) + " word " + w);
            assertEquals(0L, words[w * lanes + j] >>> 32, "word kept zero-extended");
          }
        }
      }
  }

  /** The bernoulli's integer threshold at the edges of p: 0, 1, beyond, negative, NaN, the smallest steps of u. */
  @Test
  void bernoulliAtTheEdgesOfP() {
    float[] ps = {0f, 1f, 1.5f, -0.25f, Float.NaN, 1e-10f, 0x1p-24f, 3 * 0x1p-24f, 0.5f, 1f - 0x1p-24f, Math.nextUp(0.5f)};
    for (float p : ps) {
      float[] want = new float[4096], got = new float[4096];
      Philox.fill(Distribution.BERNOULLI, 42, 0, p, 0f, want, 0, 0, want.length);
      PhiloxLanes.fill(Distribution.BERNOULLI, 42, 0, p, 0f, got, 0, 0, got.length);
      for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], "p = " + p + " at " + i);
    }
    assertEquals(0, PhiloxLanes.bernoulliLimit(Float.NaN));
    assertEquals(1 << 24, PhiloxLanes.bernoulliLimit(2f));
    assertEquals(3, PhiloxLanes.bernoulliLimit(3 * 0x1p-24f), "u < 3·2⁻²⁴ for w ≫ 8 in {0, 1, 2}");
    assertEquals(4, PhiloxLanes.bernoulliLimit(Math.nextUp(3 * 0x1p-24f)));
  }

  /** Every distribution, ranges that start and end mid-block, shorter than a vector of blocks, and long ones. */
  @Test
  void fillsMatchTheReferenceBitForBit() {
    long[][] ranges = {{0, 1000}, {1, 999}, {3, 4}, {2, 37}, {5, 130}, {4, 68}, {0, 131}, {17, 4099}};
    for (Distribution dist : Distribution.values())
      for (long seed : SEEDS)
        for (long offset : OFFSETS)
          for (long[] r : ranges) {
            float a = dist == Distribution.BERNOULLI ? 0.3f : -1.5f, b = dist == Distribution.NORMAL ? 0.7f : 2.25f;
            int n = (int) (r[1] - r[0]);
            float[] want = new float[n + 2], got = new float[n + 2];
            Philox.fill(dist, seed, offset, a, b, want, 1, r[0], r[1]);
            PhiloxLanes.fill(dist, seed, offset, a, b, got, 1, r[0], r[1]);
            for (int i = 0; i < n + 2; i++) {
              assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                  dist + " seed " + seed + " offset " + offset + " range " + r[0] + ".." + r[1] + " at " + i
                      + ": " + got[i] + ", want " + want[i]);
            }
          }
  }
}
