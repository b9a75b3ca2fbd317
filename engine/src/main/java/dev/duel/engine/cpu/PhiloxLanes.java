package dev.duel.engine.cpu;

import dev.duel.engine.Distribution;
import dev.duel.engine.Philox;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Philox#fill}'s stream, one counter block per 64-bit lane: the same words, so the same floats bit for bit
 * (PhiloxLanesTest). Each 32-bit word is kept zero-extended in a long lane, so a round's 32×32-bit products are exact
 * 64-bit lane products, their high and low halves a shift and a mask. The words then become floats one element at a
 * time, by {@link Philox}'s own formulas (normal's logarithm and cosine in float64 by java.lang.Math, as the reference
 * does, so no vector approximation changes a float).
 */
final class PhiloxLanes {
  private PhiloxLanes() {}

  private static final VectorSpecies<Long> S = LongVector.SPECIES_PREFERRED;
  private static final int LANES = S.length();
  private static final long M0 = 0xD2511F53L, M1 = 0xCD9E8D57L, LOW = 0xFFFFFFFFL;
  private static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;

  /** out[outOff + i − from] for i in [from, to) of the stream (seed, offset): {@link Philox#fill}'s values. */
  static void fill(Distribution dist, long seed, long offset, float a, float b, float[] out, int outOff, long from, long to) {
    // Whole counter blocks in groups of LANES; the partial blocks at either end by the reference.
    long firstBlock = (from + 3) / 4, lastBlock = to / 4;          // blocks [firstBlock, lastBlock) are whole
    if (lastBlock - firstBlock < LANES) {
      Philox.fill(dist, seed, offset, a, b, out, outOff, from, to);
      return;
    }
    Philox.fill(dist, seed, offset, a, b, out, outOff, from, firstBlock * 4);
    long[] words = new long[4 * LANES];
    long blk = firstBlock;
    float span = b - a;
    int limit = bernoulliLimit(a);
    for (; blk + LANES <= lastBlock; blk += LANES) {
      blocks(seed, offset + blk, words);
      int at = outOff + (int) (blk * 4 - from);
      switch (dist) {
        case UNIFORM -> {
          for (int j = 0; j < LANES; j++)
            for (int w = 0; w < 4; w++) out[at + 4 * j + w] = a + span * Philox.uniform01((int) words[w * LANES + j]);
        }
        case BERNOULLI -> {
          // u < a as an integer sign, without a branch: at p = 0.5 the branch was mispredicted every other element.
          for (int j = 0; j < LANES; j++)
            for (int w = 0; w < 4; w++) out[at + 4 * j + w] = (float) (((int) (words[w * LANES + j] >>> 8) - limit) >>> 31);
        }
        case NORMAL -> {
          for (int j = 0; j < LANES; j++) {
            normalPair(a, b, (int) words[j], (int) words[LANES + j], out, at + 4 * j);
            normalPair(a, b, (int) words[2 * LANES + j], (int) words[3 * LANES + j], out, at + 4 * j + 2);
          }
        }
        default -> throw new AssertionError(dist);
      }
    }
    Philox.fill(dist, seed, offset, a, b, out, outOff + (int) (blk * 4 - from), blk * 4, to);
  }

  /**
   * The four words of the LANES blocks first, first + 1, … under seed: word w of block first + j at
   * words[w·LANES + j], zero-extended.
   */
  static void blocks(long seed, long first, long[] words) {
    LongVector c0 = LongVector.zero(S).addIndex(1).add(first);       // the block numbers, one per lane
    LongVector c1 = c0.lanewise(VectorOperators.LSHR, 32);
    c0 = c0.and(LOW);
    LongVector c2 = LongVector.zero(S), c3 = c2;
    int k0 = (int) seed, k1 = (int) (seed >>> 32);
    for (int round = 0; round < 10; round++) {
      if (round > 0) { k0 += W0; k1 += W1; }
      LongVector p0 = c0.mul(M0), p1 = c2.mul(M1);                   // exact: both factors below 2³²
      LongVector hi0 = p0.lanewise(VectorOperators.LSHR, 32), lo0 = p0.and(LOW);
      LongVector hi1 = p1.lanewise(VectorOperators.LSHR, 32), lo1 = p1.and(LOW);
      LongVector n0 = hi1.lanewise(VectorOperators.XOR, c1).lanewise(VectorOperators.XOR, k0 & LOW);
      LongVector n2 = hi0.lanewise(VectorOperators.XOR, c3).lanewise(VectorOperators.XOR, k1 & LOW);
      c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    }
    c0.intoArray(words, 0);
    c1.intoArray(words, LANES);
    c2.intoArray(words, 2 * LANES);
    c3.intoArray(words, 3 * LANES);
  }

  /**
   * The bernoulli's threshold on w ≫ 8: u < a, with u = (w ≫ 8)·2⁻²⁴, holds exactly when the integer w ≫ 8 is below
   * ⌈a·2²⁴⌉ (a·2²⁴ is exact in float64), clamped to [0, 2²⁴]; a NaN gives 0, as u < NaN never holds.
   */
  static int bernoulliLimit(float a) {
    double t = Math.ceil(a * 16777216.0);
    return t >= 16777216.0 ? 16777216 : t > 0 ? (int) t : 0;
  }

  /** Philox.fill's normal pair from one pair of words: z₀ = ρ·cos θ, z₁ = ρ·sin θ, ρ and θ computed once for both. */
  private static void normalPair(float a, float b, int wu0, int wu1, float[] out, int at) {
    double rho = Philox.normalRadius(wu0), angle = Philox.normalAngle(wu1);
    out[at] = (float) (a + b * (rho * Math.cos(angle)));
    out[at + 1] = (float) (a + b * (rho * Math.sin(angle)));
  }
}
