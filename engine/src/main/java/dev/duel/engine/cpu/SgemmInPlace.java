package dev.duel.engine.cpu;

import static dev.duel.engine.cpu.SgemmKernel.F;
import static dev.duel.engine.cpu.SgemmKernel.L;
import static dev.duel.engine.cpu.SgemmKernel.MR_MAX;
import static dev.duel.engine.cpu.SgemmKernel.NR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * C = alpha·op(A)·B + beta·C with a small plain B. For op(A) = Aᵀ the product is multiplied without packing: both operands
 * already lie in the micro-kernel's layout. Aᵀ is stored k×m, so its p-th row holds a tile's rows side by side
 * (op(A)[i, p] = a[aOff + p·lda + i]); B is stored k×n, so its p-th row holds a panel's columns (b[bOff + p·ldb + j]).
 * {@link SgemmStridedKernel}'s tiles read them where they lie, with strides lda and ldb. B (k·n ≤ {@link #B_FLOATS}, 32 KiB) stays in L1 for every tile.
 *
 * <pre>
 *   C's rows cut into one part per thread, in whole tiles of mr = SgemmKernel.ROWS rows (4 or 8)
 *   for each mr-row tile i of the part:  for each full NR-column panel j:
 *       C[i:+mr, j:+NR] = alpha·Σ_p Aᵀ[p, i:+mr]ᵀ·B[p, j:+NR] + beta·C          (the tile, in place)
 *   the part's last rows (fewer than mr):  A's rows packed into a zero-padded panel, tiles into scratch, merged
 *   the last w = n mod NR columns:
 *       w ≤ 4:  vectors along C's column:  acc[i:+L, j] += Aᵀ[p, i:+L]·B[p, j]   (A loaded, B broadcast)
 *       else:   B's w columns packed into a zero-padded panel, tiles into scratch, merged
 * </pre>
 *
 * Every element is the same FMA chain over p = 0…k−1 from zero as in {@link GemmDriver}'s tiles (k ≤ KC: one slice
 * there too), then the same epilogue (full tiles: the kernel's; edges: {@link GemmDriver#mergeEdge}), so where the
 * packed path uses the same tile (m below {@link SgemmKernel#LARGE_M}, or a CPU without the 12-row tile) the result is
 * its to the bit; from LARGE_M rows on a Zen 5 or Intel the last rows' epilogue may round differently. Why: at k = 64 a thread's packing of all of B and of its rows of A, and the n = 100 tail's narrow tile (one
 * load and 8 broadcasts per 8 FMAs, for 4 useful columns of 16) cost about as much as the full tiles' multiply-adds
 * (TN:128x100x64 on the Zen 5: per thread 0.6–0.8 µs packing B, 0.3–0.45 µs packing A, ~1 µs the tail, 3.8–4.4 µs
 * the full tiles). {@code -Dduel.sgemm.inPlace=false} sends these products to the packed path, for A/B measurements.
 *
 * <p>A·B (A stored m×k, not transposed) with k·n ≤ {@link #PACKED_A_B_FLOATS} comes here too ({@link #rowsPackedA}):
 * a thread gathers its rows of A into packed panels as the packed path does, but reads B where it lies instead of
 * packing all of it (the private split copies B into every thread for such products, {@link
 * GemmDriver#splitsAlongRows}); the column tail is the packed path's zero-padded panel and narrow tile, so the result
 * is the packed path's to the bit at the same tile. Paired on the Zen 5 (session 23, {@code
 * -Dduel.sgemm.inPlaceNN=0} against the default), the packed path took 1.087× (1.041–1.134) NN:64x100x128's time and
 * 1.030× (1.013–1.048) NN:256x100x128's; at 32768 floats NN:64x128x256 0.86× (0.81–0.91, one run with a slow JVM)
 * and NN:256x128x256 1.00×, so the limit stays at 16384.
 */
final class SgemmInPlace {
  private SgemmInPlace() {}

  /** The most floats of B (k·n) read in place: 32 KiB, within a Zen 3/4/5 core's 32–48 KiB L1 beside a tile's A. */
  static final int B_FLOATS = 8192;
  /** The widest column tail taken by {@link #tailColumns}: four B broadcasts per step feed 16 FMAs. */
  static final int TAIL_COLUMNS = 4;
  /** Whether this path is on: {@code -Dduel.sgemm.inPlace}, true unless set to false. */
  static final boolean ENABLED = CpuSettings.choice("duel.sgemm.inPlace", "true",
      "true or false (whether small Aᵀ·B products are multiplied without packing)", "true", "false").equals("true");

  /**
   * The most floats of B (k·n) read in place beside an A packed per thread (A·B, {@link #rowsPackedA}): B is then
   * read once per tile row of a thread's part rather than packed by every thread.
   */
  static final int PACKED_A_B_FLOATS = (int) CpuSettings.read("duel.sgemm.inPlaceNN", 16384, 0, 1,
      "a number of floats >= 0 (the largest k·n of an A·B product whose B is read in place; 0: none)");

  /**
   * Whether {@link Sgemm} sends this product here, k ≤ KC (one slice): Aᵀ·B with k·n ≤ {@link #B_FLOATS}, or A·B
   * with k·n ≤ {@link #PACKED_A_B_FLOATS}.
   */
  static boolean takes(boolean transA, boolean transB, int m, int n, int k) {
    if (!ENABLED || transB || k > GemmDriver.KC) return false;
    return (long) k * n <= (transA ? B_FLOATS : PACKED_A_B_FLOATS);
  }

  /** Per-thread scratch: an edge tile, a packed panel of A's last rows, one of B's last columns, the tail's sums. */
  private static final class Scratch {
    final float[] edge = new float[MR_MAX * NR];
    final float[] tail = new float[4 * L * TAIL_COLUMNS];
    float[] aPanel = new float[0], bPanel = new float[0];

    float[] aPanel(int size) {
      if (aPanel.length < size) aPanel = new float[size];
      return aPanel;
    }

    float[] bPanel(int size) {
      if (bPanel.length < size) bPanel = new float[size];
      return bPanel;
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** One product's arguments, for the parts run on the pool; reused per calling thread so a call allocates nothing. */
  private static final class Job {
    boolean running, transA;
    int parts, m, n, k, mr, lda, ldb, ldc, aOff, bOff, cOff;
    float alpha, beta;
    float[] a, b, c;
    final CpuPool.RangeBody body = (from, to) -> {
      for (int t = from; t < to; t++) {
        int tiles = (m + mr - 1) / mr;
        int i0 = (int) ((long) t * tiles / parts) * mr, i1 = Math.min(m, (int) ((long) (t + 1) * tiles / parts) * mr);
        if (i1 > i0) part(transA, i0, i1, n, k, mr, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      }
    };
  }

  private static final ThreadLocal<Job> JOB = ThreadLocal.withInitial(Job::new);

  /** Sgemm's contract for a product {@link #takes} (arguments checked, m, n, k ≥ 1, alpha ≠ 0). */
  static void sgemm(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff,
                    int ldb, float beta, float[] c, int cOff, int ldc) {
    int mr = SgemmKernel.ROWS;
    int parts = CpuPool.runsInline() ? 1 : Math.min(CpuPool.threads(), (m + mr - 1) / mr);
    if (parts <= 1) {
      part(transA, 0, m, n, k, mr, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    Job job = JOB.get();
    if (job.running) job = new Job();
    job.transA = transA;
    job.parts = parts;
    job.m = m;
    job.n = n;
    job.k = k;
    job.mr = mr;
    job.alpha = alpha;
    job.beta = beta;
    job.a = a;
    job.aOff = aOff;
    job.lda = lda;
    job.b = b;
    job.bOff = bOff;
    job.ldb = ldb;
    job.c = c;
    job.cOff = cOff;
    job.ldc = ldc;
    job.running = true;
    try {
      CpuPool.parallelTasks(parts, job.body);
    } finally {
      job.running = false;
      job.a = job.b = job.c = null;
    }
  }

  /** Rows [i0, i1) of C on this thread: {@link #rows} for Aᵀ·B, {@link #rowsPackedA} for A·B. */
  private static void part(boolean transA, int i0, int i1, int n, int k, int mr, float alpha, float[] a, int aOff,
                           int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    if (transA) rows(i0, i1, n, k, mr, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    else rowsPackedA(i0, i1, n, k, mr, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  /**
   * Rows [i0, i1) of C = alpha·A·B + beta·C, A stored m×k: its rows gather into packed k×mr panels (as the packed
   * path packs them, the last one zero-padded), B is read where it lies; B's last n mod NR columns are packed into
   * one zero-padded panel for the narrow or full tile, as the packed path's last panel.
   */
  static void rowsPackedA(int i0, int i1, int n, int k, int mr, float alpha, float[] a, int aOff, int lda,
                          float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    Scratch s = SCRATCH.get();
    int rows = i1 - i0, tiles = (rows + mr - 1) / mr, full = n / NR * NR, w = n - full;
    float[] ap = s.aPanel(tiles * k * mr);
    SgemmPack.packA(false, a, aOff, lda, i0, rows, 0, k, mr, ap, 0);
    for (int t = 0; t < tiles; t++) {
      int i = i0 + t * mr, tileRows = Math.min(mr, i1 - i), at = t * k * mr, cRow = cOff + i * ldc;
      for (int j = 0; j < full; j += NR) {
        if (tileRows == mr) {
          SgemmStridedKernel.tile(mr, k, ap, at, mr, b, bOff + j, ldb, alpha, beta, c, cRow + j, ldc);
        } else {
          edgeTile(mr, k, ap, at, mr, b, bOff + j, ldb, tileRows, NR, alpha, beta, c, cRow + j, ldc, s.edge);
        }
      }
    }
    if (w == 0) return;
    float[] bPanel = s.bPanel(k * NR);
    SgemmPack.packB(false, b, bOff, ldb, 0, k, full, w, 0, 1, bPanel, 0);
    for (int t = 0; t < tiles; t++) {
      int i = i0 + t * mr;
      edgeTile(mr, k, ap, t * k * mr, mr, bPanel, 0, NR, Math.min(mr, i1 - i), w, alpha, beta, c, cOff + i * ldc + full,
          ldc, s.edge);
    }
  }

  /**
   * The first rows × cols of an mr×NR tile (A's step p at a[aAt + p·aStride], B's at b[bAt + p·bStride]) computed
   * into edge and merged into C at c[cAt]: the narrow tile when cols ≤ L (the packed path's choice for its tail).
   */
  private static void edgeTile(int mr, int k, float[] a, int aAt, int aStride, float[] b, int bAt, int bStride,
                               int rows, int cols, float alpha, float beta, float[] c, int cAt, int ldc, float[] edge) {
    if (cols <= L) SgemmStridedKernel.narrowTile(mr, k, a, aAt, aStride, b, bAt, bStride, edge);
    else SgemmStridedKernel.tile(mr, k, a, aAt, aStride, b, bAt, bStride, 1f, 0f, edge, 0, NR);
    GemmDriver.mergeEdge(edge, rows, cols, alpha, beta, c, cAt, ldc);
  }

  /** Rows [i0, i1) of C, all n columns, on this thread; i0 is a multiple of mr. */
  static void rows(int i0, int i1, int n, int k, int mr, float alpha, float[] a, int aOff, int lda,
                   float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    Scratch s = SCRATCH.get();
    int full = n / NR * NR, w = n - full;
    int fullRowsEnd = i0 + (i1 - i0) / mr * mr;
    for (int i = i0; i < fullRowsEnd; i += mr) {
      int cRow = cOff + i * ldc;
      for (int j = 0; j < full; j += NR) {
        SgemmStridedKernel.tile(mr, k, a, aOff + i, lda, b, bOff + j, ldb, alpha, beta, c, cRow + j, ldc);
      }
    }
    float[] aPanel = null;
    if (fullRowsEnd < i1 && (full > 0 || w > TAIL_COLUMNS)) {
      // The last rows, fewer than mr: op(A)[fullRowsEnd:i1, :] packed as one zero-padded k×mr panel.
      aPanel = s.aPanel(k * mr);
      SgemmPack.packA(true, a, aOff, lda, fullRowsEnd, i1 - fullRowsEnd, 0, k, mr, aPanel, 0);
      for (int j = 0; j < full; j += NR) {
        edgeTile(mr, k, aPanel, 0, mr, b, bOff + j, ldb, i1 - fullRowsEnd, NR, alpha, beta, c,
            cOff + fullRowsEnd * ldc + j, ldc, s.edge);
      }
    }
    if (w == 0) return;
    if (w <= TAIL_COLUMNS) {
      tailColumns(i0, i1, full, w, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, s.tail);
      return;
    }
    // A tail of more than TAIL_COLUMNS columns: B's last w columns packed as one zero-padded k×NR panel.
    float[] bPanel = s.bPanel(k * NR);
    SgemmPack.packB(false, b, bOff, ldb, 0, k, full, w, 0, 1, bPanel, 0);
    for (int i = i0; i < i1; i += mr) {
      int rows = Math.min(mr, i1 - i);
      float[] ap = rows == mr ? a : aPanel;
      int aAt = rows == mr ? aOff + i : 0, aStride = rows == mr ? lda : mr;
      edgeTile(mr, k, ap, aAt, aStride, bPanel, 0, NR, rows, w, alpha, beta, c, cOff + i * ldc + full, ldc, s.edge);
    }
  }

  /**
   * Columns [j0, j0 + w) of rows [i0, i1), w ≤ {@link #TAIL_COLUMNS}, with vectors along C's columns:
   * acc[i, j] = Σ_p a[aOff + p·lda + i]·b[bOff + p·ldb + j], L rows a vector, four vectors at a time (16 FMAs per
   * four loads of A and four broadcasts of B), then the rows left one vector at a time, the last one masked.
   */
  private static void tailColumns(int i0, int i1, int j0, int w, int k, float alpha, float[] a, int aOff, int lda,
                                  float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc, float[] sums) {
    // Columns past w are computed from column w − 1 (in bounds) and never stored.
    int j1 = Math.min(1, w - 1), j2 = Math.min(2, w - 1), j3 = Math.min(3, w - 1);
    int bAt = bOff + j0, block = 4 * L;
    int i = i0;
    for (; i + block <= i1; i += block) {
      tail4(k, a, aOff + i, lda, b, bAt, ldb, j1, j2, j3, sums);
      merge(sums, block, block, w, alpha, beta, c, cOff + i * ldc + j0, ldc);
    }
    for (; i < i1; i += L) {
      int rows = Math.min(L, i1 - i);
      tail1(k, a, aOff + i, lda, F.indexInRange(0, rows), b, bAt, ldb, j1, j2, j3, sums);
      merge(sums, L, rows, w, alpha, beta, c, cOff + i * ldc + j0, ldc);
    }
  }

  /** 4·L rows × four columns: sums[j·4L + i]. */
  private static void tail4(int k, float[] a, int aAt, int lda, float[] b, int bAt, int ldb, int j1, int j2, int j3,
                            float[] sums) {
    FloatVector z = FloatVector.zero(F);
    FloatVector s00 = z, s10 = z, s20 = z, s30 = z, s01 = z, s11 = z, s21 = z, s31 = z;
    FloatVector s02 = z, s12 = z, s22 = z, s32 = z, s03 = z, s13 = z, s23 = z, s33 = z;
    for (int p = 0; p < k; p++) {
      int ai = aAt + p * lda, bi = bAt + p * ldb;
      FloatVector a0 = FloatVector.fromArray(F, a, ai), a1 = FloatVector.fromArray(F, a, ai + L);
      FloatVector a2 = FloatVector.fromArray(F, a, ai + 2 * L), a3 = FloatVector.fromArray(F, a, ai + 3 * L);
      FloatVector b0 = FloatVector.broadcast(F, b[bi]);
      s00 = a0.fma(b0, s00);
      s10 = a1.fma(b0, s10);
      s20 = a2.fma(b0, s20);
      s30 = a3.fma(b0, s30);
      FloatVector b1 = FloatVector.broadcast(F, b[bi + j1]);
      s01 = a0.fma(b1, s01);
      s11 = a1.fma(b1, s11);
      s21 = a2.fma(b1, s21);
      s31 = a3.fma(b1, s31);
      FloatVector b2 = FloatVector.broadcast(F, b[bi + j2]);
      s02 = a0.fma(b2, s02);
      s12 = a1.fma(b2, s12);
      s22 = a2.fma(b2, s22);
      s32 = a3.fma(b2, s32);
      FloatVector b3 = FloatVector.broadcast(F, b[bi + j3]);
      s03 = a0.fma(b3, s03);
      s13 = a1.fma(b3, s13);
      s23 = a2.fma(b3, s23);
      s33 = a3.fma(b3, s33);
    }
    int r = 4 * L;
    s00.intoArray(sums, 0);
    s10.intoArray(sums, L);
    s20.intoArray(sums, 2 * L);
    s30.intoArray(sums, 3 * L);
    s01.intoArray(sums, r);
    s11.intoArray(sums, r + L);
    s21.intoArray(sums, r + 2 * L);
    s31.intoArray(sums, r + 3 * L);
    s02.intoArray(sums, 2 * r);
    s12.intoArray(sums, 2 * r + L);
    s22.intoArray(sums, 2 * r + 2 * L);
    s32.intoArray(sums, 2 * r + 3 * L);
    s03.intoArray(sums, 3 * r);
    s13.intoArray(sums, 3 * r + L);
    s23.intoArray(sums, 3 * r + 2 * L);
    s33.intoArray(sums, 3 * r + 3 * L);
  }

  /** At most L rows (the mask's) × four columns: sums[j·L + i]; A's lanes past the mask are not read. */
  private static void tail1(int k, float[] a, int aAt, int lda, VectorMask<Float> rows, float[] b, int bAt, int ldb,
                            int j1, int j2, int j3, float[] sums) {
    FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
    for (int p = 0; p < k; p++) {
      int bi = bAt + p * ldb;
      FloatVector a0 = FloatVector.fromArray(F, a, aAt + p * lda, rows);
      s0 = a0.fma(FloatVector.broadcast(F, b[bi]), s0);
      s1 = a0.fma(FloatVector.broadcast(F, b[bi + j1]), s1);
      s2 = a0.fma(FloatVector.broadcast(F, b[bi + j2]), s2);
      s3 = a0.fma(FloatVector.broadcast(F, b[bi + j3]), s3);
    }
    s0.intoArray(sums, 0);
    s1.intoArray(sums, L);
    s2.intoArray(sums, 2 * L);
    s3.intoArray(sums, 3 * L);
  }

  /** C[i, j] = alpha·sums[j·stride + i] + beta·C[i, j] for i < rows, j < w, as {@link GemmDriver#mergeEdge} does. */
  private static void merge(float[] sums, int stride, int rows, int w, float alpha, float beta, float[] c, int cAt, int ldc) {
    for (int i = 0; i < rows; i++) {
      int row = cAt + i * ldc;
      for (int j = 0; j < w; j++) {
        float v = alpha * sums[j * stride + i];
        c[row + j] = beta == 0f ? v : v + beta * c[row + j];
      }
    }
  }
}
