package dev.duel.engine.cpu;

import static dev.duel.engine.cpu.SgemmKernel.NR;

/**
 * The loop order for large products on the 12-row tile (m, n, k ≥ {@value #MIN_SIDE}; the tile an AVX-512
 * Intel CPU or Zen 5 takes from m = {@link SgemmKernel#LARGE_M}): a block of B stays in L2 while the A panels stream
 * past it, GotoBLAS's order with the operands' roles exchanged against {@link GemmDriver}'s.
 *
 * <pre>
 *   C's rows cut into one part per thread (whole tiles), a part into chunks of ≤ 16 MiB of packed A per
 *   slice; each thread, on its own buffers, chunk by chunk:
 *     for pc in slices of k, each at most KC deep:         KC = 2048 on Intel, 1024 on the Zen 5 (sliceDepth: equal slices)
 *       pack A[rows of the part, pc:+kc] into 12-row panels        (all of them: they stream from L3)
 *       for jc in steps of NB over n:                      NB = 512 KiB / (4·kc), whole panels: 64 at kc = 2048
 *         pack B[pc:+kc, jc:+NB] into NR-column panels             (kc·NB floats, at most 512 KiB: stays in L2)
 *         for each A panel r:                              (12·kc floats: from L3 once, then L1/L2)
 *           for each B panel q:                            (streams from L2)
 *             C[r, q] (12×NR) = alpha·A_r·B_q + (pc == 0 ? beta : 1)·C[r, q]     (SgemmKernel.tile12)
 * </pre>
 *
 * Why: in GemmDriver's order each B micro-panel comes from L3 at its first tile, and its KC = 256 makes C
 * travel to and from memory eight times for k = 2048. Here what comes from L3 is the A panel, 48 bytes per k
 * step once per NB / NR tiles, and C travels k / KC times (once for k ≤ KC). On the AVX-512 Intel of
 * docs/benchmarks.md (session 18), 2048² on two threads: 320–345 GFLOP/s against 270–300 for the
 * session's starting build (GemmDriver's order, panels where the JVM put them; ad-hoc probes, one JVM each); KC 512 and 1024 were within noise of each other in the paired
 * harness, 384 slower. The panels start on cache lines ({@link HeapAlignment}).
 *
 * <p>Every thread packs all of B for itself ((threads − 1)·k·n floats copied more), so no packed panel
 * crosses between cores, as in GemmDriver's private split. Three ways of sharing the packing were slower or no
 * faster: each B block packed by both threads together (two waits per block; paired harness), a whole B slice
 * packed by both (one wait per slice; 1.09× the time at 2048², paired), and C cut by columns with one A packed
 * by both (298–307 GFLOP/s against 303–334, one JVM each). Nor was packing the next block while the tiles run
 * (session 19): copied inside the tile's loop, C2 compiled the tile 10% slower; between the tiles, in pieces,
 * 2–3% slower, as the copy's misses (B's rows 8 KiB apart, too far for the prefetchers) stall the tiles as they
 * stall the packing. At 2048² on two threads it is 3–4% of each thread's time (session 19's probe, 1024-deep slices);
 * with 64-column blocks of 2048-deep slices, packing all of B alone took 1.2–1.3 ms of a thread's ~54 ms (session 20). The sums per element of C run in slices of the same
 * depth in k's order whatever the number of threads, so the result does not depend on it. beta = 0 never
 * reads C.
 */
final class GemmStreamA {
  private GemmStreamA() {}

  /**
   * The deepest slice. Deeper slices mean fewer trips of C to memory (one for k ≤ KC: C's lines are fetched for
   * ownership and written once); a 12·kc-float A panel (96 KiB at 2048) does not stay in L1 beside the streaming
   * B panels, but comes back from L2. Paired A/B on the AVX-512 Intel (session 20), 2048² NN: slices of 2048 with
   * 64-column blocks took 0.983× (0.973–0.994) the time of slices of 1024 with 128-column blocks (both 512 KiB
   * blocks); session 19's 1024 against 512: 0.974×. {@code -Dduel.gemm.streamKc} overrides it, for A/B
   * measurements in the paired harness.
   */
  static final int KC = (int) CpuSettings.read("duel.gemm.streamKc", defaultSliceDepth(CpuModel.HOST), 1,
      HeapAlignment.SLACK_FLOATS, "a positive multiple of " + HeapAlignment.SLACK_FLOATS + " (the deepest slice of k)");

