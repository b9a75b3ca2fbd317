package dev.duel.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link Sgemm} against a float64 triple loop: every transpose pair, alpha/beta variants, offsets and
 * leading dimensions wider than the matrices, sizes that leave tails in every blocking level (1, 3,
 * 17, 33, 130 and 257×130×300), NaN-poisoned C with beta = 0, and calls from several threads at once.
 * Fresh random inputs per run; the seed is in every failure message (rerun with -Dduel.test.seed=…).
 */
class SgemmTest {
  static final long SEED = Long.getLong("duel.test.seed", System.nanoTime());

  static {
    System.out.println("SgemmTest seed " + SEED + " (rerun with -Dduel.test.seed=" + SEED + ")");
  }

  private final SplittableRandom rnd = new SplittableRandom(SEED);

  /** One product with its own random operands, laid out with offsets and padded leading dimensions. */
  private final class Case {
    final boolean ta, tb;
    final int m, n, k, aOff, bOff, cOff, lda, ldb, ldc;
    final float alpha, beta;
    final float[] a, b, c, c0;

    Case(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, int pad) {
      this.ta = ta;
      this.tb = tb;
      this.m = m;
      this.n = n;
      this.k = k;
      this.alpha = alpha;
      this.beta = beta;
      aOff = pad * 3;
      bOff = pad * 5;
      cOff = pad * 7;
      lda = (ta ? m : k) + pad;
      ldb = (tb ? k : n) + pad;
      ldc = n + pad;
      a = random(aOff + (ta ? k : m) * lda);
      b = random(bOff + (tb ? n : k) * ldb);
      c = random(cOff + m * ldc);
      c0 = c.clone();
    }

    float opA(int i, int p) {
      return ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    float opB(int p, int j) {
      return tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
    }

    void run() {
      Sgemm.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** The blocked path with the tile's row count given (4, 8 or 12), whatever this machine's default is. */
    void runBlocked(int rows) {
      runBlocked(rows, GemmDriver.SPLIT_COPY_FLOATS);
    }

    /**
     * The blocked path with the row count and the private split's copy budget given (0: shared packing), from C's
     * starting values, so one case can be run again with another row count.
     */
    void runBlocked(int rows, long splitCopy) {
      System.arraycopy(c0, 0, c, 0, c.length);
      Sgemm.MatrixA pa = new Sgemm.MatrixA();
      Sgemm.MatrixB pb = new Sgemm.MatrixB();
      pa.set(ta, a, aOff, lda);
      pb.set(tb, b, bOff, ldb);
      GemmDriver.gemm(rows, splitCopy, m, n, k, alpha, pa, pb, beta, c, cOff, ldc);
    }

    /**
     * Every element of C within alpha·Σ + beta·C0 (float64) ± 2·eps·sqrt(k+1)·(|alpha|·Σ|a·b| + |beta·C0|);
     * everything outside the m×n window unchanged.
     */
    void verify() {
      int[] all = new int[m];
      for (int i = 0; i < m; i++) all[i] = i;
      verifyRows(all);
    }

    /** {@link #verify} on the given rows of C only (a large product's float64 reference would take minutes). */
    void verifyRows(int[] rows) {
      String where = String.format("seed %d: ta=%b tb=%b m=%d n=%d k=%d alpha=%s beta=%s lda=%d ldb=%d ldc=%d",
          SEED, ta, tb, m, n, k, alpha, beta, lda, ldb, ldc);
      double eps = Math.ulp(1f);
      for (int i : rows) {
        for (int j = 0; j < n; j++) {
          double sum = 0, mag = 0;
          for (int p = 0; p < k; p++) {
            double t = (double) opA(i, p) * opB(p, j);
            sum += t;
            mag += Math.abs(t);
          }
          double old = c0[cOff + i * ldc + j];
          double ref = alpha * sum + (beta == 0f ? 0 : beta * old);
          double tol = 2 * eps * Math.sqrt(k + 1) * (Math.abs(alpha) * mag + (beta == 0f ? 0 : Math.abs(beta * old))) + 1e-30;
          float got = c[cOff + i * ldc + j];
          if (!(Math.abs(got - ref) <= tol)) {
            fail(where + ": C[" + i + "," + j + "] = " + got + ", float64 reference " + ref + ", tolerance " + tol);
          }
        }
      }
      for (int idx = 0; idx < c.length; idx++) {
        int rel = idx - cOff;
        boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
        if (!inside && Float.floatToRawIntBits(c[idx]) != Float.floatToRawIntBits(c0[idx])) {
          fail(where + ": C[" + idx + "] outside the m×n window was modified");
        }
      }
    }
  }

  private float[] random(int size) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) v[i] = (float) (rnd.nextDouble() * 2 - 1);
    return v;
  }

