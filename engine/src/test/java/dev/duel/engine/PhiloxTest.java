package dev.duel.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Philox4x32-10: the Random123 known-answer vectors, Duel's stream layout (seed, offset → counter
 * blocks), the distributions' statistics, reproducibility on every device, and Generator offsets.
 */
class PhiloxTest {
  static final String DEVICES = "dev.duel.engine.TestDevices#all";
  static final int N = 100_000;

  /**
   * Random123's tests/kat_vectors for philox4x32_10: counter words, key words, expected output (the
   * same three vectors appear in TensorFlow's and Random123-Boost's Philox tests).
   */
  static final int[][] KAT = {
      {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
      {-1, -1, -1, -1, -1, -1, 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
      {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0,
          0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}};

  @Test
  void knownAnswerVectors() {
    for (int[] v : KAT) {
      int[] out = new int[4];
      Philox.block(v[0], v[1], v[2], v[3], v[4], v[5], out);
      assertArrayEquals(Arrays.copyOfRange(v, 6, 10), out, () -> "philox4x32_10 of " + hex(Arrays.copyOf(v, 6))
          + " gave " + hex(out));
    }
  }

  @Test
  void streamBlockIsTheCounterWithC2C3ZeroAndTheSeedAsKey() {
    long seed = 0x0123456789ABCDEFL, block = 0xFEDCBA9876543210L;
    int[] a = new int[4], b = new int[4];
    Philox.block(seed, block, a);
    Philox.block((int) block, (int) (block >>> 32), 0, 0, (int) seed, (int) (seed >>> 32), b);
    assertArrayEquals(b, a);
    // the zero vector again, through the stream's entry point
    Philox.block(0L, 0L, a);
    assertArrayEquals(Arrays.copyOfRange(KAT[0], 6, 10), a);
  }

  @Test
  void fillUsesBlockOffsetPlusIOver4AndWordIMod4() {
    long seed = 77, offset = 5;
    float[] u = new float[11];
    Philox.fill(Distribution.UNIFORM, seed, offset, 0f, 1f, u, 0, 0, u.length);
    int[] w = new int[4];
    for (int i = 0; i < u.length; i++) {
      Philox.block(seed, offset + i / 4, w);
      assertEquals((w[i % 4] >>> 8) / 16777216.0, u[i], 0.0, "element " + i);
    }
    // a sub-range [from, to) of the stream is the same as that part of the whole fill
    float[] part = new float[5];
    Philox.fill(Distribution.UNIFORM, seed, offset, 0f, 1f, part, 0, 6, 11);
    assertArrayEquals(Arrays.copyOfRange(u, 6, 11), part, 0f);
  }

  @Test
  void uniform01CoversZeroToJustBelowOne() {
    assertEquals(0f, Philox.uniform01(0));
    assertEquals(0f, Philox.uniform01(0xFF));
    assertEquals(1f - 0x1p-24f, Philox.uniform01(-1));
    assertTrue(Philox.uniform01(-1) < 1f);
  }

  // ---- statistics (mean and variance within 5 standard errors on 1e5 samples) ----------------

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void uniformStatistics(Backend be) {
    long seed = TestSeeds.forCheck("philox uniform");
    float[] u = new Generator(seed).uniform(be, -2f, 3f, N).toArray();
    for (float v : u) if (!(v >= -2f && v < 3f)) fail("uniform sample " + v + " outside [-2, 3) " + TestSeeds.replay());
    double[] mv = meanVar(u);
    // U(a, b): mean (a+b)/2, variance (b−a)²/12; Var((U−μ)²) = (b−a)⁴/80 − ((b−a)²/12)²
    double var = 25.0 / 12, varOfSq = 625.0 / 80 - var * var;
    within("uniform mean", mv[0], 0.5, Math.sqrt(var / N));
    within("uniform variance", mv[1], var, Math.sqrt(varOfSq / N));
    // and each of 10 bins holds 10% ± 5 SE
    int[] bins = new int[10];
    for (float v : u) bins[Math.min(9, (int) ((v + 2f) / 0.5f))]++;
    for (int b = 0; b < 10; b++) within("uniform bin " + b, bins[b] / (double) N, 0.1, Math.sqrt(0.09 / N));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void normalStatistics(Backend be) {
    long seed = TestSeeds.forCheck("philox normal");
    float[] z = new Generator(seed).normal(be, 1f, 2f, N).toArray();
    RefCheck.assertFinite(toDouble(z), "normal samples " + TestSeeds.replay());
    double[] mv = meanVar(z);
    within("normal mean", mv[0], 1.0, 2.0 / Math.sqrt(N));
    within("normal variance", mv[1], 4.0, 4.0 * Math.sqrt(2.0 / N));
    int inside = 0;
    for (float v : z) if (Math.abs(v - 1f) < 2f) inside++;
    double p = 0.6826894921370859;   // P(|Z| < 1)
    within("normal P(|z| < 1σ)", inside / (double) N, p, Math.sqrt(p * (1 - p) / N));
    // Box–Muller pairs: corr(z0, z1) ≈ 0
    double cov = 0;
    for (int i = 0; i + 1 < N; i += 2) cov += (z[i] - 1.0) * (z[i + 1] - 1.0);
    within("normal pair correlation", cov / (N / 2) / 4.0, 0.0, 1.0 / Math.sqrt(N / 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void bernoulliStatistics(Backend be) {
    long seed = TestSeeds.forCheck("philox bernoulli");
    for (float p : new float[] {0.3f, 0.9f}) {
      float[] b = new Generator(seed).bernoulli(be, p, N).toArray();
      for (float v : b) if (v != 0f && v != 1f) fail("bernoulli sample " + v);
      within("bernoulli(" + p + ") mean", meanVar(b)[0], p, Math.sqrt(p * (1 - p) / N));
    }
    assertEquals(0.0, meanVar(new Generator(seed).bernoulli(be, 0f, 1000).toArray())[0]);
    assertEquals(1.0, meanVar(new Generator(seed).bernoulli(be, 1f, 1000).toArray())[0]);
  }

  // ---- reproducibility ------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void sameSeedAndOffsetGiveTheSameNumbersAsTheReference(Backend be) {
    long seed = TestSeeds.forCheck("philox same");
    for (int n : new int[] {1, 3, 4, 5, 17, 1001}) {
      for (long offset : new long[] {0, 1, 7, (1L << 32) + 3}) {
        float[] ref = new float[n];
        Philox.fill(Distribution.UNIFORM, seed, offset, 0f, 1f, ref, 0, 0, n);
        float[] a = new Generator(seed, offset).uniform(be, 0f, 1f, n).toArray();
        float[] b = new Generator(seed, offset).uniform(be, 0f, 1f, n).toArray();
        assertArrayEquals(ref, a, 0f, "uniform n=" + n + " offset=" + offset + " on " + be.name() + " vs the reference");
        assertArrayEquals(a, b, 0f);
        Philox.fill(Distribution.BERNOULLI, seed, offset, 0.4f, 0f, ref, 0, 0, n);
        assertArrayEquals(ref, new Generator(seed, offset).bernoulli(be, 0.4f, n).toArray(), 0f, "bernoulli on " + be.name());
        // normal uses float64 log/cos on every device: allow a few float32 ulps
        Philox.fill(Distribution.NORMAL, seed, offset, 0f, 1f, ref, 0, 0, n);
        assertArrayEquals(ref, new Generator(seed, offset).normal(be, 0f, 1f, n).toArray(), 1e-5f, "normal on " + be.name());
      }
    }
  }

  @Test
  void sameNumbersOnEveryDevice() {
    long seed = TestSeeds.forCheck("philox devices");
    float[] cpu = new Generator(seed, 11).normal(Devices.cpu(), 0f, 1f, 333).toArray();
    for (Backend be : TestDevices.list()) {
      assertArrayEquals(cpu, new Generator(seed, 11).normal(be, 0f, 1f, 333).toArray(), 1e-5f, be.name() + " vs cpu");
    }
  }

  @Test
  void differentSeedsAndKeyHalvesGiveDifferentStreams() {
    Backend be = Devices.cpu();
    float[] a = new Generator(1L).uniform(be, 0f, 1f, 64).toArray();
    float[] b = new Generator(2L).uniform(be, 0f, 1f, 64).toArray();
    float[] c = new Generator(1L | (1L << 32)).uniform(be, 0f, 1f, 64).toArray();   // only the key's high word differs
    assertFalse(Arrays.equals(a, b));
    assertFalse(Arrays.equals(a, c));
  }

  // ---- Generator offsets ----------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void generatorAdvancesByCeilNOver4BlocksPerDraw(Backend be) {
    long seed = TestSeeds.forCheck("philox offsets");
    Generator g = new Generator(seed);
    assertEquals(0, g.offset());
    float[] first = g.uniform(be, 0f, 1f, 10).toArray();
    assertEquals(3, g.offset(), "10 elements use 3 blocks");
    float[] second = g.normal(be, 0f, 1f, 2, 4).toArray();
    assertEquals(5, g.offset(), "8 elements use 2 more");
    g.bernoulli(be, 0.5f, 1);
    assertEquals(6, g.offset());
    // the second draw is what a generator starting at offset 3 draws first: draws never overlap
    assertArrayEquals(second, new Generator(seed, 3).normal(be, 0f, 1f, 8).toArray(), 0f);
    assertArrayEquals(first, new Generator(seed, 0).uniform(be, 0f, 1f, 10).toArray(), 0f);
    // resuming: setOffset replays the stream from there (a checkpoint stores seed and offset)
    g.setOffset(3);
    assertArrayEquals(second, g.normal(be, 0f, 1f, 8).toArray(), 0f);
    assertEquals(seed, g.seed());
  }

  @Test
  void permutationIsAPermutationAndAdvancesTheOffset() {
    Generator g = new Generator(TestSeeds.forCheck("philox permutation"));
    int[] p = g.permutation(1001);
    assertEquals(Philox.blocks(1001), g.offset());
    int[] sorted = p.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i]);
    assertFalse(Arrays.equals(p, g.permutation(1001)), "the next permutation comes from fresh counters");
  }

  // ---- helpers --------------------------------------------------------------------------------

  static double[] meanVar(float[] x) {
    double s = 0;
    for (float v : x) s += v;
    double mean = s / x.length, ss = 0;
    for (float v : x) ss += (v - mean) * (v - mean);
    return new double[] {mean, ss / x.length};
  }

  static void within(String what, double got, double want, double standardError) {
    assertTrue(Math.abs(got - want) <= 5 * standardError, String.format("%s = %.6f, expected %.6f ± 5×%.2g %s", what, got,
        want, standardError, TestSeeds.replay()));
  }

  static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) d[i] = f[i];
    return d;
  }

  static String hex(int[] words) {
    StringBuilder sb = new StringBuilder();
    for (int w : words) sb.append(String.format("%08x ", w));
    return sb.toString().trim();
  }
}