  /**
   * 2048 on an Intel core (2 MiB of L2 on the one measured), 1024 elsewhere. On the Zen 5 (1 MiB of L2, session 21),
   * 2048² NN in the paired harness: 2048-deep slices took 1.11× (1.09–1.14) the time of 1024-deep ones and 1.18× that
   * of 512-deep ones, while 512 and 1024 were within noise of each other (1024: 0.980×, 0.959–1.002); at n = 1024
   * one slice of 1024 took 0.987× the time of two of 512. There the 96 KiB A panel of a 2048-deep slice, the
   * 512 KiB B block and C's rows passing through overfill the 1 MiB L2.
   */
  static int defaultSliceDepth(CpuModel cpu) {
    return cpu.intel() ? 2048 : 1024;
  }
  /**
   * Floats of a B block, kc·NB: 512 KiB, a quarter of the 2 MiB L2, stays there while every A panel of the part
   * passes; C's rows, the A panels and B's source rows pass through L2 beside it. Paired A/B on the AVX-512 Intel:
   * at slices of 1024 (session 19), 128 columns (512 KiB) against 256: 0.968× the time at NN and TN 2048², 0.982× at
   * NT, 0.992× at NN 1024², 64 columns 1.043×; at slices of 2048 (session 20), 64 columns against 128 (1 MiB): 0.985×.
   * On the Zen 5 it is half of the 1 MiB L2; there, at slices of 512, 256 KiB blocks took 1.003× its time (session 21).
   */
  static final int BLOCK_FLOATS = 1 << 17;
  /** {@code -Dduel.gemm.streamNb}: a B block's columns whatever the slice's depth, for A/B measurements; 0 (unset): {@link #blockColumns}'s rule. */
  static final int FIXED_NB = (int) CpuSettings.read("duel.gemm.streamNb", 0, 0, NR,
      "a multiple of " + NR + " (the columns of a B block; 0 or unset: from the slice's depth)");

  /** Columns of a B block for slices kc deep: the whole NR-column panels that fit {@link #BLOCK_FLOATS}, at least one. */
  static int blockColumns(int kc) {
    return FIXED_NB > 0 ? FIXED_NB : Math.max(NR, BLOCK_FLOATS / kc / NR * NR);
  }
  /** The smallest m, n and k this order takes. */
  static final int MIN_SIDE = 1024;
  /** Rows of the tile this order is built for. */
  static final int MR = 12;
  /** A part has at least this many rows, so that each B block serves enough A panels to pay its packing. */
  private static final int MIN_PART_ROWS = 8 * MR;

  /** Whether a product with an mr-row tile takes this order. */
  static boolean takes(int mr, int m, int n, int k) {
    return mr == MR && m >= MIN_SIDE && n >= MIN_SIDE && k >= MIN_SIDE;
  }

  /** A thread's packing buffers (A panels, a B block, an edge tile), reused; busy while in use (a packer that multiplies gets fresh ones). */
  private static final class Buffers {
    float[] a = new float[0], b = new float[0];
    final float[] edge = new float[MR * NR];
    boolean busy;

    /** arr if it holds size floats plus the alignment's slack, else a new array that does. */
    static float[] atLeast(float[] arr, int size) {
      return arr.length < size + HeapAlignment.SLACK_FLOATS ? new float[size + HeapAlignment.SLACK_FLOATS] : arr;
    }
  }

  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  /**
   * The depth of the slices k is cut into: as few as keep each within {@link #KC}, of equal depth rounded up
   * to a whole cache line of floats (with KC = 1024, k = 2048 gives two of 1024 and k = 1500 752 and 748), so no slice is a thin tail.
   */
  static int sliceDepth(int k) {
    int slices = (k + KC - 1) / KC;
    return Math.min(k, GemmDriver.roundUp((k + slices - 1) / slices, HeapAlignment.SLACK_FLOATS));
  }

