package dev.duel.engine.cpu;

import static dev.duel.engine.cpu.SgemmKernel.MR_MAX;
import static dev.duel.engine.cpu.SgemmKernel.NR;

/**
 * The blocked, packed, parallel GEMM loop nest (Goto/BLIS) behind {@link Sgemm} and {@link Conv2dCpu}:
 * C[m×n] = alpha·A[m×k]·B[k×n] + beta·C, where A and B are never read directly but through packers,
 * so a convolution can pack its im2col matrix straight from the image (implicit GEMM).
 *
 * <pre>
 *   for jc in steps of nb over n:                      nb ≤ NC, so that k×nb floats fit in L3
 *     pack B[:, jc:+nb], every KC-deep slice, into NR-column panels   (parallel, one shared buffer)
 *       and, when m×k is small, all of A too (so column groups of one row block share it)
 *     for each task (a row block of A, mb = blockRows(mr) ≤ MC rows; a group of B panels), in parallel:
 *       for pc in steps of KC over k:
 *         pack A[ic:+mb, pc:+KC] into mr-row panels, unless packed above  (stays in L2)
 *         for each B panel q of the group:                  (a B micro-panel KC×NR stays in L1)
 *           for each A panel r:
 *             C[r, q] (mr×NR) = alpha·A_r·B_q + (pc == 0 ? beta : 1)·C[r, q]     (SgemmKernel)
 * </pre>
 *
 * The tile's row count mr (4, 8 or 12) is {@link SgemmKernel#ROWS} unless a caller gives it. Products with
 * m, n, k ≥ 1024 on the 12-row tile take {@link GemmStreamA}'s order instead (B blocks in L2, A streamed).
 * Every packed buffer of the driver has a cache line of slack, and its panels start on a line where {@link
 * HeapAlignment} can tell where the array is (bBase, aWholeBase, the per-task A offset).
 *
 * <p>On more than one thread a product first goes through {@link #privateParts}: if C can be cut into one
 * block per thread (along the larger of m and n, or along m for a small B: {@link #splitsAlongRows}) without copying more than {@link #SPLIT_COPY_FLOATS}
 * packed floats, each thread runs the loop nest above on its own block, inline, with its own pack
 * buffers ({@link Split}), so no packed panel crosses between cores. Otherwise the loop nest runs once
 * with B packed into one buffer shared by every thread.
 *
 * <p>The shared path has two parallel loops per column block, so only two waits for the slowest thread per call for
 * nb = n: on a machine shared with other work a waiting barrier costs a scheduler time slice, and an
 * earlier version with two barriers per KC slice lost most of its speed there. Tiles that stick out of
 * C (the m and n tails) are computed into a scratch tile and merged; an n tail of at most L columns by a
 * tile of one vector of columns ({@link SgemmKernel#narrowTile}), half the full tile's work. Pack buffers are per thread and
 * reused, so a warm call allocates nothing. beta = 0 never reads C.
 */
final class GemmDriver {
  private GemmDriver() {}

  /** KC: depth of a packed slice; a B micro-panel (KC·NR floats, 16 KiB with AVX2) stays in L1. */
  static final int KC = 256;
  /**
   * MC: the most rows of a packed A block (MC·KC floats, 128 KiB) that stays in L2. A block has {@link
   * #blockRows} rows: MC for the 4- and 8-row tiles, 120 for the 12-row tile (whole tiles, so no block ends in
   * an edge tile).
   */
  static final int MC = 128;
  /** NC: the most columns of B packed at once. A multiple of NR. */
  static final int NC = 4096;
  /** The most floats of B packed at once (8 MiB, a quarter of L3) by default: sets the column block nb for a deep k. */
  static final int B_BLOCK_FLOATS = 1 << 21;

  /**
   * The most floats of B packed at once ({@link #B_BLOCK_FLOATS} unless changed): a column block of a deep
   * product is nb = bBlockFloats / k columns, and each column block packs A again. ColumnBlockExperiment (bench)
   * sets it for its A/B in one JVM.
   */
  static volatile int bBlockFloats = B_BLOCK_FLOATS;
  /** A is packed whole, once, when its packed size is at most this (16 MiB); else per task. */
  static final int A_WHOLE_FLOATS = 1 << 22;

