package dev.duel.engine.cpu;

import dev.duel.engine.ConvShape;
import java.util.Arrays;

/**
 * Convolution on the CPU, NCHW, weights K×C×R×S, dilation 1, as implicit GEMMs on {@link GemmDriver}
 * (all cores). See {@link dev.duel.engine.Backend#conv2d}; {@link Conv2dReference} is the naive reference.
 *
 * <pre>
 * Shape legend: N batch, C in-channels, H×W input, K out-channels, R×S kernel, P×Q output; CRS = C·R·S,
 * NPQ = N·P·Q. With col = im2col(x) (CRS × NPQ) and gy' = gy viewed as K × NPQ:
 *   forward         y'  [K × NPQ]   = w [K × CRS] · col                 then y'  → y (N×K×P×Q)
 *   backwardFilter  gw  [K × CRS]   = gy' · colᵀ                          (a sum over n, p, q)
 *   backwardData    gcol[CRS × NPQ] = wᵀ · gy'                          then col2im(gcol) → gx
 * </pre>
 *
 * col and gy' are packed straight from a zero-padded copy of x and from gy through index tables
 * ({@link IndexedMatrix}), so im2col is never stored. backwardData stores gcol for a few images at a
 * time (so it stays in cache) and gathers it into gx plane by plane. Each method overwrites its output.
 * Scratch buffers are per calling thread and reused.
 */
public final class Conv2dCpu {
  private Conv2dCpu() {}

  /** Floats of gcol that backwardData keeps at once (4 MiB): a chunk of images fits in L3. */
  private static final int GCOL_CHUNK_FLOATS = 1 << 20;

  /** y[n,k,p,q] = Σ_{c,r,s} x[n,c,p·sh+r−ph, q·sw+s−pw] · w[k,c,r,s]. Overwrites y. */
  public static void forward(ConvShape s, float[] x, float[] w, float[] y) {
    check("forward", s, x, "x", w, "w", y, "y");
    if (s.n() == 0) return;
    Tables t = Tables.of(s, Workspace.get());
    float[] xp = t.padded(x);
    int npq = s.n() * t.pq, crs = t.crs, kk = s.k();
    IndexedMatrix col = new IndexedMatrix(xp, t.off, 0, t.base, 0);
    Sgemm.MatrixA wA = new Sgemm.MatrixA();
    wA.set(false, w, 0, crs);
    if (s.n() == 1) {
      GemmDriver.gemm(kk, npq, crs, 1f, wA, col, 0f, y, 0, npq);
      return;
    }
    float[] yt = t.ws.temp(kk * npq);
    GemmDriver.gemm(kk, npq, crs, 1f, wA, col, 0f, yt, 0, npq);
    // y'[k, n·PQ + pq] → y[n, k, pq]
    int pq = t.pq;
    CpuPool.parallelFor(s.n() * kk, Math.max(1, 4096 / pq), (from, to) -> {
      for (int nk = from; nk < to; nk++) {
        int n = nk / kk, k = nk % kk;
        System.arraycopy(yt, k * npq + n * pq, y, nk * pq, pq);
      }
    });
  }

  /** gw[k,c,r,s] = Σ_{n,p,q} gy[n,k,p,q] · x[n,c,p·sh+r−ph, q·sw+s−pw]. Overwrites gw. */
  public static void backwardFilter(ConvShape s, float[] x, float[] gy, float[] gw) {
    check("backwardFilter", s, x, "x", gw, "gw", gy, "gy");
    int kk = s.k(), crs = s.c() * s.r() * s.s();
    if (s.n() == 0) {
      Arrays.fill(gw, 0, kk * crs, 0f);
      return;
    }
    Tables t = Tables.of(s, Workspace.get());
    float[] xp = t.padded(x);
    int npq = s.n() * t.pq;
    // gw = gy' · colᵀ: A = gy' (rows k, depth j), B = colᵀ (depth j, columns crs).
    int tasks = ((kk + GemmDriver.MC - 1) / GemmDriver.MC) * ((crs + SgemmKernel.NR - 1) / SgemmKernel.NR);
    int splits = Math.min(CpuPool.threads(), Math.max(1, npq / 1024));
    if (tasks >= 2 * CpuPool.threads() || splits == 1) {
      GemmDriver.gemm(kk, crs, npq, 1f, new IndexedMatrix(gy, t.kRow, 0, t.gyBase, 0),
          new IndexedMatrix(xp, t.base, 0, t.off, 0), 0f, gw, 0, crs);
      return;
    }
    // Too few output tiles to share out (e.g. C = 1): split the sum over n·p·q instead, one partial
    // gw per split, each split a serial GEMM, then add the partials.
    float[] partial = t.ws.temp((splits - 1) * kk * crs);
    int[] kRow = t.kRow, gyBase = t.gyBase, base = t.base, off = t.off;
    CpuPool.parallelTasks(splits, (from, to) -> {
      for (int sp = from; sp < to; sp++) {
        int j0 = (int) ((long) sp * npq / splits), j1 = (int) ((long) (sp + 1) * npq / splits);
        float[] out = sp == 0 ? gw : partial;
        int outOff = sp == 0 ? 0 : (sp - 1) * kk * crs;
        GemmDriver.gemm(kk, crs, j1 - j0, 1f, new IndexedMatrix(gy, kRow, 0, gyBase, j0),
            new IndexedMatrix(xp, base, j0, off, 0), 0f, out, outOff, crs);
      }
    });
    int size = kk * crs;
    for (int sp = 1; sp < splits; sp++) {
      int at = (sp - 1) * size;
      for (int i = 0; i < size; i++) gw[i] += partial[at + i];
    }
  }

