// dropout.cu -- inverted dropout driven by the Philox stream (philox.cuh).
// Launch: block (256,1,1), grid (min(ceil(ceil(n/4)/256), 65535),1,1) for the forward (one thread per
// counter block), (min(ceil(n/256), 65535),1,1) for the backward. No dynamic shared memory.
#include "common.cuh"
#include "philox.cuh"

// With q = 1 − p (float), u_i the uniform of element i of the stream (seed, offset):
//   mask[i] = (u_i < q) ? 1/q : 0;  y[i] = x[i]·mask[i].
// The keep decisions are exactly random(BERNOULLI, seed, offset, a = q): a CPU backend composes the same
// mask from Backend.random and a scale. Consumes ⌈n/4⌉ counter blocks. y may be x.
extern "C" __global__ void duel_dropout_fwd_f32(const float* x, float* y, float* mask, long long n,
                                                unsigned long long seed, unsigned long long offset, float p) {
  const float q = 1.0f - p, scale = 1.0f / q;
  const long long blocks = (n + 3) / 4;
  for (long long j = duel_thread_index(); j < blocks; j += duel_thread_count()) {
    unsigned w[4];
    duel_philox_block(seed, offset + (unsigned long long)j, w);
#pragma unroll
    for (int lane = 0; lane < 4; ++lane) {
      const long long i = 4 * j + lane;
      if (i < n) {
        const float mi = duel_uniform01(w[lane]) < q ? scale : 0.0f;
        mask[i] = mi;
        y[i] = x[i] * mi;
      }
    }
  }
}

// gx[i] = gy[i]·mask[i]. gx may be gy.
extern "C" __global__ void duel_dropout_bwd_f32(const float* gy, const float* mask, float* gx, long long n) {
  for (long long i = duel_thread_index(); i < n; i += duel_thread_count()) gx[i] = gy[i] * mask[i];
}