  /**
   * The most floats of packed copies that the private split ({@link #privateParts}) may add: each thread
   * but one packs the shorter operand again, (parts − 1)·k·min(m, n) floats. Within it, C is cut into one
   * block per thread; beyond it (many threads and a large product) the threads share one packed B.
   * {@code -Dduel.gemm.splitCopy} overrides it (0: never cut) for A/B measurements; {@code duel info}
   * prints it.
   */
  static final long SPLIT_COPY_FLOATS = splitCopy();

  /**
   * Whether an edge panel with at most L columns of C takes {@link SgemmKernel#narrowTile} (one vector of
   * columns) instead of the full tile. Always on; EdgeTileExperiment (bench) turns it off for its A/B in one JVM.
   */
  static volatile boolean narrowEdges = true;

  /** Rows of an A block for an mr-row tile: the most whole tiles within {@link #MC}. */
  static int blockRows(int mr) {
    return MC / mr * mr;
  }

  /**
   * KC slices per group in a compute task (see Job.computeTask): as many as keep the group's packed A
   * block within 128K floats (512 KiB, half of a Zen 4/5 core's L2), 4 with MC = 128 and KC = 256.
   * SliceGroupExperiment (bench) sets 1, the order before groups, for its A/B in one JVM.
   */
  static volatile int sliceGroup = Math.max(1, (1 << 17) / (MC * KC));

  /** Packs rows [i0, i0+mc) × depth [p0, p0+kc) of A: panel r (rows i0+r·mr…) at ap[apOff + r·kc·mr], kc×mr, zero-padded. */
  interface APacker {
    void packA(int i0, int mc, int p0, int kc, int mr, float[] ap, int apOff);

    /** Whether packing gathers each panel step from mr separate rows (A stored m×k), rather than copying runs. */
    default boolean packAGathers() {
      return true;
    }
  }

  /**
   * Packs depth [p0, p0+kc) of the NR-column panels [qFrom, qTo) of the column block [j0, j0+nc) of B:
   * panel q (columns j0+q·NR…) at bp[bpOff + q·kc·NR], kc×NR, zero-padded past nc.
   */
  interface BPacker {
    void packB(int p0, int kc, int j0, int nc, int qFrom, int qTo, float[] bp, int bpOff);

    /** Whether packing gathers each panel step from NR separate rows (B stored n×k), rather than copying runs. */
    default boolean packBGathers() {
      return true;
    }
  }

  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  /** C = alpha·A·B + beta·C for m, n, k ≥ 1, C row-major at c[cOff], rows ldc apart. */
  static void gemm(int m, int n, int k, float alpha, APacker packA, BPacker packB,
                   float beta, float[] c, int cOff, int ldc) {
    gemm(SgemmKernel.ROWS, m, n, k, alpha, packA, packB, beta, c, cOff, ldc);
  }

  /** {@link #gemm} with the tile's row count given (4, 8 or 12): for tests and the tile experiments. */
  static void gemm(int mr, int m, int n, int k, float alpha, APacker packA, BPacker packB,
                   float beta, float[] c, int cOff, int ldc) {
    gemm(mr, SPLIT_COPY_FLOATS, m, n, k, alpha, packA, packB, beta, c, cOff, ldc);
  }

  /**
   * {@link #gemm} with the tile's row count and the private split's copy budget given ({@link
   * #SPLIT_COPY_FLOATS}; 0 never cuts, Long.MAX_VALUE always does): for tests and GemmSplitExperiment.
   */
  static void gemm(int mr, long splitCopy, int m, int n, int k, float alpha, APacker packA, BPacker packB,
                   float beta, float[] c, int cOff, int ldc) {
    if (mr != 4 && mr != 8 && mr != 12) {
      throw new IllegalArgumentException("GemmDriver.gemm: the tile has 4, 8 or 12 rows, not " + mr);
    }
    if (GemmStreamA.takes(mr, m, n, k)) {
      GemmStreamA.gemm(m, n, k, alpha, packA, packB, beta, c, cOff, ldc);
      return;
    }
    Workspace ws = WORKSPACE.get();
    if (ws.job.running) {
      // Re-entered on this thread (a packer that multiplies): a fresh job, the buffers are in use.
      int nb = columnBlock(n, k), aNeed = wholeASize(m, k, mr);
      boolean aShared = aNeed <= A_WHOLE_FLOATS && !CpuPool.runsInline();
      new Job().run(0, 0, m, n, k, mr, alpha, packA, packB, beta, c, cOff, ldc,
          new float[wholeBSize(nb, k) + HeapAlignment.SLACK_FLOATS], nb,
          aShared ? new float[aNeed + HeapAlignment.SLACK_FLOATS] : null);
      return;
    }
    boolean alongRows = splitsAlongRows(m, n, k, packA, packB);
    int parts = privateParts(m, n, k, mr, splitCopy, alongRows);
    if (parts > 1) {
      Split split = ws.split.running ? new Split() : ws.split;
      split.run(parts, alongRows, m, n, k, mr, alpha, packA, packB, beta, c, cOff, ldc);
    } else {
      runShared(ws, ws.job, mr, m, n, k, alpha, packA, packB, beta, c, cOff, ldc);
    }
  }

