package dev.duel.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The products of {@link Sgemm} with a dimension of 1, which the packed path handles badly: a 1-wide
 * B panel padded to NR columns does NR times the work, and a 1-deep product packs both operands to
 * multiply them once. These are a GAN's commonest small shapes: D's last layer (n = 1: scores =
 * h·w), its weight gradient (n = 1 with transA: dW = hᵀ·dscores) and its input gradient (k = 1:
 * dh = dscores·wᵀ). Three BLAS level-2 forms, none packing anything:
 *
 * <pre>
 *   n = 1:  y = alpha·op(A)·x + beta·y        (GEMV; x = op(B)[:, 0], y = C[:, 0])
 *   m = 1:  the same, transposed: C[0, :]ᵀ = op(B)ᵀ·op(A)[0, :]ᵀ
 *   k = 1:  C = alpha·u·vᵀ + beta·C           (GER;  u = op(A)[:, 0], v = op(B)[0, :])
 * </pre>
 *
 * GEMV has two memory orders. With op(A) = A (rows contiguous) each y_i is a dot product of a row
 * with x, eight rows at a time so each load of x feeds eight FMAs, and the eight rows' lanes are summed
 * by folds in registers. With op(A) = Aᵀ (A stored k×m,
 * the columns of op(A) contiguous) y accumulates x_p·A[p, :] over p, four p at a time so y is loaded
 * and stored once per four rows of A. Both stream A once, which bounds them: these products are
 * memory-bound (two flops per float of A), so large ones split along m over {@link CpuPool} for the
 * bandwidth of both cores, and small ones stay on the calling thread. Scratch is per thread and
 * reused: a warm serial call allocates nothing, a parallel one only its loop body.
 */
final class SgemmSkinny {
  private SgemmSkinny() {}

  private static final VectorSpecies<Float> F = SgemmKernel.F;
  private static final int L = F.length();

  /**
   * Elements of A (GEMV) or C (GER) below which one thread does it all, chosen per machine
   * ({@link #defaultParallelElements}); {@code -Dduel.skinny.parallel} overrides it (for A/B runs; 0 splits
   * every product). {@code duel info} prints it.
   */
  static final long PARALLEL_ELEMENTS = parallelElements();

  /**
   * 64K floats (256 KB), the 256×256 products of mlp b256 split, except on an AMD Zen 5 or later: 128K, they stay
   * on one thread. Paired A/Bs of the 256×256 level-2 products (docs/benchmarks.md): on the 2-core Zen 5 the
   * serial JVMs took 0.86–0.98× the time of split ones (session 10); on the 2-core Zen 4 split JVMs took 0.66–0.78× the serial time for the GEMV and 0.72–0.90× for the outer
   * product (session 11), while 64×256 (16K) split took 1.05–1.19× the serial time. Other processors (AVX2 Zen 3,
   * Intel) were not measured and take the Zen 4's threshold.
   */
  static long defaultParallelElements(CpuModel cpu) {
    return cpu.amdZen5OrLater() ? 1 << 17 : 1 << 16;
  }

  /**
   * Elements of A from which the row-major GEMV (y = A·x: rows of dot products, independent per row) splits over
   * the threads: 64K everywhere ({@code -Dduel.skinny.parallelDots} overrides it). On the 2-core Zen 5 (session 23,
   * paired, 8 JVMs) the serial GEMV took 1.526× (1.498–1.555) the split one's time at NN:256x1x256, while split the
   * transposed GEMV took 1.17× (1.14–1.21) and the 256×256 outer product 1.61× (1.48–1.75) the serial time, so those
   * keep {@link #PARALLEL_ELEMENTS}.
   */
  static final long DOTS_PARALLEL_ELEMENTS = CpuSettings.read("duel.skinny.parallelDots", 1 << 16, 0, 1,
      "a number of elements >= 0 (the row-major GEMV size from which it splits over the threads)");