  /** wholeBIndex names where packWholeB put each element (PhaseWinograd writes packed B's by it): several KC slices, a partial panel. */
  @Test
  void wholeBIndexIsWherePackWholeBPutsEachElement() {
    int k = GemmDriver.KC * 2 + 37, n = SgemmKernel.NR * 3 + 5;
    float[] b = new float[k * n];
    for (int i = 0; i < b.length; i++) b[i] = i + 1;
    Sgemm.MatrixB mb = new Sgemm.MatrixB();
    mb.set(false, b, 0, n);
    float[] packed = new float[GemmDriver.wholeBSize(n, k)];
    GemmDriver.packWholeB(mb, n, k, packed);
    for (int p = 0; p < k; p++)
      for (int j = 0; j < n; j++) assertEquals(b[p * n + j], packed[GemmDriver.wholeBIndex(p, j, n, k)], "B[" + p + ", " + j + "]");
  }

  @Test
  void allTransposePairsAtAwkwardSizes() {
    int[] sizes = {1, 3, 17, 33, 130};
    for (int code = 0; code < 4; code++) {
      boolean ta = (code & 1) != 0, tb = (code & 2) != 0;
      for (int m : sizes)
        for (int n : sizes)
          for (int k : sizes) {
            Case cs = new Case(ta, tb, m, n, k, 1.5f, -0.75f, (m + n + k) % 3);
            cs.run();
            cs.verify();
          }
    }
  }

  @Test
  void everyTileRowCountThroughTheDriver() {
    // The driver with 4-, 8- and 12-row tiles on any machine (an AVX2 machine runs the 8- and 12-row tiles on
    // 256-bit vectors): row tails below the tile, both A paths (packed whole, and per task for 2100 rows, whose
    // last row block is partial with 12 rows: blocks of 120).
    int[][] shapes = {{1, 33, 7}, {7, 17, 3}, {9, 130, 33}, {15, 33, 300}, {130, 65, 17}, {257, 130, 300}};
    for (int rows : new int[] {4, 8, 12}) {
      for (int code = 0; code < 4; code++) {
        for (int[] s : shapes) {
          Case cs = new Case((code & 1) != 0, (code & 2) != 0, s[0], s[1], s[2], 1.25f, code % 2 == 0 ? 0f : 0.5f, code);
          cs.runBlocked(rows);
          cs.verify();
        }
      }
      Case tall = new Case(true, false, 2100, 5, 2100, 1f, 0f, 1);
      tall.runBlocked(rows);
      tall.verify();
    }
    Case odd = new Case(false, false, 9, 33, 7, 1f, 0f, 0);
    assertThrows(IllegalArgumentException.class, () -> odd.runBlocked(6));
  }

