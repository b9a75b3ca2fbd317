package dev.duel.gan.data;

/**
 * SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014), the
 * generator of java.util.SplittableRandom: a 64-bit state advanced by the golden gamma and mixed.
 *
 * <pre>
 * state ← state + 0x9E3779B97F4A7C15
 * z ← state; z ← (z ⊕ (z ≫ 30))·0xBF58476D1CE4E5B9; z ← (z ⊕ (z ≫ 27))·0x94D049BB133111EB; return z ⊕ (z ≫ 31)
 * </pre>
 * Used for the host-side, sequential randomness of the data pipeline (epoch permutations, paired-task
 * masks and noise). The whole state is one long ({@link #state()}), so it can be saved and restored.
 * Model randomness (init, latent noise, dropout) uses the engine's counter-based Philox instead.
 */
public final class SplitMix64 {
  private static final long GAMMA = 0x9E3779B97F4A7C15L;
  private long state;

  public SplitMix64(long seed) { this.state = seed; }

  /** The whole generator state: {@code new SplitMix64(g.state())} continues exactly where g is. */
  public long state() { return state; }

  /** The SplitMix64 finaliser: a bijective 64-bit mix. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public long nextLong() {
    state += GAMMA;
    return mix(state);
  }

  /**
   * Uniform integer in [0, bound), unbiased: draws r = nextLong() ≫ 1 (63 bits) and rejects the top
   * partial block, i.e. retries while r − (r mod bound) + bound overflows 2^63 − 1.
   */
  public int nextInt(int bound) {
    if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
    while (true) {
      long r = nextLong() >>> 1;
      long m = r % bound;
      if (r - m + (bound - 1) >= 0) return (int) m; // no overflow: r lies in a complete block
    }
  }

  /** Uniform double in [0, 1): the top 53 bits · 2^−53. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Standard normal by Box–Muller on two uniforms: sqrt(−2 ln(1 − u₁))·cos(2π u₂); consumes two longs. */
  public double nextGaussian() {
    double u1 = nextDouble(), u2 = nextDouble();
    return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2.0 * Math.PI * u2);
  }
}
