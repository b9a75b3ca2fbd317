// binary_ops.cuh -- op(a, b) for every duel_binary_op and the strided index walk of duel_strided_t.
#pragma once
#include "common.cuh"

// ℓ(x, t) = max(x, 0) − x·t + log1p(e^−|x|): the stable form of −t·log σ(x) − (1−t)·log(1−σ(x)).
__device__ __forceinline__ float duel_bce_with_logits(float x, float t) {
  return duel_max(x, 0.0f) - x * t + log1pf(expf(-fabsf(x)));
}

__device__ __forceinline__ float duel_binary_value(int op, float a, float b) {
  switch (op) {
    case DUEL_BINARY_ADD: return a + b;
    case DUEL_BINARY_SUB: return a - b;
    case DUEL_BINARY_MUL: return a * b;
    case DUEL_BINARY_DIV: return a / b;
    case DUEL_BINARY_MAX: return duel_max(a, b);
    case DUEL_BINARY_MIN: return duel_min(a, b);
    case DUEL_BINARY_GT: return a > b ? 1.0f : 0.0f;
    case DUEL_BINARY_EQ: return a == b ? 1.0f : 0.0f;
    case DUEL_BINARY_BCE_WITH_LOGITS: return duel_bce_with_logits(a, b);  // a = logit x, b = target t
    case DUEL_BINARY_BCE_WITH_LOGITS_GRAD: return duel_sigmoid(a) - b;    // ∂ℓ/∂x = σ(x) − t
    default: return duel_nan();
  }
}

// Index spaces with at most this many elements use 32-bit index arithmetic. The sanitizer build of the
// host emulation lowers it, so the 64-bit path runs on small test sizes too.
#ifndef DUEL_INDEX32_LIMIT
#define DUEL_INDEX32_LIMIT 0x7fffffffLL
#endif

// Offsets of element i (row-major over s.shape[0..rank)) in both operands:
//   o0 = Σ_d i_d·stride0[d], o1 = Σ_d i_d·stride1[d].
// I is the index type: 32-bit unsigned when the element count fits (a 64-bit division costs ~4x more).
// The loop is unrolled over all 8 dims so the struct's fields stay in the parameter bank.
template <class I>
__device__ __forceinline__ void duel_strided_offsets(const duel_strided_t& s, I i, long long& o0, long long& o1) {
  o0 = 0;
  o1 = 0;
#pragma unroll
  for (int d = DUEL_MAX_RANK - 1; d >= 0; --d) {
    if (d < s.rank) {
      const I ext = (I)s.shape[d];
      const I q = i / ext;
      const long long id = (long long)(i - q * ext);
      i = q;
      o0 += id * s.stride0[d];
      o1 += id * s.stride1[d];
    }
  }
}

// Π shape[0..rank): the element count of the index space (1 for rank 0).
__device__ __forceinline__ long long duel_strided_count(const duel_strided_t& s) {
  long long n = 1;
#pragma unroll
  for (int d = 0; d < DUEL_MAX_RANK; ++d) if (d < s.rank) n *= s.shape[d];
  return n;
}