  /** C = alpha·A·B + beta·C for a product that {@link #takes} this order. */
  static void gemm(int m, int n, int k, float alpha, GemmDriver.APacker packA, GemmDriver.BPacker packB,
                   float beta, float[] c, int cOff, int ldc) {
    int threads = CpuPool.runsInline() ? 1 : CpuPool.threads();
    int parts = Math.max(1, Math.min(threads, m / MIN_PART_ROWS));
    if (parts == 1) {
      rows(0, m, n, k, alpha, packA, packB, beta, c, cOff, ldc);
      return;
    }
    int units = (m + MR - 1) / MR;
    CpuPool.parallelTasks(parts, (from, to) -> {
      for (int t = from; t < to; t++) {
        int r0 = (int) ((long) t * units / parts) * MR;
        int r1 = Math.min(m, (int) ((long) (t + 1) * units / parts) * MR);
        if (r1 > r0) rows(r0, r1 - r0, n, k, alpha, packA, packB, beta, c, cOff, ldc);
      }
    });
  }

  /** C[row0:+rows, jc:+nc] = alpha·(packed A panels)·(packed B block) + beta·C: the two inner loops. */
  private static void block(int row0, int rows, int jc, int nc, int kc, float[] ap, int aBase, float[] bp, int bBase,
                            float[] edge, float alpha, float beta, float[] c, int cOff, int ldc) {
    int panels = (nc + NR - 1) / NR;
    boolean narrowEdges = GemmDriver.narrowEdges;
    for (int r = 0; r < rows; r += MR) {
      int cRow = cOff + (row0 + r) * ldc + jc;
      for (int q = 0; q < panels; q++) {
        GemmDriver.tileAt(MR, Math.min(MR, rows - r), Math.min(NR, nc - q * NR), kc, ap, aBase + r * kc, bp,
            bBase + q * kc * NR, alpha, beta, c, cRow + q * NR, ldc, edge, narrowEdges);
      }
    }
  }

  /**
   * The most floats of packed A a thread holds (16 MiB): a part's rows go in chunks of at most this many
   * floats per slice, each chunk packing B again (for 1024-deep slices, 4096 rows per chunk, so B's packing
   * stays within 1/8192 of the chunk's multiply-adds).
   */
  static final int A_CHUNK_FLOATS = 1 << 22;

  /** Rows [row0, row0 + rows) of C, every column, on this thread, in chunks of equal rows within {@link #A_CHUNK_FLOATS}. */
  private static void rows(int row0, int rows, int n, int k, float alpha, GemmDriver.APacker packA,
                           GemmDriver.BPacker packB, float beta, float[] c, int cOff, int ldc) {
    int depth = sliceDepth(k), maxRows = Math.max(MR, A_CHUNK_FLOATS / depth / MR * MR);
    int chunks = (rows + maxRows - 1) / maxRows;
    int chunkRows = GemmDriver.roundUp((rows + chunks - 1) / chunks, MR);
    for (int r0 = row0; r0 < row0 + rows; r0 += chunkRows) {
      chunk(r0, Math.min(chunkRows, row0 + rows - r0), n, k, depth, alpha, packA, packB, beta, c, cOff, ldc);
    }
  }

  /** Rows [row0, row0 + rows) of C, every column, on this thread, with its own A and B buffers. */
  private static void chunk(int row0, int rows, int n, int k, int depth, float alpha, GemmDriver.APacker packA,
                            GemmDriver.BPacker packB, float beta, float[] c, int cOff, int ldc) {
    Buffers own = BUFFERS.get(), bufs = own.busy ? new Buffers() : own;
    bufs.busy = true;
    try {
      float[] ap = bufs.a = Buffers.atLeast(bufs.a, (rows + MR - 1) / MR * MR * depth);
      int nb = blockColumns(depth);
      float[] bp = bufs.b = Buffers.atLeast(bufs.b, depth * nb);
      int aPad = HeapAlignment.floatsToLine(ap), bPad = HeapAlignment.floatsToLine(bp);
      for (int pc = 0; pc < k; pc += depth) {
        int kc = Math.min(depth, k - pc);
        float stepBeta = pc == 0 ? beta : 1f;
        packA.packA(row0, rows, pc, kc, MR, ap, aPad);
        for (int jc = 0; jc < n; jc += nb) {
          int nc = Math.min(nb, n - jc);
          packB.packB(pc, kc, jc, nc, 0, (nc + NR - 1) / NR, bp, bPad);
          block(row0, rows, jc, nc, kc, ap, aPad, bp, bPad, bufs.edge, alpha, stepBeta, c, cOff, ldc);
        }
      }
    } finally {
      bufs.busy = false;
    }
  }
}