  /** gx = ∂/∂x of Σ gy·conv2d(x, w), the transposed convolution of gy with w. Overwrites gx. */
  public static void backwardData(ConvShape s, float[] gy, float[] w, float[] gx) {
    check("backwardData", s, gx, "gx", w, "w", gy, "gy");
    if (s.n() == 0) return;
    Tables t = Tables.of(s, Workspace.get());
    int crs = t.crs, pq = t.pq, kk = s.k();
    int chunk = Math.max(1, Math.min(s.n(), GCOL_CHUNK_FLOATS / (crs * pq)));
    float[] gcol = t.ws.temp(crs * chunk * pq);
    Sgemm.MatrixA wT = new Sgemm.MatrixA();
    wT.set(true, w, 0, crs);
    for (int n0 = 0; n0 < s.n(); n0 += chunk) {
      int cn = Math.min(chunk, s.n() - n0), cols = cn * pq;
      // gcol[crs, j] = Σ_k w[k, crs] · gy[n0 + j / PQ, k, j % PQ] for the images n0 … n0+cn−1
      GemmDriver.gemm(crs, cols, kk, 1f, wT, new IndexedMatrix(gy, t.kRow, 0, t.gyBase, n0 * pq), 0f, gcol, 0, cols);
      int first = n0;
      CpuPool.parallelFor(cn * s.c(), 1, (from, to) -> {
        for (int plane = from; plane < to; plane++) col2imPlane(s, gcol, cols, plane, first, gx);
      });
    }
  }

  /**
   * gx[n, c, ih, iw] = Σ_{r,s,p,q: p·sh+r−ph = ih, q·sw+s−pw = iw} gcol[(c,r,s), (n−n0)·PQ + p·Q + q] for
   * one plane (n, c) = (n0 + plane / C, plane % C); gcol rows are ld apart.
   */
  private static void col2imPlane(ConvShape s, float[] gcol, int ld, int plane, int n0, float[] gx) {
    int cc = s.c(), h = s.h(), w = s.w(), pp = s.p(), qq = s.q(), sh = s.strideH(), sw = s.strideW();
    int nl = plane / cc, c = plane % cc;
    int out = ((n0 + nl) * cc + c) * h * w;
    Arrays.fill(gx, out, out + h * w, 0f);
    for (int r = 0; r < s.r(); r++) {
      for (int t = 0; t < s.s(); t++) {
        int row = ((c * s.r() + r) * s.s() + t) * ld + nl * pp * qq;
        // valid q: 0 <= q·sw + t − pw < W
        int qLo = Math.max(0, ceilDiv(s.padW() - t, sw)), qHi = Math.min(qq, floorDiv(w - 1 + s.padW() - t, sw) + 1);
        for (int p = 0; p < pp; p++) {
          int ih = p * sh + r - s.padH();
          if (ih < 0 || ih >= h) continue;
          int dst = out + ih * w - s.padW() + t, src = row + p * qq;
          for (int q = qLo; q < qHi; q++) gx[dst + q * sw] += gcol[src + q];
        }
      }
    }
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }

  private static int floorDiv(int a, int b) {
    return Math.floorDiv(a, b);
  }

  // ---- index tables and scratch -------------------------------------------------------------------

  /** The index tables of one shape (see {@link IndexedMatrix}) over the padded input xp (N×C×Hp×Wp). */
  private static final class Tables {
    final ConvShape s;
    final Workspace ws;
    final int hp, wp, pq, crs;
    /** off[(c,r,s)] = c·Hp·Wp + r·Wp + s. */
    final int[] off;
    /** base[(n,p,q)] = n·C·Hp·Wp + p·sh·Wp + q·sw. */
    final int[] base;
    /** kRow[k] = k·PQ and gyBase[(n,p,q)] = n·K·PQ + p·Q + q: gy[n,k,p,q] = gy[kRow[k] + gyBase[j]]. */
    final int[] kRow, gyBase;

