// conv.cu -- im2col / col2im, the fallback convolution (with gemm.cu) when cuDNN does not load.
// Shapes (ConvShape): x N×C×H×W, weight K×C×R×S, y N×K×P×Q, P = (H + 2·padH − R)/strideH + 1 (Q alike).
// The column matrix of image b is (C·R·S) × (P·Q), images one after another:
//   col[b][(c·R + r)·S + s][p·Q + q] = x[b][c][p·strideH + r − padH][q·strideW + s − padW]  (0 outside).
// Then y_b = W (K × CRS) · col_b (CRS × PQ) is one strided-batched gemm (strideA = 0), the data gradient is
// gcol_b = Wᵀ·gy_b followed by col2im, and the filter gradient Σ_b gy_b·col_bᵀ.
// Launch: block (256,1,1), grid (min(ceil(total/256), 65535),1,1), total = N·C·R·S·P·Q (im2col) or
// N·C·H·W (col2im). `n` may be a sub-batch (pass x and col offset to its first image). No dynamic smem.
#include "common.cuh"

// col = im2col(x) for n images (layout above). Overwrites col.
extern "C" __global__ void duel_im2col_f32(const float* x, float* col, int n, int c, int h, int w, int r, int s,
                                           int strideH, int strideW, int padH, int padW, int p, int q) {
  const long long total = (long long)n * c * r * s * p * q;
  for (long long idx = duel_thread_index(); idx < total; idx += duel_thread_count()) {
    long long t = idx;
    const int qi = (int)(t % q); t /= q;
    const int pi = (int)(t % p); t /= p;
    const int si = (int)(t % s); t /= s;
    const int ri = (int)(t % r); t /= r;
    const int ci = (int)(t % c);
    const long long b = t / c;
    const int hi = pi * strideH + ri - padH, wi = qi * strideW + si - padW;
    col[idx] = (hi >= 0 && hi < h && wi >= 0 && wi < w) ? x[((b * c + ci) * h + hi) * w + wi] : 0.0f;
  }
}

// x[b][c][h][w] = Σ_{r,s} col[b][(c·R + r)·S + s][p·Q + q] over the (r, s) with p = (h + padH − r)/strideH
// and q = (w + padW − s)/strideW integral and inside the output: the adjoint of im2col, gathered per input
// element (no atomics, deterministic). Overwrites x.
extern "C" __global__ void duel_col2im_f32(const float* col, float* x, int n, int c, int h, int w, int r, int s,
                                           int strideH, int strideW, int padH, int padW, int p, int q) {
  const long long total = (long long)n * c * h * w;
  const long long pq = (long long)p * q;
  for (long long idx = duel_thread_index(); idx < total; idx += duel_thread_count()) {
    long long t = idx;
    const int wi = (int)(t % w); t /= w;
    const int hi = (int)(t % h); t /= h;
    const int ci = (int)(t % c);
    const long long b = t / c;
    const float* colc = col + (b * c + ci) * (long long)r * s * pq;  // rows (c·R + r)·S + s of image b
    float acc = 0.0f;
    for (int ri = 0; ri < r; ++ri) {
      const int ph = hi + padH - ri;
      if (ph < 0 || ph % strideH != 0 || ph / strideH >= p) continue;
      const int pi = ph / strideH;
      for (int si = 0; si < s; ++si) {
        const int pw = wi + padW - si;
        if (pw < 0 || pw % strideW != 0 || pw / strideW >= q) continue;
        const int qi = pw / strideW;
        acc += colc[((long long)ri * s + si) * pq + (long long)pi * q + qi];
      }
    }
    x[idx] = acc;
  }
}