  /**
   * How many blocks of C a product is cut into, each multiplied by one thread that packs its own A and B
   * ({@link Split}); 1 means the shared path ({@link Job}: B packed once, read by every thread). The cut
   * is along m or n ({@link #splitsAlongRows}), in whole tiles, one block per thread. Cut along m, every thread packs
   * all of B and its own rows of A, so the copies add (parts − 1)·k·n packed floats (likewise along n);
   * the cut is made while that stays within {@code splitCopy}. What it buys: no packed panel written by
   * one core is read by another. On the 2-core Zen 5 VM of docs/benchmarks.md (session 9) that
   * cache-to-cache traffic made the shared path 1.2–2.6× slower than the cut at every reference shape,
   * and even at n = 4096 it was not faster.
   */
  static int privateParts(int m, int n, int k, int mr, long splitCopy, boolean alongRows) {
    int threads = CpuPool.threads();
    if (threads == 1 || CpuPool.runsInline()) return 1;
    int parts = Math.min(threads, alongRows ? (m + mr - 1) / mr : (n + NR - 1) / NR);
    double copies = (double) (parts - 1) * k * (alongRows ? n : m);
    return copies <= splitCopy ? parts : 1;
  }

  /** {@link #privateParts} cut along the larger of m and n. */
  static int privateParts(int m, int n, int k, int mr, long splitCopy) {
    return privateParts(m, n, k, mr, splitCopy, m >= n);
  }

  /**
   * The most floats of B (k·n) that the private split copies into every thread to cut along m when n is the larger
   * ({@link #splitsAlongRows}): 32 768 (128 KiB).
   */
  static final int ROWS_CUT_B_FLOATS = 32768;

  /**
   * Whether the private split cuts C along m (each thread packs all of B) rather than n (all of A): along the larger
   * of the two, except that a small B (k·n ≤ {@link #ROWS_CUT_B_FLOATS}) which packs by contiguous copies is copied
   * rather than an A whose packing gathers down its columns (A·B, A stored m×k). Paired on the Zen 5 (session 23),
   * cut along m, NN:64x128x256 took 0.82–0.90× and NN:64x100x128 0.92–0.96× the time; where B was 131 072 floats
   * or more (NN:64x256x512, NN:256x512x784) 1.07–1.31×, and where B's packing gathers too (NT:64x256x128,
   * NT:64x256x512) 1.11–1.16×.
   */
  static boolean splitsAlongRows(int m, int n, int k, APacker packA, BPacker packB) {
    if (m >= n) return true;
    return packA.packAGathers() && !packB.packBGathers() && (long) k * n <= ROWS_CUT_B_FLOATS;
  }

  private static void runShared(Workspace ws, Job job, int mr, int m, int n, int k, float alpha, APacker packA,
                                BPacker packB, float beta, float[] c, int cOff, int ldc) {
    int nb = columnBlock(n, k);
    int bNeed = wholeBSize(nb, k) + HeapAlignment.SLACK_FLOATS, aNeed = wholeASize(m, k, mr) + HeapAlignment.SLACK_FLOATS;
    boolean aShared = aNeed <= A_WHOLE_FLOATS && !CpuPool.runsInline();
    if (ws.bPack.length < bNeed) ws.bPack = new float[bNeed];
    if (aShared && ws.aWhole.length < aNeed) ws.aWhole = new float[aNeed];
    job.run(0, 0, m, n, k, mr, alpha, packA, packB, beta, c, cOff, ldc, ws.bPack, nb, aShared ? ws.aWhole : null);
  }