  /**
   * GemmStreamA, the order for m, n, k ≥ 1024 on the 12-row tile: every transpose pair, beta 0 (C poisoned with
   * NaN) and not, a row tail in the last A panel and in each thread's part, a column tail in the last B block, k
   * cut into slices of unequal depth; checked on the rows at the panels' and parts' edges and on random ones.
   */
  @Test
  void theStreamOrderForLargeProducts() {
    int[][] shapes = {{1037, 1061, 1100}, {1030, 1024, 2053}};
    for (int code = 0; code < 4; code++) {
      int[] s = shapes[code % 2];
      assertTrue(GemmStreamA.takes(12, s[0], s[1], s[2]));
      Case cs = new Case((code & 1) != 0, (code & 2) != 0, s[0], s[1], s[2], 1.25f, code < 2 ? 0f : 0.5f, code);
      if (cs.beta == 0f) Arrays.fill(cs.c0, cs.cOff, cs.cOff + (cs.m - 1) * cs.ldc + cs.n, Float.NaN);
      cs.runBlocked(12);
      int half = (cs.m + 11) / 12 / 2 * 12;
      cs.verifyRows(new int[] {0, 11, 12, half - 1, half, half + 1, cs.m - 13, cs.m - 2, cs.m - 1,
          rnd.nextInt(cs.m), rnd.nextInt(cs.m)});
    }
    // Tall enough for each thread's rows to go in two chunks of packed A (GemmStreamA.A_CHUNK_FLOATS).
    Case tall = new Case(false, false, 8300, 1024, 1024, 1f, 0.5f, 0);
    tall.runBlocked(12);
    int rows = GemmStreamA.A_CHUNK_FLOATS / 1024;
    tall.verifyRows(new int[] {0, 2075, 2076, rows / 2 - 1, rows / 2, rows / 2 + 1, rows - 1, rows, rows + 1, 4150, 4151, 4152,
        6227, 6228, 8299, rnd.nextInt(8300)});
    assertTrue(!GemmStreamA.takes(8, 2048, 2048, 2048) && !GemmStreamA.takes(12, 1023, 2048, 2048)
        && !GemmStreamA.takes(12, 2048, 1023, 2048) && !GemmStreamA.takes(12, 2048, 2048, 1023));
  }