    private Tables(ConvShape s, Workspace ws) {
      this.s = s;
      this.ws = ws;
      hp = s.h() + 2 * s.padH();
      wp = s.w() + 2 * s.padW();
      pq = s.p() * s.q();
      crs = s.c() * s.r() * s.s();
      int npq = s.n() * pq;
      off = ws.ints(0, crs);
      for (int c = 0, i = 0; c < s.c(); c++)
        for (int r = 0; r < s.r(); r++)
          for (int t = 0; t < s.s(); t++) off[i++] = c * hp * wp + r * wp + t;
      base = ws.ints(1, npq);
      gyBase = ws.ints(2, npq);
      for (int n = 0, j = 0; n < s.n(); n++)
        for (int p = 0; p < s.p(); p++)
          for (int q = 0; q < s.q(); q++, j++) {
            base[j] = n * s.c() * hp * wp + p * s.strideH() * wp + q * s.strideW();
            gyBase[j] = n * s.k() * pq + p * s.q() + q;
          }
      kRow = ws.ints(3, s.k());
      for (int k = 0; k < s.k(); k++) kRow[k] = k * pq;
    }

    static Tables of(ConvShape s, Workspace ws) {
      return new Tables(s, ws);
    }

    /** x with zero borders of padH rows and padW columns (x itself when there is no padding). */
    float[] padded(float[] x) {
      if (s.padH() == 0 && s.padW() == 0) return x;
      int h = s.h(), w = s.w(), ph = s.padH(), pw = s.padW(), planes = s.n() * s.c();
      float[] xp = ws.padded(planes * hp * wp);
      CpuPool.parallelFor(planes, 16, (from, to) -> {
        for (int plane = from; plane < to; plane++) {
          int dst = plane * hp * wp, src = plane * h * w;
          Arrays.fill(xp, dst, dst + ph * wp, 0f);
          for (int ih = 0; ih < h; ih++) {
            int row = dst + (ih + ph) * wp;
            Arrays.fill(xp, row, row + pw, 0f);
            System.arraycopy(x, src + ih * w, xp, row + pw, w);
            Arrays.fill(xp, row + pw + w, row + wp, 0f);
          }
          Arrays.fill(xp, dst + (h + ph) * wp, dst + hp * wp, 0f);
        }
      });
      return xp;
    }
  }

  /** Per-thread scratch, grown on demand and reused. */
  private static final class Workspace {
    private static final ThreadLocal<Workspace> LOCAL = ThreadLocal.withInitial(Workspace::new);
    private float[] padded = new float[0], temp = new float[0];
    private final int[][] ints = new int[4][0];

    static Workspace get() {
      return LOCAL.get();
    }

    float[] padded(int size) {
      if (padded.length < size) padded = new float[size];
      return padded;
    }

    float[] temp(int size) {
      if (temp.length < size) temp = new float[size];
      return temp;
    }

    int[] ints(int slot, int size) {
      if (ints[slot].length < size) ints[slot] = new int[size];
      return ints[slot];
    }
  }

  // ---- argument checks ----------------------------------------------------------------------------

  /** Checks the sizes of the input-side tensor (x or gx), the weight-side (w or gw) and the output-side (y or gy). */
  private static void check(String op, ConvShape s, float[] xSide, String xName, float[] wSide, String wName,
                            float[] ySide, String yName) {
    long crs = (long) s.c() * s.r() * s.s();
    need(op, s, xName, xSide, (long) s.n() * s.c() * s.h() * s.w(), "N×C×H×W");
    need(op, s, wName, wSide, s.k() * crs, "K×C×R×S");
    need(op, s, yName, ySide, (long) s.n() * s.k() * s.p() * s.q(), "N×K×P×Q");
    long padded = (long) s.n() * s.c() * (s.h() + 2L * s.padH()) * (s.w() + 2L * s.padW());
    long col = crs * s.n() * s.p() * s.q();
    if (padded > Integer.MAX_VALUE - 64 || (long) s.k() * s.n() * s.p() * s.q() > Integer.MAX_VALUE - 64
        || crs * s.p() * s.q() > Integer.MAX_VALUE - 64 || col / Math.max(1, s.n()) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("conv2d " + op + ": " + s + " is too large for int indexing; split the batch");
    }
  }

  private static void need(String op, ConvShape s, String name, float[] arr, long need, String layout) {
    if (arr == null || arr.length < need) {
      throw new IllegalArgumentException("conv2d " + op + ": " + name + " must hold " + layout + " = " + need
          + " floats for " + s + " but has " + (arr == null ? "none (null)" : arr.length));
    }
  }
}
