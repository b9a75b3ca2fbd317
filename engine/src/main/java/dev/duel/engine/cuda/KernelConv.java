package dev.duel.engine.cuda;

import dev.duel.engine.ConvShape;

/**
 * Convolution on Duel's kernels when cuDNN is not used: im2col, then GEMM (cuBLAS or Duel's SGEMM,
 * whichever the backend runs), then col2im for the data gradient (ABI.md "Convolution"). The column
 * matrix of image b is (C·R·S) × (P·Q); images are processed in chunks whose columns fit in
 * {@link #CHUNK_FLOATS}, in a scratch block from the allocator.
 *
 * <pre>
 *   forward         col_b = im2col(x_b);  y_b = W · col_b                  (W is K × CRS)
 *   backwardData    gcol_b = Wᵀ · gy_b;   gx_b = col2im(gcol_b)
 *   backwardFilter  gW = Σ_b gy_b · col_bᵀ                                  (one GEMM per image, β = 1 after the first)
 * </pre>
 */
final class KernelConv {
  /** Largest column scratch per chunk: 16 Mi floats (64 MiB). */
  static final long CHUNK_FLOATS = 16L << 20;

  private final CudaBackend be;

  KernelConv(CudaBackend be) {
    this.be = be;
  }

  private static long colFloats(ConvShape s) {
    return (long) s.c() * s.r() * s.s() * s.p() * s.q();
  }

  /** Images per chunk: as many as fit in CHUNK_FLOATS, at least one. */
  private static int chunk(ConvShape s) {
    return (int) Math.max(1, Math.min(s.n(), CHUNK_FLOATS / Math.max(1, colFloats(s))));
  }

  void forward(ConvShape s, long x, long w, long y, String op) {
    if (s.n() == 0) return;
    int crs = s.c() * s.r() * s.s(), pq = s.p() * s.q(), chunk = chunk(s);
    try (CudaBackend.Scratch col = be.scratch(chunk * colFloats(s), op + " im2col columns")) {
      for (int b0 = 0; b0 < s.n(); b0 += chunk) {
        int nb = Math.min(chunk, s.n() - b0);
        im2col(s, x + 4L * b0 * s.c() * s.h() * s.w(), col.address(0), nb);
        be.gemm(false, false, s.k(), pq, crs, 1f, w, crs, 0, col.address(0), pq, (long) crs * pq, 0f,
            y + 4L * b0 * s.k() * pq, pq, (long) s.k() * pq, nb, op);
      }
    }
  }

  void backwardData(ConvShape s, long gy, long w, long gx, String op) {
    if (s.n() == 0) return;
    int crs = s.c() * s.r() * s.s(), pq = s.p() * s.q(), chunk = chunk(s);
    try (CudaBackend.Scratch col = be.scratch(chunk * colFloats(s), op + " col2im columns")) {
      for (int b0 = 0; b0 < s.n(); b0 += chunk) {
        int nb = Math.min(chunk, s.n() - b0);
        be.gemm(true, false, crs, pq, s.k(), 1f, w, crs, 0, gy + 4L * b0 * s.k() * pq, pq, (long) s.k() * pq, 0f,
            col.address(0), pq, (long) crs * pq, nb, op);
        col2im(s, col.address(0), gx + 4L * b0 * s.c() * s.h() * s.w(), nb);
      }
    }
  }

  void backwardFilter(ConvShape s, long x, long gy, long gw, String op) {
    int crs = s.c() * s.r() * s.s(), pq = s.p() * s.q();
    if (s.n() == 0) {
      be.device().fill32(gw, 0, (long) s.k() * crs, op);
      return;
    }
    int chunk = chunk(s);
    try (CudaBackend.Scratch col = be.scratch(chunk * colFloats(s), op + " im2col columns")) {
      for (int b0 = 0; b0 < s.n(); b0 += chunk) {
        int nb = Math.min(chunk, s.n() - b0);
        im2col(s, x + 4L * b0 * s.c() * s.h() * s.w(), col.address(0), nb);
        for (int i = 0; i < nb; i++) {
          int b = b0 + i;
          be.gemm(false, true, s.k(), crs, pq, 1f, gy + 4L * b * s.k() * pq, pq, 0, col.address((long) i * crs * pq),
              pq, 0, b == 0 ? 0f : 1f, gw, crs, 0, 1, op);
        }
      }
    }
  }

  private void im2col(ConvShape s, long x, long col, int nb) {
    be.device().launch(args(Kernel.IM2COL, s, x, col, nb), (long) nb * s.c() * s.r() * s.s() * s.p() * s.q());
  }

  private void col2im(ConvShape s, long col, long x, int nb) {
    be.device().launch(args(Kernel.COL2IM, s, col, x, nb), (long) nb * s.c() * s.h() * s.w());
  }

  // (in, out, n, c, h, w, r, s, strideH, strideW, padH, padW, p, q)
  private static KernelArgs args(Kernel k, ConvShape s, long in, long out, int nb) {
    return new KernelArgs(k).p(in).p(out).i(nb).i(s.c()).i(s.h()).i(s.w()).i(s.r()).i(s.s()).i(s.strideH())
        .i(s.strideW()).i(s.padH()).i(s.padW()).i(s.p()).i(s.q());
  }
}
