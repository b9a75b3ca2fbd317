// embedding.cu -- row lookup and its gradient. weight is rows × dim; idx holds count int32 row indices.
// Launch: block (256,1,1), grid (min(ceil(count·dim/256), 65535),1,1). No dynamic shared memory.
#include "common.cuh"

// out[i, d] = weight[idx[i], d] for i < count, d < dim; an index outside [0, rows) gives a NaN row.
extern "C" __global__ void duel_embedding_gather_fwd_f32(const float* weight, int rows, int dim, const int* idx, int count,
                                                         float* out) {
  const long long total = (long long)count * dim;
  for (long long e = duel_thread_index(); e < total; e += duel_thread_count()) {
    const long long i = e / dim, d = e - i * dim;
    const int row = idx[i];
    out[e] = (row >= 0 && row < rows) ? weight[(long long)row * dim + d] : duel_nan();
  }
}

// gWeight[idx[i], d] += gOut[i, d]: accumulates; repeated indices add up through atomicAdd (so the order
// of those additions, and the last bits of such sums, may vary run to run). Indices outside [0, rows) are
// skipped.
extern "C" __global__ void duel_embedding_scatter_add_bwd_f32(const float* gOut, int rows, int dim, const int* idx, int count,
                                                              float* gWeight) {
  const long long total = (long long)count * dim;
  for (long long e = duel_thread_index(); e < total; e += duel_thread_count()) {
    const long long i = e / dim, d = e - i * dim;
    const int row = idx[i];
    if (row >= 0 && row < rows) atomicAdd(&gWeight[(long long)row * dim + d], gOut[e]);
  }
}