  @Test
  void theCpuSettingsRefuseWhatWouldBreakTheLoops() {
    System.setProperty("duel.test.streamSetting", "96");
    try {
      assertEquals(96, CpuSettings.read("duel.test.streamSetting", 7, 1, 32, "a positive multiple of 32"));
      for (String bad : new String[] {"0", "-32", "100", "x", "1e3"}) {
        System.setProperty("duel.test.streamSetting", bad);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> CpuSettings.read("duel.test.streamSetting", 7, 1, 32, "a positive multiple of 32"));
        assertTrue(e.getMessage().contains("-Dduel.test.streamSetting=" + bad), e.getMessage());
      }
      System.clearProperty("duel.test.streamSetting");
      assertEquals(7, CpuSettings.read("duel.test.streamSetting", 7, 1, 32, "a positive multiple of 32"), "unset: the default");
    } finally {
      System.clearProperty("duel.test.streamSetting");
    }
  }

  @Test
  void theStreamOrdersBBlocksAreWholePanelsWithinTheirBudget() {
    assertEquals(128, GemmStreamA.blockColumns(1024), "512 KiB at slices of 1024");
    assertEquals(64, GemmStreamA.blockColumns(2048), "512 KiB at slices of 2048");
    assertEquals(96, GemmStreamA.blockColumns(1104), "118 columns fit: three whole panels");
    assertEquals(SgemmKernel.NR, GemmStreamA.blockColumns(10_000), "at least one panel");
    for (int kc = 16; kc <= 8192; kc += 16) {
      int nb = GemmStreamA.blockColumns(kc);
      assertTrue(nb % SgemmKernel.NR == 0 && (nb == SgemmKernel.NR || (long) nb * kc <= GemmStreamA.BLOCK_FLOATS), "kc=" + kc + ": " + nb);
    }
  }

  @Test
  void theStreamOrdersSlicesAreEvenAndWithinKc() {
    for (int k : new int[] {1024, 1025, 1500, 2048, 2053, 3 * GemmStreamA.KC + 1, 10_000}) {
      int depth = GemmStreamA.sliceDepth(k), slices = (k + depth - 1) / depth;
      assertTrue(depth <= GemmStreamA.KC && depth % 16 == 0 || depth == k, "k=" + k + ": depth " + depth);
      assertEquals((k + GemmStreamA.KC - 1) / GemmStreamA.KC, slices, "k=" + k + ": as few slices as KC allows");
      assertTrue(k - (slices - 1) * depth > depth - 16 * slices, "k=" + k + ": the last slice is not a thin tail");
    }
  }

  @Test
  void theStreamOrderGivesTheSameBitsOnOneThreadAsOnAll() {
    Case cs = new Case(false, true, 1100, 1040, 1030, 1f, 0.5f, 1);
    cs.runBlocked(12);
    float[] all = cs.c.clone();
    // Inside a pool body every call runs inline: one part instead of one per thread (two or more threads).
    CpuPool.parallelTasks(2, (from, to) -> {
      if (from == 0) cs.runBlocked(12);
    });
    for (int i = 0; i < all.length; i++) {
      if (Float.floatToRawIntBits(all[i]) != Float.floatToRawIntBits(cs.c[i])) fail("C[" + i + "]: " + all[i] + " on all threads, " + cs.c[i] + " on one");
    }
  }

  @Test
  void sharedPackingAndThePrivateSplitAgree() {
    // Both ways of spreading a product over the threads, whatever the default budget: cut along m
    // (m ≥ n) and along n, with tails in the cut dimension (rows not a multiple of the tile, columns not
    // a multiple of NR), more than one row block per part, deep k (several KC slices), every transpose pair.
    int[][] shapes = {{9, 5, 7}, {37, 20, 300}, {5, 65, 33}, {300, 130, 17}, {64, 200, 513}, {257, 61, 9}};
    for (long splitCopy : new long[] {0, Long.MAX_VALUE}) {
      for (int code = 0; code < 4; code++) {
        for (int[] s : shapes) {
          Case cs = new Case((code & 1) != 0, (code & 2) != 0, s[0], s[1], s[2], 0.75f, code < 2 ? 0f : -0.5f, code);
          for (int rows : new int[] {SgemmKernel.ROWS, 12}) {
            cs.runBlocked(rows, splitCopy);
            cs.verify();
          }
        }
      }
    }
  }

  @Test
  void thePrivateSplitCutsTheLargerDimensionWithinItsCopyBudget() {
    int t = CpuPool.threads();
    if (t == 1) {
      assertEquals(1, GemmDriver.privateParts(64, 512, 784, 8, Long.MAX_VALUE), "one thread: nothing to cut");
      return;
    }
    // m = 64 < n = 512: cut along n into whole 32-column panels (16 of them), each thread packs all of A again.
    int along = Math.min(t, 512 / SgemmKernel.NR);
    assertEquals(along, GemmDriver.privateParts(64, 512, 784, 8, Long.MAX_VALUE));
    long copies = (long) (along - 1) * 784 * 64;
    assertEquals(along, GemmDriver.privateParts(64, 512, 784, 8, copies), "exactly the budget");
    assertEquals(1, GemmDriver.privateParts(64, 512, 784, 8, copies - 1), "one float over the budget: shared");
    assertEquals(1, GemmDriver.privateParts(64, 512, 784, 8, 0), "budget 0: shared");
    // m = 12 > n = 5 with 8-row tiles: two row tiles, so at most two parts.
    assertEquals(Math.min(t, 2), GemmDriver.privateParts(12, 5, 3, 8, Long.MAX_VALUE));
    // Inside a parallel body the pool is taken: the product runs inline, uncut.
    int[] inside = new int[1];
    CpuPool.parallelTasks(2, (from, to) -> {
      if (from == 0) inside[0] = GemmDriver.privateParts(64, 512, 784, 8, Long.MAX_VALUE);
    });
    assertEquals(1, inside[0]);
  }

  /**
   * The cut is along the larger of m and n, except along m for a small B that packs by copies beside an A that
   * packs by gathers (A·B): each thread then copies B rather than gathers A.
   */
  @Test
  void theSplitCutsAlongMForASmallContiguousB() {
    Sgemm.MatrixA gatheredA = new Sgemm.MatrixA(), copiedA = new Sgemm.MatrixA();
    Sgemm.MatrixB copiedB = new Sgemm.MatrixB(), gatheredB = new Sgemm.MatrixB();
    gatheredA.set(false, new float[1], 0, 1);
    copiedA.set(true, new float[1], 0, 1);
    copiedB.set(false, new float[1], 0, 1);
    gatheredB.set(true, new float[1], 0, 1);
    assertTrue(GemmDriver.splitsAlongRows(64, 100, 128, gatheredA, copiedB), "NN, B 12 800 floats");
    assertTrue(GemmDriver.splitsAlongRows(64, 128, 256, gatheredA, copiedB), "NN, B exactly the limit");
    assertFalse(GemmDriver.splitsAlongRows(64, 129, 256, gatheredA, copiedB), "NN, B one column over");
    assertFalse(GemmDriver.splitsAlongRows(64, 128, 256, gatheredA, gatheredB), "NT: B gathers too");
    assertFalse(GemmDriver.splitsAlongRows(64, 128, 256, copiedA, copiedB), "TN: A copies");
    assertTrue(GemmDriver.splitsAlongRows(512, 128, 4096, copiedA, gatheredB), "m ≥ n: along m");
    int t = CpuPool.threads();
    if (t > 1) {
      // Along m the copies are B's: (parts − 1)·k·n floats.
      long copies = (long) (Math.min(t, 8) - 1) * 128 * 100;
      assertEquals(Math.min(t, 8), GemmDriver.privateParts(64, 100, 128, 8, copies, true));
      assertEquals(1, GemmDriver.privateParts(64, 100, 128, 8, copies - 1, true));
    }
  }

  @Test
  void largerThanOneBlockInEveryDimension() {
    // 257 > MC·2, 300 > KC, and a tail in every direction.
    for (int code = 0; code < 4; code++) {
      Case cs = new Case((code & 1) != 0, (code & 2) != 0, 257, 130, 300, 0.5f, 0.25f, 2);
      cs.run();
      cs.verify();
    }
    // More columns than NC (4096): the outer column-block loop.
    Case wide = new Case(false, true, 5, GemmDriver.NC + 37, 9, 1f, 1f, 1);
    wide.run();
    wide.verify();
    // A too big to pack whole (more than GemmDriver.A_WHOLE_FLOATS): each task packs its own A block.
    for (boolean ta : new boolean[] {false, true}) {
      Case tall = new Case(ta, false, 2100, 5, 2100, 1f, 0f, 1); // 17 row blocks × 9 slices × MC·KC > 4M
      tall.run();
      tall.verify();
    }
    // So deep that k×n floats of packed B exceed GemmDriver.B_BLOCK_FLOATS: narrower column blocks.
    Case deep = new Case(true, false, 3, 1000, GemmDriver.B_BLOCK_FLOATS / 992 + 1, 1f, 0.5f, 0);
    deep.run();
    deep.verify();
  }

  /**
   * Products with a dimension of 1 (SgemmSkinny's GEMV and GER forms), large enough that they split over
   * the pool, every transpose pair, each beta form (0 with NaN in C, 1, other), padded strides; and the
   * reference models' own such shapes (D's last layer and its gradients at batch 64 and 256).
   */
  @Test
  void dimensionOfOneAtEverySizeAndBeta() {
    int[][] dims = {
        {300, 1, 301}, {1, 333, 257}, {300, 333, 1}, {1, 1, 700}, {1, 700, 1}, {700, 1, 1},
        {4100, 1, 40}, {40, 1, 4100}, {1, 4100, 40}, {2100, 37, 1}, {37, 2100, 1},
        {64, 1, 256}, {256, 1, 64}, {256, 1, 6272}, {6272, 1, 256}, {256, 256, 1}, {64, 6272, 1}};
    float[] betas = {0f, 1f, -0.75f};
    for (int[] d : dims) {
      for (float beta : betas) {
        for (int code = 0; code < 4; code++) {
          Case cs = new Case((code & 1) != 0, (code & 2) != 0, d[0], d[1], d[2], 1.5f, beta, (d[0] + d[2]) % 3);
          if (beta == 0f) {
            Arrays.fill(cs.c, Float.NaN);
            System.arraycopy(cs.c, 0, cs.c0, 0, cs.c.length);
          }
          cs.run();
          cs.verify();
        }
      }
    }
  }

  /**
   * Edge panels of at most L columns (n = 100: three full panels and 4 columns with AVX-512) through
   * SgemmKernel.narrowTile and through the full tile (GemmDriver.narrowEdges off): both equal the reference,
   * also past KC (beta = 1 on the later slices) and with wider edges that always take the full tile.
   */
  @Test
  void narrowAndFullEdgeTilesBothMatchTheReference() {
    int nr = SgemmKernel.NR, l = SgemmKernel.L;
    try {
      for (boolean narrow : new boolean[] {true, false}) {
        GemmDriver.narrowEdges = narrow;
        for (int n : new int[] {100, 3 * nr + 1, nr + l, nr + l + 1, l - 1}) {
          for (int code = 0; code < 4; code++) {
            Case cs = new Case((code & 1) != 0, (code & 2) != 0, 70, n, 300, 1.5f, code < 2 ? 0f : -0.5f, 1);
            cs.run();
            cs.verify();
          }
        }
      }
    } finally {
      GemmDriver.narrowEdges = true;
    }
  }

  /**
   * KC slices in groups (GemmDriver.sliceGroup): one at a time, two, and the default, over depths of one
   * to six slices (a last group that is partial, a last slice shorter than KC), beta 0 and not, on the
   * private split and the shared path: every result equals the reference.
   */
  @Test
  void sliceGroupsOfEverySizeMatchTheReference() {
    int defaultGroup = GemmDriver.sliceGroup;
    try {
      for (int group : new int[] {1, 2, defaultGroup}) {
        GemmDriver.sliceGroup = group;
        for (int k : new int[] {GemmDriver.KC, 2 * GemmDriver.KC + 3, 6 * GemmDriver.KC - 5}) {
          for (int code = 0; code < 4; code++) {
            Case cs = new Case((code & 1) != 0, (code & 2) != 0, 150, 70, k, 0.75f, code < 2 ? 0f : 1f, 2);
            cs.run();
            cs.verify();
            Case shared = new Case((code & 2) != 0, (code & 1) != 0, 40, 200, k, 1f, -0.5f, 1);
            shared.runBlocked(SgemmKernel.ROWS, 0);
            shared.verify();
          }
        }
      }
    } finally {
      GemmDriver.sliceGroup = defaultGroup;
    }
  }

  @Test
  void alphaBetaVariants() {
    float[][] ab = {{1, 0}, {1, 1}, {-0.5f, 2}, {2, 0}, {0, 0.5f}, {0, 0}, {3, -1}};
    for (float[] v : ab) {
      for (int[] d : new int[][] {{33, 130, 17}, {130, 33, 300}, {3, 5, 7}}) {
        for (int code = 0; code < 4; code++) {
          Case cs = new Case((code & 1) != 0, (code & 2) != 0, d[0], d[1], d[2], v[0], v[1], 3);
          cs.run();
          cs.verify();
        }
      }
    }
  }

  @Test
  void betaZeroNeverReadsC() {
    for (int[] d : new int[][] {{1, 1, 1}, {17, 33, 3}, {130, 130, 130}, {257, 130, 300}}) {
      for (int code = 0; code < 4; code++) {
        Case cs = new Case((code & 1) != 0, (code & 2) != 0, d[0], d[1], d[2], 1.25f, 0f, 2);
        Arrays.fill(cs.c, Float.NaN);
        System.arraycopy(cs.c, 0, cs.c0, 0, cs.c.length);
        cs.run();
        cs.verify(); // inside: finite values equal to alpha·A·B; outside: still NaN
      }
    }
  }

  @Test
  void alphaZeroAndEmptyDepthNeverReadAOrB() {
    for (int k : new int[] {0, 5, 300}) {
      Case cs = new Case(false, false, 17, 33, k, 0f, 0.5f, 1);
      if (k > 0) {
        Arrays.fill(cs.a, Float.NaN);
        Arrays.fill(cs.b, Float.NaN);
      }
      cs.run();
      for (int i = 0; i < 17; i++)
        for (int j = 0; j < 33; j++) {
          int at = cs.cOff + i * cs.ldc + j;
          assertEquals(0.5f * cs.c0[at], cs.c[at], 0f, "seed " + SEED + ": alpha=0, k=" + k);
        }
    }
    Case k0 = new Case(true, true, 9, 4, 0, 2f, 0f, 0);
    k0.run();
    k0.verify();
  }

  @Test
  void emptyOutputsDoNothing() {
    float[] c = {Float.NaN};
    Sgemm.sgemm(false, false, 0, 5, 3, 1f, new float[0], 0, 3, new float[15], 0, 5, 0f, new float[0], 0, 5);
    Sgemm.sgemm(false, false, 1, 0, 3, 1f, new float[3], 0, 3, new float[0], 0, 1, 0f, c, 0, 1);
    assertTrue(Float.isNaN(c[0]));
  }

  @Test
  void badArgumentsNameTheOperand() {
    float[] a = new float[12], b = new float[12], c = new float[9];
    var e = assertThrows(IllegalArgumentException.class,
        () -> Sgemm.sgemm(false, false, 3, 3, 4, 1f, a, 0, 4, b, 0, 3, 0f, c, 0, 2));
    assertTrue(e.getMessage().contains("ldc"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Sgemm.sgemm(false, false, 3, 3, 4, 1f, a, 1, 4, b, 0, 3, 0f, c, 0, 3));
    assertTrue(e.getMessage().contains("A ("), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Sgemm.sgemm(false, true, 3, 3, 5, 1f, new float[15], 0, 5, b, 0, 5, 0f, c, 0, 3));
    assertTrue(e.getMessage().contains("B ("), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Sgemm.sgemm(false, false, -1, 3, 4, 1f, a, 0, 4, b, 0, 3, 0f, c, 0, 3));
  }

  @Test
  void concurrentAndNestedCallsAreIndependent() throws Exception {
    // Four threads, each multiplying its own matrices, one of them from inside a CpuPool body.
    Case[] cases = new Case[4];
    for (int i = 0; i < cases.length; i++) cases[i] = new Case(i % 2 == 1, i >= 2, 130 + i, 97, 260, 1f, 0.5f, 1);
    AtomicReference<Throwable> error = new AtomicReference<>();
    Thread[] threads = new Thread[cases.length];
    for (int i = 0; i < threads.length; i++) {
      Case cs = cases[i];
      boolean nested = i == 0;
      threads[i] = new Thread(() -> {
        try {
          for (int rep = 0; rep < 3; rep++) {
            System.arraycopy(cs.c0, 0, cs.c, 0, cs.c.length);
            if (nested) CpuPool.parallelFor(2, 1, (from, to) -> { if (from == 0) cs.run(); });
            else cs.run();
          }
        } catch (Throwable t) {
          error.compareAndSet(null, t);
        }
      });
      threads[i].start();
    }
    for (Thread t : threads) t.join();
    if (error.get() != null) throw new AssertionError("seed " + SEED, error.get());
    for (Case cs : cases) cs.verify();
  }
}