  private static long parallelElements() {
    return CpuSettings.read("duel.skinny.parallel", defaultParallelElements(CpuModel.HOST), 0, 1,
        "a number of elements >= 0 (the GEMV/GER size from which a product splits over the threads)");
  }

  /** Whether {@link #sgemm} takes this product: a dimension of 1. */
  static boolean handles(int m, int n, int k) {
    return n == 1 || m == 1 || k == 1;
  }

  /** Sgemm's contract (arguments already checked, m, n, k ≥ 1, alpha ≠ 0) for a product {@link #handles} takes. */
  static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                    float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float beta, float[] c, int cOff, int ldc) {
    if (n == 1) {
      // x_p = op(B)[p, 0]: b[bOff + p] with transB, b[bOff + p·ldb] without; y_i = C[i, 0] = c[cOff + i·ldc].
      gemv(transA, m, k, alpha, a, aOff, lda, b, bOff, transB ? 1 : ldb, beta, c, cOff, ldc);
    } else if (m == 1) {
      // op(B)ᵀ is n×k with element (j, p) = op(B)[p, j]: B read with the opposite transpose flag.
      // x_p = op(A)[0, p]: a[aOff + p·lda] with transA, a[aOff + p] without; y_j = C[0, j] = c[cOff + j].
      gemv(!transB, n, k, alpha, b, bOff, ldb, a, aOff, transA ? lda : 1, beta, c, cOff, 1);
    } else {
      ger(transA, transB, m, n, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
  }

  // ---- GEMV ---------------------------------------------------------------------------------------

  /** Per-thread scratch: x gathered to unit stride, and a block of y for the transposed form. */
  private static final class Scratch {
    float[] x = new float[0];
    float[] y = new float[0];
    final float[] lanes = new float[L];

    float[] x(int size) {
      if (x.length < size) x = new float[size];
      return x;
    }

    float[] y(int size) {
      if (y.length < size) y = new float[size];
      return y;
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * y = alpha·op(A)·x + beta·y for op(A) m×k: x_p = x[xOff + p·incx], y_i = y[yOff + i·incy].
   * Without transA, op(A)[i, p] = a[aOff + i·lda + p]; with it, a[aOff + p·lda + i].
   */
  static void gemv(boolean transA, int m, int k, float alpha, float[] a, int aOff, int lda,
                   float[] x, int xOff, int incx, float beta, float[] y, int yOff, int incy) {
    Scratch s = SCRATCH.get();
    float[] xs = x;
    int xs0 = xOff;
    if (incx != 1) {                       // gather x once: every row (or block of y) reads all of it
      xs = s.x(k);
      for (int p = 0; p < k; p++) xs[p] = x[xOff + p * incx];
      xs0 = 0;
    }
    if ((long) m * k < (transA ? PARALLEL_ELEMENTS : DOTS_PARALLEL_ELEMENTS) || CpuPool.runsInline()) {
      gemvRows(transA, 0, m, k, alpha, a, aOff, lda, xs, xs0, beta, y, yOff, incy);
      return;
    }
    // Chunks of whole vectors of y (the transposed form works on blocks of y), ≥ ~16K elements of A each.
    // The lambda is the one allocation of a parallel call, which streams ≥ 64K floats of A (≥ 10 µs).
    float[] xv = xs;
    int x0 = xs0;
    CpuPool.parallelFor((m + L - 1) / L, (int) Math.max(1, (1L << 14) / ((long) L * k)), (from, to) ->
        gemvRows(transA, from * L, (int) Math.min((long) to * L, m), k, alpha, a, aOff, lda, xv, x0, beta, y, yOff, incy));
  }

  /** Rows [i0, i1) of y = alpha·op(A)·x + beta·y, x at unit stride. */
  private static void gemvRows(boolean transA, int i0, int i1, int k, float alpha, float[] a, int aOff, int lda,
                               float[] x, int xOff, float beta, float[] y, int yOff, int incy) {
    if (transA) gemvColumns(i0, i1, k, alpha, a, aOff, lda, x, xOff, beta, y, yOff, incy);
    else gemvDots(i0, i1, k, alpha, a, aOff, lda, x, xOff, beta, y, yOff, incy);
  }

  /**
   * y_i = alpha·⟨A[i, :], x⟩ + beta·y_i for i in [i0, i1): eight rows per pass share each load of x (four,
   * then one, for the last rows, and wherever the vectors have fewer than 8 lanes).
   */
  private static void gemvDots(int i0, int i1, int k, float alpha, float[] a, int aOff, int lda,
                               float[] x, int xOff, float beta, float[] y, int yOff, int incy) {
    int upper = F.loopBound(k);
    float[] lanes = SCRATCH.get().lanes;
    int i = i0;
    if (L >= 8) {
      for (; i + 8 <= i1; i += 8) gemvDots8(i, k, upper, alpha, a, aOff, lda, x, xOff, beta, y, yOff, incy, lanes);
    }
    for (; i + 4 <= i1; i += 4) {
      int r0 = aOff + i * lda, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
      FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
      int p = 0;
      for (; p < upper; p += L) {
        FloatVector xv = FloatVector.fromArray(F, x, xOff + p);
        s0 = FloatVector.fromArray(F, a, r0 + p).fma(xv, s0);
        s1 = FloatVector.fromArray(F, a, r1 + p).fma(xv, s1);
        s2 = FloatVector.fromArray(F, a, r2 + p).fma(xv, s2);
        s3 = FloatVector.fromArray(F, a, r3 + p).fma(xv, s3);
      }
      float d0 = sumLanes(s0, lanes), d1 = sumLanes(s1, lanes), d2 = sumLanes(s2, lanes), d3 = sumLanes(s3, lanes);
      for (; p < k; p++) {
        float xp = x[xOff + p];
        d0 += a[r0 + p] * xp;
        d1 += a[r1 + p] * xp;
        d2 += a[r2 + p] * xp;
        d3 += a[r3 + p] * xp;
      }
      store(y, yOff + i * incy, alpha * d0, beta);
      store(y, yOff + (i + 1) * incy, alpha * d1, beta);
      store(y, yOff + (i + 2) * incy, alpha * d2, beta);
      store(y, yOff + (i + 3) * incy, alpha * d3, beta);
    }
    for (; i < i1; i++) {
      int r = aOff + i * lda;
      FloatVector s0 = FloatVector.zero(F);
      int p = 0;
      for (; p < upper; p += L) s0 = FloatVector.fromArray(F, a, r + p).fma(FloatVector.fromArray(F, x, xOff + p), s0);
      float d = sumLanes(s0, lanes);
      for (; p < k; p++) d += a[r + p] * x[xOff + p];
      store(y, yOff + i * incy, alpha * d, beta);
    }
  }

  // The folds of gemvDots8: fold s adds lanes c and c + s of one operand where c's bit s is clear and of
  // the other where it is set (SgemmTranspose's block swap, with an add instead of a second output).
  private static final FloatVector FOLD_LO_HALF = foldIndex(L / 2, false), FOLD_HI_HALF = foldIndex(L / 2, true);
  private static final FloatVector FOLD_LO_QUARTER = foldIndex(L / 4, false), FOLD_HI_QUARTER = foldIndex(L / 4, true);
  private static final FloatVector FOLD_LO_EIGHTH = foldIndex(L / 8, false), FOLD_HI_EIGHTH = foldIndex(L / 8, true);

  /** SgemmTranspose's stage selectors: lo lane c is u[c] where c's bit s is clear, v[c − s] where set; hi u[c + s], v[c]. */
  private static FloatVector foldIndex(int s, boolean hi) {
    return s < 1 ? null : SgemmTranspose.stageIndex(F, s, hi);  // s < 1: fewer than 8 lanes, gemvDots8 unused
  }

  /** fold(u, v): where c's bit s is clear, u[c] + u[c + s]; where set, v[c − s] + v[c]. */
  private static FloatVector fold(FloatVector lo, FloatVector hi, FloatVector u, FloatVector v) {
    return lo.selectFrom(u, v).add(hi.selectFrom(u, v));
  }

  /**
   * Rows [i, i + 8) of gemvDots (L ≥ 8): eight accumulators, then their lanes summed by three folds in
   * registers instead of eight stores and 8·L scalar adds. Fold L/2 pairs rows r and r + 4 (one per half
   * of a vector), L/4 pairs r and r + 2, L/8 pairs r and r + 1: afterwards lanes [r·L/8, (r+1)·L/8) hold
   * the partial sums of row r, in row order. With 16 lanes each row has two, added in lane order.
   * A fixed sequence of lane operations, so the sum is the same in the interpreter and in C2.
   */
  private static void gemvDots8(int i, int k, int upper, float alpha, float[] a, int aOff, int lda,
                                float[] x, int xOff, float beta, float[] y, int yOff, int incy, float[] lanes) {
    int r0 = aOff + i * lda, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
    int r4 = r3 + lda, r5 = r4 + lda, r6 = r5 + lda, r7 = r6 + lda;
    FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
    for (int p = 0; p < upper; p += L) {
      FloatVector xv = FloatVector.fromArray(F, x, xOff + p);
      s0 = FloatVector.fromArray(F, a, r0 + p).fma(xv, s0);
      s1 = FloatVector.fromArray(F, a, r1 + p).fma(xv, s1);
      s2 = FloatVector.fromArray(F, a, r2 + p).fma(xv, s2);
      s3 = FloatVector.fromArray(F, a, r3 + p).fma(xv, s3);
      s4 = FloatVector.fromArray(F, a, r4 + p).fma(xv, s4);
      s5 = FloatVector.fromArray(F, a, r5 + p).fma(xv, s5);
      s6 = FloatVector.fromArray(F, a, r6 + p).fma(xv, s6);
      s7 = FloatVector.fromArray(F, a, r7 + p).fma(xv, s7);
    }
    FloatVector t0 = fold(FOLD_LO_HALF, FOLD_HI_HALF, s0, s4), t1 = fold(FOLD_LO_HALF, FOLD_HI_HALF, s1, s5);
    FloatVector t2 = fold(FOLD_LO_HALF, FOLD_HI_HALF, s2, s6), t3 = fold(FOLD_LO_HALF, FOLD_HI_HALF, s3, s7);
    FloatVector u0 = fold(FOLD_LO_QUARTER, FOLD_HI_QUARTER, t0, t2), u1 = fold(FOLD_LO_QUARTER, FOLD_HI_QUARTER, t1, t3);
    fold(FOLD_LO_EIGHTH, FOLD_HI_EIGHTH, u0, u1).intoArray(lanes, 0);
    int per = L / 8;
    for (int r = 0; r < 8; r++) {
      float d = lanes[r * per];
      for (int j = 1; j < per; j++) d += lanes[r * per + j];
      int row = aOff + (i + r) * lda;
      for (int p = upper; p < k; p++) d += a[row + p] * x[xOff + p];
      store(y, yOff + (i + r) * incy, alpha * d, beta);
    }
  }

  /**
   * y_i = alpha·Σ_p A[p, i]·x_p + beta·y_i for i in [i0, i1), A stored k×m: t = Σ_p x_p·A[p, i0:i1]
   * in a unit-stride block, four rows of A per pass over it, then y = alpha·t + beta·y.
   */
  private static void gemvColumns(int i0, int i1, int k, float alpha, float[] a, int aOff, int lda,
                                  float[] x, int xOff, float beta, float[] y, int yOff, int incy) {
    int w = i1 - i0;
    float[] t = SCRATCH.get().y(w);
    java.util.Arrays.fill(t, 0, w, 0f);
    int upper = F.loopBound(w);
    int p = 0;
    for (; p + 4 <= k; p += 4) {
      int r0 = aOff + p * lda + i0, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
      float x0 = x[xOff + p], x1 = x[xOff + p + 1], x2 = x[xOff + p + 2], x3 = x[xOff + p + 3];
      FloatVector v0 = FloatVector.broadcast(F, x0), v1 = FloatVector.broadcast(F, x1);
      FloatVector v2 = FloatVector.broadcast(F, x2), v3 = FloatVector.broadcast(F, x3);
      int j = 0;
      for (; j < upper; j += L) {
        FloatVector acc = FloatVector.fromArray(F, t, j);
        acc = FloatVector.fromArray(F, a, r0 + j).fma(v0, acc);
        acc = FloatVector.fromArray(F, a, r1 + j).fma(v1, acc);
        acc = FloatVector.fromArray(F, a, r2 + j).fma(v2, acc);
        acc = FloatVector.fromArray(F, a, r3 + j).fma(v3, acc);
        acc.intoArray(t, j);
      }
      for (; j < w; j++) t[j] += a[r0 + j] * x0 + a[r1 + j] * x1 + a[r2 + j] * x2 + a[r3 + j] * x3;
    }
    for (; p < k; p++) {
      int r = aOff + p * lda + i0;
      float xp = x[xOff + p];
      FloatVector v = FloatVector.broadcast(F, xp);
      int j = 0;
      for (; j < upper; j += L) FloatVector.fromArray(F, a, r + j).fma(v, FloatVector.fromArray(F, t, j)).intoArray(t, j);
      for (; j < w; j++) t[j] += a[r + j] * xp;
    }
    for (int j = 0; j < w; j++) store(y, yOff + (i0 + j) * incy, alpha * t[j], beta);
  }

  /**
   * The lanes of v summed in lane order. Not reduceLanes(ADD): its order is unspecified and differs
   * between the interpreter and C2, and a GEMM's result must not depend on which ran it (bit-identical
   * resume in a fresh JVM; docs/architecture.md, CPU backend).
   */
  private static float sumLanes(FloatVector v, float[] lanes) {
    v.intoArray(lanes, 0);
    float s = 0f;
    for (int j = 0; j < L; j++) s += lanes[j];
    return s;
  }

  /** y[at] = v + beta·y[at]; beta = 0 never reads y (NaN there does not propagate). */
  private static void store(float[] y, int at, float v, float beta) {
    y[at] = beta == 0f ? v : v + beta * y[at];
  }

  // ---- GER ----------------------------------------------------------------------------------------

  /** C = alpha·u·vᵀ + beta·C: u_i = op(A)[i, 0], v_j = op(B)[0, j]; rows split over the pool when large. */
  static void ger(boolean transA, boolean transB, int m, int n, float alpha, float[] a, int aOff, int lda,
                  float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    Scratch s = SCRATCH.get();
    float[] v = b;
    int v0 = bOff;
    if (transB) {                          // op(B)[0, j] = b[bOff + j·ldb]: gather the row once
      v = s.x(n);
      for (int j = 0; j < n; j++) v[j] = b[bOff + j * ldb];
      v0 = 0;
    }
    int incu = transA ? 1 : lda;
    if ((long) m * n < PARALLEL_ELEMENTS || CpuPool.runsInline()) {
      gerRows(0, m, n, alpha, a, aOff, incu, v, v0, beta, c, cOff, ldc);
      return;
    }
    float[] vv = v;
    int vOff = v0;
    CpuPool.parallelFor(m, (int) Math.max(1, (1L << 14) / n), (from, to) ->
        gerRows(from, to, n, alpha, a, aOff, incu, vv, vOff, beta, c, cOff, ldc));
  }

  /**
   * Rows [i0, i1) of C = (alpha·u_i)·v + beta·C[i, :], u_i = a[aOff + i·incu]: two rows per pass share
   * each load of v (on the Zen 5 a 256×256 outer product took 0.7–0.85× the time of one row per pass),
   * the last odd row alone. Each element is computed as in the one-row form, so the bits do not change.
   */
  private static void gerRows(int i0, int i1, int n, float alpha, float[] a, int aOff, int incu,
                              float[] v, int vOff, float beta, float[] c, int cOff, int ldc) {
    int upper = F.loopBound(n);
    int i = i0;
    for (; i + 2 <= i1; i += 2) {
      float s0 = alpha * a[aOff + i * incu], s1 = alpha * a[aOff + (i + 1) * incu];
      FloatVector sv0 = FloatVector.broadcast(F, s0), sv1 = FloatVector.broadcast(F, s1);
      int r0 = cOff + i * ldc, r1 = r0 + ldc;
      int j = 0;
      if (beta == 0f) {
        for (; j < upper; j += L) {
          FloatVector vj = FloatVector.fromArray(F, v, vOff + j);
          vj.mul(sv0).intoArray(c, r0 + j);
          vj.mul(sv1).intoArray(c, r1 + j);
        }
        for (; j < n; j++) {
          c[r0 + j] = s0 * v[vOff + j];
          c[r1 + j] = s1 * v[vOff + j];
        }
      } else if (beta == 1f) {
        for (; j < upper; j += L) {
          FloatVector vj = FloatVector.fromArray(F, v, vOff + j);
          vj.fma(sv0, FloatVector.fromArray(F, c, r0 + j)).intoArray(c, r0 + j);
          vj.fma(sv1, FloatVector.fromArray(F, c, r1 + j)).intoArray(c, r1 + j);
        }
        for (; j < n; j++) {
          c[r0 + j] += s0 * v[vOff + j];
          c[r1 + j] += s1 * v[vOff + j];
        }
      } else {
        FloatVector bv = FloatVector.broadcast(F, beta);
        for (; j < upper; j += L) {
          FloatVector vj = FloatVector.fromArray(F, v, vOff + j);
          vj.fma(sv0, FloatVector.fromArray(F, c, r0 + j).mul(bv)).intoArray(c, r0 + j);
          vj.fma(sv1, FloatVector.fromArray(F, c, r1 + j).mul(bv)).intoArray(c, r1 + j);
        }
        for (; j < n; j++) {
          c[r0 + j] = s0 * v[vOff + j] + beta * c[r0 + j];
          c[r1 + j] = s1 * v[vOff + j] + beta * c[r1 + j];
        }
      }
    }
    if (i < i1) gerRow(i, n, alpha, a, aOff, incu, v, vOff, beta, c, cOff, ldc, upper);
  }

  /** Row i of C = (alpha·u_i)·v + beta·C[i, :]. */
  private static void gerRow(int i, int n, float alpha, float[] a, int aOff, int incu,
                             float[] v, int vOff, float beta, float[] c, int cOff, int ldc, int upper) {
    float s = alpha * a[aOff + i * incu];
    FloatVector sv = FloatVector.broadcast(F, s);
    int row = cOff + i * ldc;
    int j = 0;
    if (beta == 0f) {
      for (; j < upper; j += L) FloatVector.fromArray(F, v, vOff + j).mul(sv).intoArray(c, row + j);
      for (; j < n; j++) c[row + j] = s * v[vOff + j];
    } else if (beta == 1f) {
      for (; j < upper; j += L) {
        FloatVector.fromArray(F, v, vOff + j).fma(sv, FloatVector.fromArray(F, c, row + j)).intoArray(c, row + j);
      }
      for (; j < n; j++) c[row + j] += s * v[vOff + j];
    } else {
      FloatVector bv = FloatVector.broadcast(F, beta);
      for (; j < upper; j += L) {
        FloatVector.fromArray(F, v, vOff + j).fma(sv, FloatVector.fromArray(F, c, row + j).mul(bv)).intoArray(c, row + j);
      }
      for (; j < n; j++) c[row + j] = s * v[vOff + j] + beta * c[row + j];
    }
  }
}