  /** Columns of B packed at once: all of n when k×n fits in {@link #bBlockFloats} (and n ≤ NC). */
  private static int columnBlock(int n, int k) {
    int fit = Math.max(NR, bBlockFloats / k / NR * NR);
    return Math.min(n, Math.min(NC, fit));
  }

  /** Floats of A packed whole: every (row block of {@link #blockRows}, KC slice) at a stride of MC·KC. */
  private static int wholeASize(int m, int k, int mr) {
    int mb = blockRows(mr);
    long size = (long) ((m + mb - 1) / mb) * ((k + KC - 1) / KC) * MC * KC;
    return (int) Math.min(Integer.MAX_VALUE, size);
  }

  /** Floats that {@link #packWholeB} needs for a k×n B. */
  static int wholeBSize(int n, int k) {
    return k * roundUp(n, NR);
  }

  /**
   * Packs all of a k×n B (n ≤ NC) once, the KC-deep slices one after another (slice pc at
   * pc·roundUp(n, NR)), for {@link #gemmPackedB}: a B shared by many products (a convolution's
   * weights) is packed only once.
   */
  static void packWholeB(BPacker packB, int n, int k, float[] bp) {
    packWholeB(packB, n, k, bp, 0);
  }

  /**
   * {@link #packWholeB} into bp from bp[bpOff] on (for {@link #gemmPackedB} with that offset), its (slice, panel)
   * units spread over the pool from {@link #PARALLEL_PACK_FLOATS} floats (a convolution's weights are packed
   * while the other cores would wait for the product).
   */
  static void packWholeB(BPacker packB, int n, int k, float[] bp, int bpOff) {
    if (n > NC) throw new IllegalArgumentException("GemmDriver.packWholeB: n=" + n + " > NC=" + NC);
    int panels = (n + NR - 1) / NR, stride = roundUp(n, NR);
    if ((long) k * stride < PARALLEL_PACK_FLOATS) {
      for (int pc = 0; pc < k; pc += KC) packB.packB(pc, Math.min(KC, k - pc), 0, n, 0, panels, bp, bpOff + pc * stride);
      return;
    }
    int units = (k + KC - 1) / KC * panels;
    CpuPool.parallelFor(units, 4, (from, to) -> {
      for (int u = from; u < to; ) {
        int pc = u / panels * KC, q = u % panels, qTo = Math.min(panels, q + (to - u));
        packB.packB(pc, Math.min(KC, k - pc), 0, n, q, qTo, bp, bpOff + pc * stride);
        u += qTo - q;
      }
    });
  }

  /** From this many packed floats on, {@link #packWholeB} runs on the pool. */
  static final int PARALLEL_PACK_FLOATS = 1 << 16;

  /**
   * Where {@link #packWholeB} puts B[p, j] of a k × n B: KC slice, panel of NR columns, row within the slice, column
   * within the panel (the layout of {@link SgemmPack#packB}); for a caller that writes a packed B itself.
   */
  static int wholeBIndex(int p, int j, int n, int k) {
    int pc = p / KC * KC, kc = Math.min(KC, k - pc);
    return pc * roundUp(n, NR) + j / NR * kc * NR + (p - pc) * NR + j % NR;
  }

  /** {@link #gemm} with B already packed by {@link #packWholeB} (n ≤ NC). */
  static void gemmPackedB(int m, int n, int k, float alpha, APacker packA, float[] bPacked,
                          float beta, float[] c, int cOff, int ldc) {
    gemmPackedB(m, n, k, alpha, packA, bPacked, 0, beta, c, cOff, ldc);
  }

  /** {@link #gemmPackedB} with the packed B at bPacked[bOff]: one of several packed side by side. */
  static void gemmPackedB(int m, int n, int k, float alpha, APacker packA, float[] bPacked, int bOff,
                          float beta, float[] c, int cOff, int ldc) {
    if (n > NC) throw new IllegalArgumentException("GemmDriver.gemmPackedB: n=" + n + " > NC=" + NC);
    Workspace ws = WORKSPACE.get();
    Job job = ws.job.running ? new Job() : ws.job;
    job.bOff = bOff;
    job.run(0, 0, m, n, k, SgemmKernel.ROWS, alpha, packA, null, beta, c, cOff, ldc, bPacked, n, null);
  }

