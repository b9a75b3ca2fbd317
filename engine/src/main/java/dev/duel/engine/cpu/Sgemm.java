package dev.duel.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM on the CPU, row-major: C = alpha·op(A)·op(B) + beta·C, op(A) m×k, op(B) k×n.
 * With transA, A is stored k×m (element (i, p) of op(A) at a[aOff + p·lda + i]); likewise B.
 * Only C is modified. beta = 0 never reads C (NaN there does not propagate); alpha = 0 or k = 0 never
 * reads A or B.
 *
 * <p>How: packed and blocked (Goto/BLIS), see {@link GemmDriver}; A and B are packed into micro-panels
 * by {@link SgemmPack} and multiplied by the SIMD micro-kernel {@link SgemmKernel} on all cores of
 * {@link CpuPool}, C cut into one block per thread, each packing its own operands, unless that would copy
 * too much ({@link GemmDriver#privateParts}). Pack buffers are per thread and reused: a warm packed call allocates nothing. Products
 * with a dimension of 1 (a GEMV or an outer product) take {@link SgemmSkinny}'s unpacked level-2
 * loops; other small products (m·n·k below {@value #SMALL_WORK}) a plain serial loop; Aᵀ·B with a small B
 * {@link SgemmInPlace}'s tiles, which read both where they lie. Thread-safe.
 * {@link CpuReference#gemm} is the naive reference.
 */
public final class Sgemm {
  private Sgemm() {}

  /** Below this many multiply-adds the blocked path's packing and thread wake-up do not pay off. */
  static final long SMALL_WORK = 40_000;

  private static final VectorSpecies<Float> F = SgemmKernel.F;

  /**
   * How this JVM multiplies, for {@code duel info}: the micro-kernel's tile (MR rows × NR columns, NR two
   * vectors of the preferred species, so it follows the vector width the JVM detected: 4×16 with AVX2,
   * 8×32 with AVX-512; 12×32 for products of at least {@link SgemmKernel#LARGE_M} rows on an AVX-512 Intel CPU or Zen 5), the threads of {@link CpuPool}, and how a product is spread over them (the
   * private split's copy budget, {@link GemmDriver#SPLIT_COPY_FLOATS}; the level-2 products' split threshold,
   * {@link SgemmSkinny#PARALLEL_ELEMENTS}, which depends on the {@link CpuModel}), the large products' order
   * ({@link GemmStreamA}) where the 12-row tile is taken, which Aᵀ·B products {@link SgemmInPlace} reads unpacked, and
   * whether packed panels start on cache lines
   * ({@link HeapAlignment}).
   */
  public static String describe() {
    return String.format(java.util.Locale.ROOT,
        "micro-kernel %d×%d (%d accumulators of %d-bit vectors)%s, blocks MC %d KC %d NC %d%s; n = 1, m = 1, k = 1 unpacked"
            + " (split over the threads from %d elements, A·x from %d); %s; %d threads, %s; packed panels %s",
        SgemmKernel.ROWS, SgemmKernel.NR, 2 * SgemmKernel.ROWS, F.vectorBitSize(),
        SgemmKernel.LARGE_ROWS == SgemmKernel.ROWS ? ""
            : String.format(java.util.Locale.ROOT, ", %d×%d from m = %d", SgemmKernel.LARGE_ROWS, SgemmKernel.NR, SgemmKernel.LARGE_M),
        GemmDriver.MC, GemmDriver.KC, GemmDriver.NC,
        SgemmKernel.LARGE_ROWS == GemmStreamA.MR
            ? String.format(java.util.Locale.ROOT, " (m, n, k ≥ %d: A streamed past B blocks of %d KiB in L2, %d columns at slices of %d, slices ≤ %d deep)",
                GemmStreamA.MIN_SIDE, GemmStreamA.BLOCK_FLOATS * Float.BYTES / 1024, GemmStreamA.blockColumns(GemmStreamA.KC),
                GemmStreamA.KC, GemmStreamA.KC)
            : "",
        SgemmSkinny.PARALLEL_ELEMENTS, SgemmSkinny.DOTS_PARALLEL_ELEMENTS,
        SgemmInPlace.ENABLED ? "Aᵀ·B with k·n ≤ " + SgemmInPlace.B_FLOATS + " read in place, unpacked; A·B with k·n ≤ "
            + SgemmInPlace.PACKED_A_B_FLOATS + ", B read in place" : "Aᵀ·B and A·B always packed",
        CpuPool.threads(), GemmDriver.SPLIT_COPY_FLOATS == 0 ? "shared packing always"
            : "C cut per thread while the packed copies stay within " + GemmDriver.SPLIT_COPY_FLOATS + " floats",
        HeapAlignment.available() ? "start on cache lines" : "start where their arrays do (no native access to find the lines)");
  }

  public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc) {
    checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    if (m == 0 || n == 0) return;
    if (k == 0 || alpha == 0f) {
      scaleC(m, n, beta, c, cOff, ldc);
    } else if (SgemmSkinny.handles(m, n, k)) {
      SgemmSkinny.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    } else if ((long) m * n * k < SMALL_WORK) {
      small(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    } else if (SgemmInPlace.takes(transA, transB, m, n, k)) {
      SgemmInPlace.sgemm(transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    } else {
      blocked(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
  }

  // ---- the blocked path: GemmDriver over the matrices' packers -------------------------------------

  /** The two packers of a plain matrix product, reused per calling thread. */
  private static final class Packers {
    final MatrixA a = new MatrixA();
    final MatrixB b = new MatrixB();
  }

  private static final ThreadLocal<Packers> PACKERS = ThreadLocal.withInitial(Packers::new);

  private static void blocked(boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc) {
    Packers p = PACKERS.get();
    MatrixA pa = p.a.busy ? new MatrixA() : p.a;
    MatrixB pb = p.b.busy ? new MatrixB() : p.b;
    pa.set(transA, a, aOff, lda);
    pb.set(transB, b, bOff, ldb);
    try {
      GemmDriver.gemm(SgemmKernel.rowsFor(m), m, n, k, alpha, pa, pb, beta, c, cOff, ldc);
    } finally {
      pa.clear();
      pb.clear();
    }
  }

  /** op(A) of a row-major matrix. */
  static final class MatrixA implements GemmDriver.APacker {
    boolean trans, busy;
    float[] a;
    int off, ld;

    void set(boolean trans, float[] a, int off, int ld) {
      this.trans = trans;
      this.a = a;
      this.off = off;
      this.ld = ld;
      busy = true;
    }

    void clear() {
      a = null;
      busy = false;
    }

    @Override
    public void packA(int i0, int mc, int p0, int kc, int mr, float[] ap, int apOff) {
      SgemmPack.packA(trans, a, off, ld, i0, mc, p0, kc, mr, ap, apOff);
    }

    @Override
    public boolean packAGathers() {
      return !trans;
    }
  }

  /** op(B) of a row-major matrix. */
  static final class MatrixB implements GemmDriver.BPacker {
    boolean trans, busy;
    float[] b;
    int off, ld;

    void set(boolean trans, float[] b, int off, int ld) {
      this.trans = trans;
      this.b = b;
      this.off = off;
      this.ld = ld;
      busy = true;
    }

    void clear() {
      b = null;
      busy = false;
    }

    @Override
    public void packB(int p0, int kc, int j0, int nc, int qFrom, int qTo, float[] bp, int bpOff) {
      SgemmPack.packB(trans, b, off, ld, p0, kc, j0, nc, qFrom, qTo, bp, bpOff);
    }

    @Override
    public boolean packBGathers() {
      return trans;
    }
  }

  // ---- the small path ---------------------------------------------------------------------------

  /** The serial loops for small products: scale C by beta, then add alpha·op(A)·op(B) row by row. */
  private static void small(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
    scaleC(m, n, beta, c, cOff, ldc);
    int upper = F.loopBound(n);
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      if (!transB) {
        // C[i, :] += (alpha·A[i, p])·B[p, :], B's rows contiguous.
        for (int p = 0; p < k; p++) {
          float av = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
          int src = bOff + p * ldb;
          FloatVector va = FloatVector.broadcast(F, av);
          int j = 0;
          for (; j < upper; j += F.length()) {
            FloatVector.fromArray(F, b, src + j).fma(va, FloatVector.fromArray(F, c, row + j)).intoArray(c, row + j);
          }
          for (; j < n; j++) c[row + j] += av * b[src + j];
        }
      } else {
        // C[i, j] += alpha·Σ_p A[i, p]·B[j, p], B's rows (over p) contiguous.
        for (int j = 0; j < n; j++) {
          int src = bOff + j * ldb;
          float acc = 0f;
          if (transA) {
            for (int p = 0; p < k; p++) acc += a[aOff + p * lda + i] * b[src + p];
          } else {
            int arow = aOff + i * lda;
            for (int p = 0; p < k; p++) acc += a[arow + p] * b[src + p];
          }
          c[row + j] += alpha * acc;
        }
      }
    }
  }

  /** C = beta·C; with beta = 0, C = 0 without reading it. */
  private static void scaleC(int m, int n, float beta, float[] c, int cOff, int ldc) {
    if (beta == 1f) return;
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      if (beta == 0f) java.util.Arrays.fill(c, row, row + n, 0f);
      else for (int j = 0; j < n; j++) c[row + j] *= beta;
    }
  }

  // ---- argument checks ----------------------------------------------------------------------------

  private static void checkArgs(boolean transA, boolean transB, int m, int n, int k,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException("sgemm: negative size m=" + m + " n=" + n + " k=" + k);
    }
    checkMatrix("A", transA ? k : m, transA ? m : k, a, aOff, lda, transA ? "k×m (transA)" : "m×k");
    checkMatrix("B", transB ? n : k, transB ? k : n, b, bOff, ldb, transB ? "n×k (transB)" : "k×n");
    checkMatrix("C", m, n, c, cOff, ldc, "m×n");
  }

  /** A rows×cols row-major matrix at arr[off], rows ld apart, must fit in arr. */
  private static void checkMatrix(String name, int rows, int cols, float[] arr, int off, int ld, String layout) {
    if (ld < cols || ld < 0) {
      throw new IllegalArgumentException("sgemm: ld" + name.toLowerCase() + "=" + ld + " is less than the "
          + cols + " columns of " + name + " (" + layout + ", " + rows + "x" + cols + "); pass its row stride");
    }
    if (off < 0) throw new IllegalArgumentException("sgemm: negative offset " + off + " for " + name);
    if (rows == 0 || cols == 0) return;
    long last = off + (long) (rows - 1) * ld + cols - 1;
    if (arr == null || last >= arr.length) {
      throw new IllegalArgumentException("sgemm: " + name + " (" + layout + ", " + rows + "x" + cols + ", ld=" + ld
          + ", offset " + off + ") needs " + (last + 1) + " floats but the array has "
          + (arr == null ? "none (null)" : arr.length));
    }
  }
}
