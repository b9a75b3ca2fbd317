// reduce.cu -- reductions of x viewed as contiguous (outer, len, inner):
//   out[o·inner + i] = ⊕_{l < len} f(x[(o·len + l)·inner + i])
// with ⊕ = + (SUM, SUM_SQUARES, MEAN), max or min (NaN-propagating), f(v) = v² for SUM_SQUARES else v, and
// MEAN dividing the sum by len. An empty reduction (len = 0) gives 0, −inf, +inf, 0 and NaN (MEAN).
// Three kernels pick the parallel layout; the host chooses (ABI.md):
//   inner = 1           duel_reduce_rows_f32:  one block per row of len contiguous values
//   inner > 1           duel_reduce_cols_f32:  one thread per output, coalesced across i
//   one huge reduction  duel_reduce_partial_f32 (many blocks) then duel_reduce_final_f32 (one block)
// No atomics: every result is deterministic. No dynamic shared memory.
#include "common.cuh"

__device__ __forceinline__ int duel_reduce_combine_kind(int op) {
  return op == DUEL_REDUCE_MAX ? DUEL_COMBINE_MAX : (op == DUEL_REDUCE_MIN ? DUEL_COMBINE_MIN : DUEL_COMBINE_SUM);
}
__device__ __forceinline__ float duel_reduce_map(int op, float v) { return op == DUEL_REDUCE_SUM_SQUARES ? v * v : v; }

// out[r] = ⊕_{l < len} f(x[r·len + l]) for r < rows.
// Launch: block (256,1,1) (any multiple of 32 up to 1024), grid (min(rows, 65535),1,1).
extern "C" __global__ void duel_reduce_rows_f32(int op, const float* x, float* out, int rows, int len) {
  const int kind = duel_reduce_combine_kind(op);
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* xr = x + (long long)r * len;
    float acc = duel_combine_identity(kind);
    for (int l = threadIdx.x; l < len; l += blockDim.x) acc = duel_combine(kind, acc, duel_reduce_map(op, xr[l]));
    acc = duel_block_reduce(kind, acc);
    if (threadIdx.x == 0) out[r] = op == DUEL_REDUCE_MEAN ? acc / (float)len : acc;
  }
}

// out[o·inner + i] = ⊕_{l < len} f(x[(o·len + l)·inner + i]) for o < outer, i < inner.
// Launch: block (256,1,1), grid (min(ceil(outer·inner/256), 65535),1,1).
extern "C" __global__ void duel_reduce_cols_f32(int op, const float* x, float* out, int outer, int len, int inner) {
  const int kind = duel_reduce_combine_kind(op);
  const long long total = (long long)outer * inner;
  for (long long j = duel_thread_index(); j < total; j += duel_thread_count()) {
    const long long o = j / inner, i = j - o * inner;
    const float* xo = x + o * len * inner + i;
    float acc = duel_combine_identity(kind);
    for (int l = 0; l < len; ++l) acc = duel_combine(kind, acc, duel_reduce_map(op, xo[(long long)l * inner]));
    out[j] = op == DUEL_REDUCE_MEAN ? acc / (float)len : acc;
  }
}

// First pass over all n values: partial[b] = ⊕ f(x[i]) over the i that block b visits (i = b·256 + t,
// stepping by the whole grid). Launch: block (256,1,1), grid (G,1,1) with G = min(ceil(n/256), 1024);
// partial holds G floats.
extern "C" __global__ void duel_reduce_partial_f32(int op, const float* x, float* partial, long long n) {
  const int kind = duel_reduce_combine_kind(op);
  float acc = duel_combine_identity(kind);
  for (long long i = duel_thread_index(); i < n; i += duel_thread_count()) acc = duel_combine(kind, acc, duel_reduce_map(op, x[i]));
  acc = duel_block_reduce(kind, acc);
  if (threadIdx.x == 0) partial[blockIdx.x] = acc;
}

// Second pass: out[0] = ⊕_{b < count} partial[b] (partials of SUM_SQUARES and MEAN are added), divided
// by n for MEAN. Launch: block (256,1,1), grid (1,1,1).
extern "C" __global__ void duel_reduce_final_f32(int op, const float* partial, int count, float* out, long long n) {
  const int kind = duel_reduce_combine_kind(op);
  float acc = duel_combine_identity(kind);
  for (int b = threadIdx.x; b < count; b += blockDim.x) acc = duel_combine(kind, acc, partial[b]);
  acc = duel_block_reduce(kind, acc);
  if (threadIdx.x == 0 && blockIdx.x == 0) out[0] = op == DUEL_REDUCE_MEAN ? acc / (float)n : acc;
}