  /** Per-thread scratch: an A block, the edge tile, and (as caller) the packed B block and whole A. */
  private static final class Workspace {
    float[] aPack = new float[MC * KC];
    boolean aPackBusy;
    float[] bPack = new float[0], aWhole = new float[0];
    final float[] edge = new float[MR_MAX * NR];
    final Job job = new Job();
    final Split split = new Split();
  }

  /**
   * A product cut into {@code parts} blocks of C along m (rows) or n (columns), one per thread; each block
   * is a whole GEMM run inline by the thread that claims it, with that thread's own pack buffers
   * ({@link #privateParts} says when). Reused per calling thread so a call allocates nothing.
   */
  private static final class Split {
    boolean running, alongRows;
    int parts, m, n, k, mr, ldc, cOff;
    float alpha, beta;
    APacker packA;
    BPacker packB;
    float[] c;
    private final CpuPool.RangeBody partBody = (from, to) -> {
      for (int t = from; t < to; t++) runPart(t);
    };

    void run(int parts, boolean alongRows, int m, int n, int k, int mr, float alpha, APacker packA, BPacker packB,
             float beta, float[] c, int cOff, int ldc) {
      this.parts = parts;
      this.alongRows = alongRows;
      this.m = m;
      this.n = n;
      this.k = k;
      this.mr = mr;
      this.alpha = alpha;
      this.beta = beta;
      this.packA = packA;
      this.packB = packB;
      this.c = c;
      this.cOff = cOff;
      this.ldc = ldc;
      running = true;
      try {
        CpuPool.parallelTasks(parts, partBody);
      } finally {
        running = false;
        this.c = null;
        this.packA = null;
        this.packB = null;
      }
    }

    /** Block t: rows (or columns) [unit·⌊t·units/parts⌋, unit·⌊(t+1)·units/parts⌋), cut at whole tiles. */
    private void runPart(int t) {
      int size = alongRows ? m : n, unit = alongRows ? mr : NR, units = (size + unit - 1) / unit;
      int from = (int) ((long) t * units / parts) * unit;
      int to = Math.min(size, (int) ((long) (t + 1) * units / parts) * unit);
      if (to <= from) return;
      Workspace ws = WORKSPACE.get();
      Job job = ws.job.running ? new Job() : ws.job;
      if (alongRows) {
        runSharedAt(ws, job, from, 0, to - from, n);
      } else {
        runSharedAt(ws, job, 0, from, m, to - from);
      }
    }

    /** The rows × cols block of C at (row0, col0), on this thread (the pool is busy, so it runs inline). */
    private void runSharedAt(Workspace ws, Job job, int row0, int col0, int rows, int cols) {
      int nb = columnBlock(cols, k), bNeed = wholeBSize(nb, k) + HeapAlignment.SLACK_FLOATS;
      if (ws.bPack.length < bNeed) ws.bPack = new float[bNeed];
      job.run(row0, col0, rows, cols, k, mr, alpha, packA, packB, beta, c, cOff, ldc, ws.bPack, nb, null);
    }
  }

  /**
   * One product, run by its calling thread; the parallel loops of each column block read this
   * object's fields. Reused per calling thread so a call allocates nothing.
   */
  private static final class Job {
    boolean running;
    int rowBase, colBase, m, n, k, mr, ldc, cOff;
    /** Where a B packed whole starts in bPack (gemmPackedB); 0 otherwise. */
    int bOff;
    /**
     * Where this product's packed B and whole A start in bPack and aWhole: on a cache line when {@link
     * HeapAlignment} knows where the arrays are (the driver's own buffers have its slack), bOff for a B the
     * caller packed.
     */
    int bBase, aWholeBase;
    float alpha, beta;
    APacker packA;
    BPacker packB;
    float[] c, bPack, aWhole;
    // the current column block [jc, jc+nc): its panels, the B stride of a KC slice, the task split
    int jc, nc, panels, sliceStride, mb, rowBlocks, slices, groups, bUnits, aUnits;

