package dev.duel.engine;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), the counter-based
 * generator of cuRAND and JAX. A (key, counter) pair maps to four 32-bit words; nothing is sequential,
 * so every device computes the same numbers for the same (seed, offset).
 *
 * <p>Duel's stream: element i of a fill at {@code offset} uses counter block b = offset + ⌊i/4⌋
 * (c0 = low 32 bits of b, c1 = high 32 bits, c2 = c3 = 0), key (low, high 32 bits of seed), word i mod 4.
 * <ul>
 *   <li>uniform: u = (w ≫ 8) · 2⁻²⁴ ∈ [0, 1), then a + (b − a)·u;</li>
 *   <li>normal (Box–Muller in float64 on words 0,1 and 2,3 of a block):
 *       ρ = sqrt(−2·ln(1 − u₀)), z₀ = ρ·cos(2π·u₁), z₁ = ρ·sin(2π·u₁); then a + b·z;</li>
 *   <li>bernoulli: 1 if u &lt; a else 0.</li>
 * </ul>
 * A fill of n elements consumes ⌈n/4⌉ counter blocks. The CUDA kernel in rng.cu computes the same.
 */
public final class Philox {
  private static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57;
  private static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;

  private Philox() {}

  /** The four words of counter block {@code block} under {@code seed}, written to out[0..4). */
  public static void block(long seed, long block, int[] out) {
    block((int) block, (int) (block >>> 32), 0, 0, (int) seed, (int) (seed >>> 32), out);
  }

  /**
   * Random123's philox4x32_10 of a full 128-bit counter (c0..c3) under the key (k0, k1), written to
   * out[0..4). Duel's stream uses it with c2 = c3 = 0; the full form is what the published
   * known-answer vectors test.
   */
  static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
    for (int round = 0; round < 10; round++) {
      if (round > 0) { k0 += W0; k1 += W1; }
      long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
      long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
      int hi0 = (int) (p0 >>> 32), lo0 = (int) p0, hi1 = (int) (p1 >>> 32), lo1 = (int) p1;
      int n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
      c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
  }

  /** u = (w ≫ 8)·2⁻²⁴ ∈ [0, 1), exact in float: w ≫ 8 < 2²⁴ and the scaling is by a power of two. */
  public static float uniform01(int word) {
    return (float) (word >>> 8) * 0x1p-24f;
  }

  /** Box–Muller's radius from the pair's first word: ρ = sqrt(−2·ln(1 − u₀)), in float64. */
  public static double normalRadius(int word0) {
    return Math.sqrt(-2.0 * Math.log(1.0 - uniform01(word0)));
  }

  /** Box–Muller's angle from the pair's second word: 2π·u₁, in float64. */
  public static double normalAngle(int word1) {
    return 2.0 * Math.PI * uniform01(word1);
  }

  /** Counter blocks a fill of n elements consumes. */
  public static long blocks(long n) {
    return (n + 3) / 4;
  }

  /** The reference fill: out[outOff + i] for i in [from, to) of the stream (seed, offset). */
  public static void fill(Distribution dist, long seed, long offset, float a, float b,
                          float[] out, int outOff, long from, long to) {
    int[] w = new int[4];
    long cached = -1;
    for (long i = from; i < to; i++) {
      long blk = offset + i / 4;
      if (blk != cached) { block(seed, blk, w); cached = blk; }
      int lane = (int) (i & 3);
      float v;
      switch (dist) {
        case UNIFORM -> v = a + (b - a) * uniform01(w[lane]);
        case BERNOULLI -> v = uniform01(w[lane]) < a ? 1f : 0f;
        case NORMAL -> {
          int pair = lane & ~1;
          double rho = normalRadius(w[pair]), angle = normalAngle(w[pair + 1]);
          double z = (lane & 1) == 0 ? rho * Math.cos(angle) : rho * Math.sin(angle);
          v = (float) (a + b * z);
        }
        default -> throw new AssertionError(dist);
      }
      out[outOff + (int) (i - from)] = v;
    }
  }
}
