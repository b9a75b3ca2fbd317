// elementwise.cu -- fill, strided copy, unary ops, binary ops with broadcasting.
// Launch (all): block (256,1,1), grid (min(ceil(n/256), 65535),1,1), no dynamic shared memory; any grid
// of at least one block is correct (grid-stride loops). n = 0 is allowed.
#include "common.cuh"
#include "unary_ops.cuh"
#include "binary_ops.cuh"

// y[i] = value for i < n.
extern "C" __global__ void duel_fill_f32(float* y, long long n, float value) {
  for (long long i = duel_thread_index(); i < n; i += duel_thread_count()) y[i] = value;
}

// dst[Σ_d i_d·stride1[d]] = src[Σ_d i_d·stride0[d]] for every index i of s.shape (rank 0: one element).
// src and dst must not overlap unless they are the same contiguous range. A stride 0 in src broadcasts.
template <class I>
__device__ __forceinline__ void duel_copy_strided_loop(const float* src, float* dst, const duel_strided_t& s, long long n) {
  for (long long i = duel_thread_index(); i < n; i += duel_thread_count()) {
    long long os, od;
    duel_strided_offsets<I>(s, (I)i, os, od);
    dst[od] = src[os];
  }
}
extern "C" __global__ void duel_copy_strided_f32(const float* src, float* dst, duel_strided_t s) {
  const long long n = duel_strided_count(s);
  if (n <= DUEL_INDEX32_LIMIT) duel_copy_strided_loop<unsigned>(src, dst, s, n);
  else duel_copy_strided_loop<unsigned long long>(src, dst, s, n);
}

// y[i] = op(x[i]; α) for i < n (see unary_ops.cuh for each op). y may be x.
extern "C" __global__ void duel_unary_fwd_f32(int op, float alpha, const float* x, float* y, long long n) {
  for (long long i = duel_thread_index(); i < n; i += duel_thread_count()) y[i] = duel_unary_value(op, x[i], alpha);
}

// out[i] = op(a[i], b[i]) for i < n: the contiguous, same-shape case. out may be a or b.
extern "C" __global__ void duel_binary_fwd_f32(int op, const float* a, const float* b, float* out, long long n) {
  for (long long i = duel_thread_index(); i < n; i += duel_thread_count()) out[i] = duel_binary_value(op, a[i], b[i]);
}

// out[i] = op(a[Σ_d i_d·stride0[d]], b[Σ_d i_d·stride1[d]]) over s.shape, out contiguous (row-major).
// Broadcast dims have stride 0. out may be a when a is contiguous with out's layout.
template <class I>
__device__ __forceinline__ void duel_binary_strided_loop(int op, const float* a, const float* b, float* out,
                                                         const duel_strided_t& s, long long n) {
  for (long long i = duel_thread_index(); i < n; i += duel_thread_count()) {
    long long oa, ob;
    duel_strided_offsets<I>(s, (I)i, oa, ob);
    out[i] = duel_binary_value(op, a[oa], b[ob]);
  }
}
extern "C" __global__ void duel_binary_strided_fwd_f32(int op, const float* a, const float* b, float* out, duel_strided_t s) {
  const long long n = duel_strided_count(s);
  if (n <= DUEL_INDEX32_LIMIT) duel_binary_strided_loop<unsigned>(op, a, b, out, s, n);
  else duel_binary_strided_loop<unsigned long long>(op, a, b, out, s, n);
}
