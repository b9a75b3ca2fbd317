package dev.duel.engine.cuda;

import dev.duel.engine.ConvShape;

/**
 * Convolution on Duel's kernels when cuDNN is not used: im2col, then GEMM (cuBLAS or Duel's SGEMM,
 * whichever the backend runs), then col2im for the data gradient (ABI.md "Convolution"). The column
 * matrix of image b is (C·R·S) × (P·Q); images are processed in chunks whose columns fit in
 * {@link #CHUNK_FLOATS}, in scratch blocks from the allocator.
 *
 * <pre>
 *   forward         col_b = im2col(x_b);  y_b = W · col_b                  (W is K × CRS; one batched GEMM)
 *   backwardData    gcol_b = Wᵀ · gy_b;   gx_b = col2im(gcol_b)           (one batched GEMM)
 *   backwardFilter  gW = Σ_b gy_b · col_bᵀ = [gy_0 … gy_nb] · [col_0 … col_nb]ᵀ   (one GEMM, k = nb·P·Q)
 * </pre>
 */
final class KernelConv {
  /** Largest column scratch per chunk: 16 Mi floats (64 MiB). */
  static final long CHUNK_FLOATS = 16L << 20;

  private final CudaBackend be;
  /** The chunk limit in floats (tests lower it to run the multi-chunk paths on small shapes). */
  long chunkFloats = CHUNK_FLOATS;

  KernelConv(CudaBackend be) {
    this.be = be;
  }

  private static long colFloats(ConvShape s) {
    return (long) s.c() * s.r() * s.s() * s.p() * s.q();
  }

  /** Images per chunk: as many as fit in chunkFloats, at least one. */
  private int chunk(ConvShape s) {
    return (int) Math.max(1, Math.min(s.n(), chunkFloats / Math.max(1, colFloats(s))));
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
    // Columns and gy are laid out image by image ([nb][CRS][PQ], [nb][K][PQ]); one GEMM over all images of a
    // chunk wants the images inside the rows: [CRS][nb·PQ] and [K][nb·PQ]. Two strided copies make them, so
    // a chunk is 4 launches and one GEMM with k = nb·PQ (not nb small GEMMs with k = PQ).
    int chunk = (int) Math.max(1, Math.min(chunk(s), chunkFloats / Math.max(1, (long) s.k() * pq)));
    try (CudaBackend.Scratch col = be.scratch(chunk * colFloats(s), op + " im2col columns");
         CudaBackend.Scratch colT = be.scratch(chunk * colFloats(s), op + " transposed columns");
         CudaBackend.Scratch gyT = be.scratch((long) chunk * s.k() * pq, op + " transposed gy")) {
      for (int b0 = 0; b0 < s.n(); b0 += chunk) {
        int nb = Math.min(chunk, s.n() - b0);
        long rowLen = (long) nb * pq;
        im2col(s, x + 4L * b0 * s.c() * s.h() * s.w(), col.address(0), nb);
        StridedLaunch.copy(be.device(), StridedLayout.of(new int[] {nb, crs, pq}, new long[] {(long) crs * pq, pq, 1},
            new long[] {pq, rowLen, 1}), col.address(0), colT.address(0), op);
        StridedLaunch.copy(be.device(), StridedLayout.of(new int[] {nb, s.k(), pq}, new long[] {(long) s.k() * pq, pq, 1},
            new long[] {pq, rowLen, 1}), gy + 4L * b0 * s.k() * pq, gyT.address(0), op);
        // gW (K × CRS) (+)= gyT (K × nb·PQ) · colTᵀ
        be.gemm(false, true, s.k(), crs, (int) rowLen, 1f, gyT.address(0), (int) rowLen, 0, colT.address(0),
            (int) rowLen, 0, b0 == 0 ? 0f : 1f, gw, crs, 0, 1, op);
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
