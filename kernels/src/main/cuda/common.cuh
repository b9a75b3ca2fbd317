// common.cuh -- the only include of every kernel file: CUDA (nvcc) or its host emulation (g++), and the
// helpers the families share. Under g++ the emulation header comes from kernels/src/emu (-I).
#pragma once
#include "duel_abi.h"

#ifdef __CUDACC__
// Dynamic shared memory: the emulation cannot spell `extern __shared__ T x[]`, so kernels use this.
#define DYN_SHARED(T, name)                                                  \
  extern __shared__ __align__(16) unsigned char name##_raw[];                \
  T* name = reinterpret_cast<T*>(name##_raw)
#else
#include "cuda_host_emu.h"
#endif

// Grid-stride loop bounds: thread t of the grid visits i = t, t + T, t + 2T, ... (T = all threads).
__device__ __forceinline__ long long duel_thread_index() {
  return (long long)blockIdx.x * blockDim.x + threadIdx.x;
}
__device__ __forceinline__ long long duel_thread_count() {
  return (long long)gridDim.x * blockDim.x;
}

__device__ __forceinline__ float duel_nan() { return __int_as_float(0x7fc00000); }

// max/min with Java's Math.max/min NaN rule: a NaN operand gives NaN (fmaxf would drop it).
__device__ __forceinline__ float duel_max(float a, float b) { return (a > b || a != a) ? a : b; }
__device__ __forceinline__ float duel_min(float a, float b) { return (a < b || a != a) ? a : b; }

// σ(x) = 1 / (1 + e^−x); saturates to 0 and 1 without NaN.
__device__ __forceinline__ float duel_sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

// Combining kinds for block reductions.
enum { DUEL_COMBINE_SUM = 0, DUEL_COMBINE_MAX = 1, DUEL_COMBINE_MIN = 2 };

__device__ __forceinline__ float duel_combine(int kind, float a, float b) {
  return kind == DUEL_COMBINE_SUM ? a + b : (kind == DUEL_COMBINE_MAX ? duel_max(a, b) : duel_min(a, b));
}

__device__ __forceinline__ float duel_combine_identity(int kind) {
  return kind == DUEL_COMBINE_SUM ? 0.0f : (kind == DUEL_COMBINE_MAX ? -INFINITY : INFINITY);
}

// Reduces v over the block (blockDim.x a multiple of 32, at most 1024; blockDim.y = blockDim.z = 1).
// Every thread of the block must call it; the result is valid in thread 0 only.
// Lanes fold by shuffles (v_lane ⊕ v_lane+16, +8, ..., +1), warp totals meet in shared memory.
__device__ __forceinline__ float duel_block_reduce(int kind, float v) {
  __shared__ float warp_total[32];
  for (int o = 16; o > 0; o >>= 1) v = duel_combine(kind, v, __shfl_down_sync(0xffffffffu, v, o));
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
  __syncthreads();  // a previous call may still be reading warp_total
  if (lane == 0) warp_total[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < nwarps ? warp_total[lane] : duel_combine_identity(kind);
    for (int o = 16; o > 0; o >>= 1) v = duel_combine(kind, v, __shfl_down_sync(0xffffffffu, v, o));
  }
  return v;
}

// Block reduction broadcast to every thread of the block (same preconditions as duel_block_reduce).
__device__ __forceinline__ float duel_block_reduce_all(int kind, float v) {
  __shared__ float total;
  v = duel_block_reduce(kind, v);
  if (threadIdx.x == 0) total = v;
  __syncthreads();
  v = total;
  __syncthreads();  // total is rewritten by the next call
  return v;
}
