// upsample.cu -- nearest-neighbour upsampling by an integer factor f, NCHW.
// Launch: block (256,1,1), grid (min(ceil(total/256), 65535),1,1) with total = N·C·(H·f)·(W·f) forward,
// N·C·H·W backward. No dynamic shared memory.
#include "common.cuh"

// y[b,c,h·f + i, w·f + j] = x[b,c,h,w] for i, j < f   (y is N×C×Hf×Wf).
extern "C" __global__ void duel_upsample_nearest_fwd_f32(int n, int c, int h, int w, int f, const float* x, float* y) {
  const long long ho = (long long)h * f, wo = (long long)w * f;
  const long long total = (long long)n * c * ho * wo;
  for (long long e = duel_thread_index(); e < total; e += duel_thread_count()) {
    const long long xo = e % wo, t = e / wo, yo = t % ho, plane = t / ho;
    y[e] = x[(plane * h + yo / f) * w + xo / f];
  }
}

// gx[b,c,h,w] = Σ_{i,j<f} gy[b,c,h·f + i, w·f + j]. Overwrites gx (gathered: no atomics).
extern "C" __global__ void duel_upsample_nearest_bwd_f32(int n, int c, int h, int w, int f, const float* gy, float* gx) {
  const long long ho = (long long)h * f, wo = (long long)w * f;
  const long long total = (long long)n * c * h * w;
  for (long long e = duel_thread_index(); e < total; e += duel_thread_count()) {
    const long long xw = e % w, t = e / w, xh = t % h, plane = t / h;
    const float* g = gy + (plane * ho + xh * f) * wo + xw * f;
    float acc = 0.0f;
    for (int i = 0; i < f; ++i)
      for (int j = 0; j < f; ++j) acc += g[(long long)i * wo + j];
    gx[e] = acc;
  }
}
