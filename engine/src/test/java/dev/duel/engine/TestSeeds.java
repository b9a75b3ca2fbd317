package dev.duel.engine;

/**
 * The random seed of this test run: {@code -Dduel.test.seed=N} if given, else derived from
 * System.nanoTime() and printed once, so every run draws fresh inputs and a failure can be replayed.
 * Each check derives its own stream from (run seed, check name), so adding a check does not change the
 * inputs of the others.
 */
public final class TestSeeds {
  private static final long RUN_SEED = pick();

  private TestSeeds() {}

  public static long run() {
    return RUN_SEED;
  }

  /** A seed for one named check: a hash of the run seed and the name. */
  public static long forCheck(String name) {
    long h = RUN_SEED ^ 0x9E3779B97F4A7C15L;
    for (int i = 0; i < name.length(); i++) h = (h ^ name.charAt(i)) * 0x100000001B3L;
    return mix(h);
  }

  /** The text every assertion message carries: how to replay this run. */
  public static String replay() {
    return "[seed " + RUN_SEED + "; replay with -Dduel.test.seed=" + RUN_SEED + "]";
  }

  private static long pick() {
    String given = System.getProperty("duel.test.seed");
    long seed = given == null || given.isBlank() ? mix(System.nanoTime()) : Long.parseLong(given.trim());
    System.out.println("[TestSeeds] duel.test.seed=" + seed + (given == null ? " (fresh)" : " (given)"));
    return seed;
  }

  /** SplitMix64's finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