    /**
     * Pack unit u: below bUnits, B panel u % panels of KC slice u / panels; then A block (u − bUnits)
     * / slices, slice (u − bUnits) % slices, at aWhole[(block·slices + slice)·MC·KC].
     */
    private final CpuPool.RangeBody packBody = (from, to) -> {
      for (int u = from; u < to; ) {
        if (u < bUnits) {
          int slice = u / panels, q = u % panels, qTo = Math.min(panels, q + (Math.min(to, bUnits) - u));
          int pc = slice * KC;
          if (packB != null) packB.packB(pc, Math.min(KC, k - pc), colBase + jc, nc, q, qTo, bPack, bBase + slice * sliceStride);
          u += qTo - q;
        } else {
          int a = u - bUnits, block = a / slices, pc = (a % slices) * KC;
          packA.packA(rowBase + block * mb, Math.min(mb, m - block * mb), pc, Math.min(KC, k - pc), mr, aWhole, aWholeBase + a * MC * KC);
          u++;
        }
      }
    };
    private final CpuPool.RangeBody computeBody = (from, to) -> {
      for (int t = from; t < to; t++) computeTask(t);
    };

    /** The m×n block of C whose top-left element is (rowBase, colBase): op(A)'s rows and op(B)'s columns from there. */
    void run(int rowBase, int colBase, int m, int n, int k, int mr, float alpha, APacker packA, BPacker packB,
             float beta, float[] c, int cOff, int ldc, float[] bPack, int nb, float[] aWhole) {
      this.rowBase = rowBase;
      this.colBase = colBase;
      this.m = m;
      this.n = n;
      this.k = k;
      this.mr = mr;
      this.alpha = alpha;
      this.beta = beta;
      this.packA = packA;
      this.packB = packB;
      this.c = c;
      this.cOff = cOff;
      this.ldc = ldc;
      this.bPack = bPack;
      this.aWhole = aWhole;
      running = true;
      mb = blockRows(mr);
      rowBlocks = (m + mb - 1) / mb;
      slices = (k + KC - 1) / KC;
      bBase = packB != null ? HeapAlignment.floatsToLine(bPack) : bOff;
      aWholeBase = aWhole != null ? HeapAlignment.floatsToLine(aWhole) : 0;
      try {
        for (jc = 0; jc < n; jc += nb) {
          nc = Math.min(nb, n - jc);
          panels = (nc + NR - 1) / NR;
          sliceStride = roundUp(nc, NR) * KC;
          // Enough tasks to keep every thread busy and to balance a core slowed by other load; more
          // when column groups of a row block share one packed A.
          // Run inline (one thread, or nested in a parallel body), one group: each group of a row
          // block repacks that block of A unless A is packed whole.
          int wanted = CpuPool.runsInline() ? 1 : (aWhole != null ? 8 : 4) * CpuPool.threads();
          groups = Math.max(1, Math.min(panels, (wanted + rowBlocks - 1) / rowBlocks));
          bUnits = packB != null ? slices * panels : 0;
          aUnits = aWhole != null && jc == 0 ? rowBlocks * slices : 0; // A is the same for every column block
          if (bUnits + aUnits > 0) CpuPool.parallelFor(bUnits + aUnits, 4, packBody);
          CpuPool.parallelTasks(rowBlocks * groups, computeBody);
        }
      } finally {
        running = false;
        bOff = 0;
        this.c = this.bPack = this.aWhole = null; // keep neither the caller's arrays nor its packers alive
        this.packA = null;
        this.packB = null;
      }
    }

    /**
     * Task t: row block t / groups, column group t % groups of the current column block, all of k. The KC
     * slices go in groups of {@link #sliceGroup}: the group's slices of the A block are packed together, and
     * each B panel q of the task runs through all of them before the next, so that the mc×NR strip of C
     * the slices accumulate into can be read back from L1/L2 rather than from where a sweep over the whole
     * row block left it (SliceGroupExperiment measured the time, not the cache level). The slices still
     * reach each element of C in order, so the sums do not change.
     */
    private void computeTask(int t) {
      int block = t / groups, group = t % groups;
      int i0 = block * mb, mc = Math.min(mb, m - i0);
      int qFrom = (int) ((long) group * panels / groups), qTo = (int) ((long) (group + 1) * panels / groups);
      Workspace ws = WORKSPACE.get();
      float[] ap = aWhole, bp = bPack, cc = c, edge = ws.edge;
      int mr = this.mr;
      boolean narrowEdges = GemmDriver.narrowEdges;
      int sliceGroup = Math.max(1, GemmDriver.sliceGroup);
      // This thread's A buffer, unless a packer that multiplies re-entered while it is in use: then a fresh one.
      boolean ownBuffer = !ws.aPackBusy;
      ws.aPackBusy = true;
      try {
        computeSlices(block, i0, mc, qFrom, qTo, sliceGroup, ownBuffer ? ws : null, ap, bp, cc, edge, mr, narrowEdges);
      } finally {
        if (ownBuffer) ws.aPackBusy = false;
      }
    }

