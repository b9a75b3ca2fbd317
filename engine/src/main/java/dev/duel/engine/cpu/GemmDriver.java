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
 *     for each task (MC-row block of A, group of B panels), in parallel:
 *       for pc in steps of KC over k:
 *         pack A[ic:+MC, pc:+KC] into mr-row panels, unless packed above  (stays in L2)
 *         for each B panel q of the group:                  (a B micro-panel KC×NR stays in L1)
 *           for each A panel r:
 *             C[r, q] (mr×NR) = alpha·A_r·B_q + (pc == 0 ? beta : 1)·C[r, q]     (SgemmKernel)
 * </pre>
 *
 * The tile's row count mr (4 or 8) is {@link SgemmKernel#ROWS} unless a caller gives it.
 *
 * Two parallel loops per column block, so only two waits for the slowest thread per call for
 * nb = n: on a machine shared with other work a waiting barrier costs a scheduler time slice, and an
 * earlier version with two barriers per KC slice lost most of its speed there. Tiles that stick out of
 * C (the m and n tails) are computed into a scratch tile and merged. Pack buffers are per thread and
 * reused, so a warm call allocates nothing. beta = 0 never reads C.
 */
final class GemmDriver {
  private GemmDriver() {}

  /** KC: depth of a packed slice; a B micro-panel (KC·NR floats, 16 KiB with AVX2) stays in L1. */
  static final int KC = 256;
  /** MC: rows of a packed A block (MC·KC floats, 128 KiB) that stays in L2. A multiple of every mr. */
  static final int MC = 128;
  /** NC: the most columns of B packed at once. A multiple of NR. */
  static final int NC = 4096;
  /** The most floats of B packed at once (8 MiB, a quarter of L3): sets the column block nb for a deep k. */
  static final int B_BLOCK_FLOATS = 1 << 21;
  /** A is packed whole, once, when its packed size is at most this (16 MiB); else per task. */
  static final int A_WHOLE_FLOATS = 1 << 22;

  /** Packs rows [i0, i0+mc) × depth [p0, p0+kc) of A: panel r (rows i0+r·mr…) at ap[apOff + r·kc·mr], kc×mr, zero-padded. */
  interface APacker {
    void packA(int i0, int mc, int p0, int kc, int mr, float[] ap, int apOff);
  }

  /**
   * Packs depth [p0, p0+kc) of the NR-column panels [qFrom, qTo) of the column block [j0, j0+nc) of B:
   * panel q (columns j0+q·NR…) at bp[bpOff + q·kc·NR], kc×NR, zero-padded past nc.
   */
  interface BPacker {
    void packB(int p0, int kc, int j0, int nc, int qFrom, int qTo, float[] bp, int bpOff);
  }

  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  /** C = alpha·A·B + beta·C for m, n, k ≥ 1, C row-major at c[cOff], rows ldc apart. */
  static void gemm(int m, int n, int k, float alpha, APacker packA, BPacker packB,
                   float beta, float[] c, int cOff, int ldc) {
    gemm(SgemmKernel.ROWS, m, n, k, alpha, packA, packB, beta, c, cOff, ldc);
  }

  /** {@link #gemm} with the tile's row count given (4 or 8): for tests and the tile experiments. */
  static void gemm(int mr, int m, int n, int k, float alpha, APacker packA, BPacker packB,
                   float beta, float[] c, int cOff, int ldc) {
    if (mr != 4 && mr != 8) throw new IllegalArgumentException("GemmDriver.gemm: the tile has 4 or 8 rows, not " + mr);
    Workspace ws = WORKSPACE.get();
    int nb = columnBlock(n, k);
    int bNeed = wholeBSize(nb, k), aNeed = wholeASize(m, k);
    boolean aShared = aNeed <= A_WHOLE_FLOATS && !CpuPool.runsInline();
    if (ws.job.running) {
      // Re-entered on this thread (a packer that multiplies): a fresh job, the buffers are in use.
      new Job().run(m, n, k, mr, alpha, packA, packB, beta, c, cOff, ldc, new float[bNeed], nb, aShared ? new float[aNeed] : null);
      return;
    }
    if (ws.bPack.length < bNeed) ws.bPack = new float[bNeed];
    if (aShared && ws.aWhole.length < aNeed) ws.aWhole = new float[aNeed];
    ws.job.run(m, n, k, mr, alpha, packA, packB, beta, c, cOff, ldc, ws.bPack, nb, aShared ? ws.aWhole : null);
  }

  /** Columns of B packed at once: all of n when k×n fits in B_BLOCK_FLOATS (and n ≤ NC). */
  private static int columnBlock(int n, int k) {
    int fit = Math.max(NR, B_BLOCK_FLOATS / k / NR * NR);
    return Math.min(n, Math.min(NC, fit));
  }

  /** Floats of A packed whole: every (row block, KC slice) at a stride of MC·KC. */
  private static int wholeASize(int m, int k) {
    long size = (long) ((m + MC - 1) / MC) * ((k + KC - 1) / KC) * MC * KC;
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
    if (n > NC) throw new IllegalArgumentException("GemmDriver.packWholeB: n=" + n + " > NC=" + NC);
    int panels = (n + NR - 1) / NR;
    for (int pc = 0; pc < k; pc += KC) packB.packB(pc, Math.min(KC, k - pc), 0, n, 0, panels, bp, pc * roundUp(n, NR));
  }

