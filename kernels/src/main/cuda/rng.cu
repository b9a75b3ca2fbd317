// rng.cu -- Philox4x32-10 fills: the same numbers as dev.duel.engine.Philox.fill for the same (seed, offset).
// Launch: block (256,1,1), grid (min(ceil(ceil(n/4)/256), 65535),1,1): one thread per counter block.
#include "common.cuh"
#include "philox.cuh"

// out[i] for i < n from the stream (seed, offset): element i uses counter block offset + ⌊i/4⌋, word i mod 4
// (philox.cuh). dist: 0 uniform on [a, b), 1 normal with mean a and std b, 2 bernoulli with P(1) = a; any other
// code fills NaN.
// The fill consumes ⌈n/4⌉ counter blocks; the next independent fill starts at offset + ⌈n/4⌉.
extern "C" __global__ void duel_random_f32(int dist, unsigned long long seed, unsigned long long offset, float a, float b,
                                           float* out, long long n) {
  const long long blocks = (n + 3) / 4;
  for (long long j = duel_thread_index(); j < blocks; j += duel_thread_count()) {
    unsigned w[4];
    duel_philox_block(seed, offset + (unsigned long long)j, w);
    const long long i0 = 4 * j;
    if (dist == DUEL_DIST_NORMAL) {
#pragma unroll 1
      for (int pair = 0; pair < 4; pair += 2) {  // not unrolled: one copy of the float64 math, not two
        float v0, v1;
        duel_philox_normal_pair(pair ? w[2] : w[0], pair ? w[3] : w[1], a, b, v0, v1);
        if (i0 + pair < n) out[i0 + pair] = v0;
        if (i0 + pair + 1 < n) out[i0 + pair + 1] = v1;
      }
    } else {
#pragma unroll
      for (int lane = 0; lane < 4; ++lane) {
        if (i0 + lane >= n) break;
        out[i0 + lane] = dist == DUEL_DIST_UNIFORM ? duel_philox_uniform(w[lane], a, b)
                       : dist == DUEL_DIST_BERNOULLI ? duel_philox_bernoulli(w[lane], a) : duel_nan();
      }
    }
  }
}