    /** computeTask's loops; ws is the thread's workspace whose A buffer may be used, or null for a fresh one. */
    private void computeSlices(int block, int i0, int mc, int qFrom, int qTo, int sliceGroup, Workspace ws,
                               float[] ap, float[] bp, float[] cc, float[] edge, int mr, boolean narrowEdges) {
      int aPad = 0;
      for (int s0 = 0; s0 < slices; s0 += sliceGroup) {
        int s1 = Math.min(slices, s0 + sliceGroup);
        if (aWhole == null) {
          int need = (s1 - s0) * MC * KC + HeapAlignment.SLACK_FLOATS;
          if (ws == null) {
            if (ap == null || ap.length < need) ap = new float[need];
          } else {
            if (ws.aPack.length < need) ws.aPack = new float[need];
            ap = ws.aPack;
          }
          if (s0 == 0) aPad = HeapAlignment.floatsToLine(ap);
          for (int s = s0; s < s1; s++) {
            packA.packA(rowBase + i0, mc, s * KC, Math.min(KC, k - s * KC), mr, ap, aPad + (s - s0) * MC * KC);
          }
        }
        for (int q = qFrom; q < qTo; q++) {
          int j = q * NR, nr = Math.min(NR, nc - j);
          int cRow = cOff + (rowBase + i0) * ldc + colBase + jc + j;
          for (int s = s0; s < s1; s++) {
            int pc = s * KC, kc = Math.min(KC, k - pc);
            float stepBeta = pc == 0 ? beta : 1f;
            int aBase = aWhole != null ? aWholeBase + (block * slices + s) * MC * KC : aPad + (s - s0) * MC * KC;
            int bAt = bBase + s * sliceStride + q * kc * NR;
            for (int r = 0; r < mc; r += mr) {
              tileAt(mr, Math.min(mr, mc - r), nr, kc, ap, aBase + r * kc, bp, bAt, alpha, stepBeta, cc, cRow + r * ldc,
                  ldc, edge, narrowEdges);
            }
          }
        }
      }
    }
  }

  /**
   * One tile of C, rows × nr of it inside C (rows ≤ mr, nr ≤ NR): the full tile straight into C; an edge tile into
   * the scratch {@code edge} and merged, by {@link SgemmKernel#narrowTile} when at most one vector of columns is
   * left (and narrowEdges), else by the full tile. For GemmDriver's loops and {@link GemmStreamA}'s.
   */
  static void tileAt(int mr, int rows, int nr, int kc, float[] ap, int aAt, float[] bp, int bAt, float alpha,
                     float beta, float[] c, int cAt, int ldc, float[] edge, boolean narrowEdges) {
    if (rows == mr && nr == NR) {
      SgemmKernel.tile(mr, kc, ap, aAt, bp, bAt, alpha, beta, c, cAt, ldc);
    } else {
      if (nr <= SgemmKernel.L && narrowEdges) SgemmKernel.narrowTile(mr, kc, ap, aAt, bp, bAt, edge);
      else SgemmKernel.tile(mr, kc, ap, aAt, bp, bAt, 1f, 0f, edge, 0, NR);
      mergeEdge(edge, rows, nr, alpha, beta, c, cAt, ldc);
    }
  }

  /** C[i, j] = alpha·tile[i, j] + beta·C[i, j] for the mr×nr corner of an edge tile; beta = 0 never reads C. */
  static void mergeEdge(float[] tile, int mr, int nr, float alpha, float beta, float[] c, int cAt, int ldc) {
    for (int i = 0; i < mr; i++) {
      int row = cAt + i * ldc;
      for (int j = 0; j < nr; j++) {
        float v = alpha * tile[i * NR + j];
        c[row + j] = beta == 0f ? v : v + beta * c[row + j];
      }
    }
  }

  private static long splitCopy() {
    return CpuSettings.read("duel.gemm.splitCopy", 1L << 24, 0, 1,
        "a number of floats >= 0 (the most packed copies the private split may add; 0 turns it off)");
  }

  static int roundUp(int x, int multiple) {
    return (x + multiple - 1) / multiple * multiple;
  }
}
