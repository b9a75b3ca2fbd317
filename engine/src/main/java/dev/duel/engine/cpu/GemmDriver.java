package dev.duel.engine.cpu;

import static dev.duel.engine.cpu.SgemmKernel.MR;
import static dev.duel.engine.cpu.SgemmKernel.NR;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The blocked, packed, parallel GEMM loop nest (Goto/BLIS) behind {@link Sgemm} and {@link Conv2dCpu}:
 * C[m×n] = alpha·A[m×k]·B[k×n] + beta·C, where A and B are never read directly but through packers,
 * so a convolution can pack its im2col matrix straight from the image (implicit GEMM).
 *
 * <pre>
 *   for jc in steps of NC over n:                    B block KC×NC stays in L3
 *     for pc in steps of KC over k:
 *       pack B[pc:+KC, jc:+NC] into NR-column panels   (all threads, one shared buffer)
 *       for each task (MC-row block of A, group of B panels), in parallel:
 *         pack A[ic:+MC, pc:+KC] into MR-row panels    (per thread, skipped when already packed)
 *         for each B panel q in the group:             B micro-panel KC×NR stays in L1
 *           for each A panel r:                        A block stays in L2
 *             C[r, q] (MR×NR) = alpha·A_r·B_q + (pc == 0 ? beta : 1)·C[r, q]   (SgemmKernel)
 * </pre>
 *
 * Tiles that stick out of C (the m and n tails) are computed into a scratch tile and merged. Pack
 * buffers are per thread and reused, so a warm call allocates nothing. beta = 0 never reads C.
 */
final class GemmDriver {
  private GemmDriver() {}

  /** KC: depth of a packed slice; a B micro-panel (KC·NR floats, 16 KiB with AVX2) stays in L1. */
  static final int KC = 256;
  /** MC: rows of a packed A block (MC·KC floats, 128 KiB) that stays in L2. A multiple of MR. */
  static final int MC = 128;
  /** NC: columns of a packed B block (KC·NC floats, 4 MiB) that stays in L3. A multiple of NR. */
  static final int NC = 4096;

  /** Packs rows [i0, i0+mc) × depth [p0, p0+kc) of A: panel r (rows i0+r·MR…) at ap[r·kc·MR], kc×MR, zero-padded. */
  interface APacker {
    void packA(int i0, int mc, int p0, int kc, float[] ap);
  }

  /**
   * Packs depth [p0, p0+kc) of the NR-column panels [qFrom, qTo) of the column block [j0, j0+nc) of B:
   * panel q (columns j0+q·NR…) at bp[q·kc·NR], kc×NR, zero-padded past nc.
   */
  interface BPacker {
    void packB(int p0, int kc, int j0, int nc, int qFrom, int qTo, float[] bp);
  }

  private static final AtomicLong CALLS = new AtomicLong();
  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  /** C = alpha·A·B + beta·C for m, n, k ≥ 1, C row-major at c[cOff], rows ldc apart. */
  static void gemm(int m, int n, int k, float alpha, APacker packA, BPacker packB,
                   float beta, float[] c, int cOff, int ldc) {
    Workspace ws = WORKSPACE.get();
    if (ws.job.running) {
      // Re-entered on this thread (a packer that multiplies): use a fresh job, its buffers are not free.
      new Job().run(m, n, k, alpha, packA, packB, beta, c, cOff, ldc, new float[KC * roundUp(Math.min(NC, n), NR)]);
      return;
    }
    int bNeed = KC * roundUp(Math.min(NC, n), NR);
    if (ws.bPack.length < bNeed) ws.bPack = new float[bNeed];
    ws.job.run(m, n, k, alpha, packA, packB, beta, c, cOff, ldc, ws.bPack);
  }

  /** Per-thread scratch: the A block this thread packed last, the edge tile, and (as caller) a B block. */
  private static final class Workspace {
    final float[] aPack = new float[MC * KC];
    float[] bPack = new float[0];
    final float[] edge = new float[MR * NR];
    /** Which A block aPack holds: (job call, jc, pc, row block), so consecutive tasks skip repacking. */
    long packedCall = -1;
    int packedJc, packedPc, packedBlock;
    final Job job = new Job();
  }