  /** {@link #gemm} with B already packed by {@link #packWholeB} (n ≤ NC). */
  static void gemmPackedB(int m, int n, int k, float alpha, APacker packA, float[] bPacked,
                          float beta, float[] c, int cOff, int ldc) {
    if (n > NC) throw new IllegalArgumentException("GemmDriver.gemmPackedB: n=" + n + " > NC=" + NC);
    Workspace ws = WORKSPACE.get();
    Job job = ws.job.running ? new Job() : ws.job;
    job.run(m, n, k, SgemmKernel.ROWS, alpha, packA, null, beta, c, cOff, ldc, bPacked, n, null);
  }

  /** Per-thread scratch: an A block, the edge tile, and (as caller) the packed B block and whole A. */
  private static final class Workspace {
    final float[] aPack = new float[MC * KC];
    float[] bPack = new float[0], aWhole = new float[0];
    final float[] edge = new float[MR_MAX * NR];
    final Job job = new Job();
  }

  /**
   * One product, run by its calling thread; the parallel loops of each column block read this
   * object's fields. Reused per calling thread so a call allocates nothing.
   */
  private static final class Job {
    boolean running;
    int m, n, k, mr, ldc, cOff;
    float alpha, beta;
    APacker packA;
    BPacker packB;
    float[] c, bPack, aWhole;
    // the current column block [jc, jc+nc): its panels, the B stride of a KC slice, the task split
    int jc, nc, panels, sliceStride, rowBlocks, slices, groups, bUnits, aUnits;

    /**
     * Pack unit u: below bUnits, B panel u % panels of KC slice u / panels; then A block (u − bUnits)
     * / slices, slice (u − bUnits) % slices, at aWhole[(block·slices + slice)·MC·KC].
     */
    private final CpuPool.RangeBody packBody = (from, to) -> {
      for (int u = from; u < to; ) {
        if (u < bUnits) {
          int slice = u / panels, q = u % panels, qTo = Math.min(panels, q + (Math.min(to, bUnits) - u));
          int pc = slice * KC;
          if (packB != null) packB.packB(pc, Math.min(KC, k - pc), jc, nc, q, qTo, bPack, slice * sliceStride);
          u += qTo - q;
        } else {
          int a = u - bUnits, block = a / slices, pc = (a % slices) * KC;
          packA.packA(block * MC, Math.min(MC, m - block * MC), pc, Math.min(KC, k - pc), mr, aWhole, a * MC * KC);
          u++;
        }
      }
    };
    private final CpuPool.RangeBody computeBody = (from, to) -> {
      for (int t = from; t < to; t++) computeTask(t);
    };

    void run(int m, int n, int k, int mr, float alpha, APacker packA, BPacker packB,
             float beta, float[] c, int cOff, int ldc, float[] bPack, int nb, float[] aWhole) {
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
      rowBlocks = (m + MC - 1) / MC;
      slices = (k + KC - 1) / KC;
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
        this.c = this.bPack = this.aWhole = null; // keep neither the caller's arrays nor its packers alive
        this.packA = null;
        this.packB = null;
      }
    }

    /** Task t: row block t / groups, column group t % groups of the current column block, all of k. */
    private void computeTask(int t) {
      int block = t / groups, group = t % groups;
      int i0 = block * MC, mc = Math.min(MC, m - i0);
      int qFrom = (int) ((long) group * panels / groups), qTo = (int) ((long) (group + 1) * panels / groups);
      Workspace ws = WORKSPACE.get();
      float[] ap = aWhole != null ? aWhole : ws.aPack, bp = bPack, cc = c, edge = ws.edge;
      int mr = this.mr;
      for (int pc = 0, slice = 0; pc < k; pc += KC, slice++) {
        int kc = Math.min(KC, k - pc);
        float stepBeta = pc == 0 ? beta : 1f;
        int aBase = 0;
        if (aWhole != null) aBase = (block * slices + slice) * MC * KC;
        else packA.packA(i0, mc, pc, kc, mr, ap, 0);
        int bBase = slice * sliceStride;
        for (int q = qFrom; q < qTo; q++) {
          int j = q * NR, nr = Math.min(NR, nc - j), bAt = bBase + q * kc * NR;
          for (int r = 0; r < mc; r += mr) {
            int rows = Math.min(mr, mc - r), aAt = aBase + r * kc;
            int cAt = cOff + (i0 + r) * ldc + jc + j;
            if (rows == mr && nr == NR) {
              SgemmKernel.tile(mr, kc, ap, aAt, bp, bAt, alpha, stepBeta, cc, cAt, ldc);
            } else {
              SgemmKernel.tile(mr, kc, ap, aAt, bp, bAt, 1f, 0f, edge, 0, NR);
              mergeEdge(edge, rows, nr, alpha, stepBeta, cc, cAt, ldc);
            }
          }
        }
      }
    }
  }

  /** C[i, j] = alpha·tile[i, j] + beta·C[i, j] for the mr×nr corner of an edge tile; beta = 0 never reads C. */
  private static void mergeEdge(float[] tile, int mr, int nr, float alpha, float beta, float[] c, int cAt, int ldc) {
    for (int i = 0; i < mr; i++) {
      int row = cAt + i * ldc;
      for (int j = 0; j < nr; j++) {
        float v = alpha * tile[i * NR + j];
        c[row + j] = beta == 0f ? v : v + beta * c[row + j];
      }
    }
  }

  static int roundUp(int x, int multiple) {
    return (x + multiple - 1) / multiple * multiple;
  }
}