  /**
   * One product, run by its calling thread; the two phases of each (jc, pc) step are CpuPool loops
   * whose bodies read this object's fields. Reused per calling thread so a call allocates nothing.
   */
  private static final class Job {
    boolean running;
    int m, n, k, ldc, cOff;
    float alpha, beta;
    APacker packA;
    BPacker packB;
    float[] c, bPack;
    long call;
    // the current (jc, pc) step
    int jc, nc, pc, kc, panels, rowBlocks, groups;
    float stepBeta;

    private final CpuPool.RangeBody packBody = (from, to) -> packB.packB(pc, kc, jc, nc, from, to, bPack);
    private final CpuPool.RangeBody computeBody = (from, to) -> {
      for (int t = from; t < to; t++) computeTask(t);
    };

    void run(int m, int n, int k, float alpha, APacker packA, BPacker packB,
             float beta, float[] c, int cOff, int ldc, float[] bPack) {
      this.m = m;
      this.n = n;
      this.k = k;
      this.alpha = alpha;
      this.beta = beta;
      this.packA = packA;
      this.packB = packB;
      this.c = c;
      this.cOff = cOff;
      this.ldc = ldc;
      this.bPack = bPack;
      this.call = CALLS.incrementAndGet();
      running = true;
      rowBlocks = (m + MC - 1) / MC;
      try {
        for (jc = 0; jc < n; jc += NC) {
          nc = Math.min(NC, n - jc);
          panels = (nc + NR - 1) / NR;
          // Enough tasks to keep every thread busy and to balance a core slowed by other load.
          int wanted = CpuPool.threads() == 1 ? 1 : 4 * CpuPool.threads();
          groups = Math.max(1, Math.min(panels, (wanted + rowBlocks - 1) / rowBlocks));
          for (pc = 0; pc < k; pc += KC) {
            kc = Math.min(KC, k - pc);
            stepBeta = pc == 0 ? beta : 1f;
            CpuPool.parallelFor(panels, 4, packBody);
            CpuPool.parallelTasks(rowBlocks * groups, computeBody);
          }
        }
      } finally {
        running = false;
        this.c = this.bPack = null; // keep neither the caller's arrays nor its packers alive
        this.packA = null;
        this.packB = null;
      }
    }

    /** Task t: row block t / groups, column group t % groups of the current (jc, pc) step. */
    private void computeTask(int t) {
      int block = t / groups, group = t % groups;
      int i0 = block * MC, mc = Math.min(MC, m - i0);
      Workspace ws = WORKSPACE.get();
      if (ws.packedCall != call || ws.packedJc != jc || ws.packedPc != pc || ws.packedBlock != block) {
        ws.packedCall = -1; // invalid while packing, in case the packer throws
        packA.packA(i0, mc, pc, kc, ws.aPack);
        ws.packedCall = call;
        ws.packedJc = jc;
        ws.packedPc = pc;
        ws.packedBlock = block;
      }
      float[] ap = ws.aPack, bp = bPack, cc = c, edge = ws.edge;
      int qFrom = (int) ((long) group * panels / groups), qTo = (int) ((long) (group + 1) * panels / groups);
      for (int q = qFrom; q < qTo; q++) {
        int j = q * NR, nr = Math.min(NR, nc - j), bAt = q * kc * NR;
        for (int r = 0; r < mc; r += MR) {
          int mr = Math.min(MR, mc - r), aAt = r * kc;
          int cAt = cOff + (i0 + r) * ldc + jc + j;
          if (mr == MR && nr == NR) {
            SgemmKernel.tile(kc, ap, aAt, bp, bAt, alpha, stepBeta, cc, cAt, ldc);
          } else {
            SgemmKernel.tile(kc, ap, aAt, bp, bAt, 1f, 0f, edge, 0, NR);
            mergeEdge(edge, mr, nr, alpha, stepBeta, cc, cAt, ldc);
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
