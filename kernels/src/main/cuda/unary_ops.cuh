// unary_ops.cuh -- op(x; α) and op'(x, y; α) for every duel_unary_op, used by duel_unary_fwd_f32 and
// duel_unary_bwd_f32. One kernel per direction takes the op code: the switch is uniform over the grid, so
// it costs no divergence, and the set of kernels stays small.
#pragma once
#include "common.cuh"

// y = op(x; α). NaN in x gives NaN out (relu and step included: relu(NaN) = NaN, step(NaN) = 0).
__device__ __forceinline__ float duel_unary_value(int op, float x, float alpha) {
  switch (op) {
    case DUEL_UNARY_NEG: return -x;
    case DUEL_UNARY_ABS: return fabsf(x);
    case DUEL_UNARY_SIGN: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x);  // ±0 and NaN pass through
    case DUEL_UNARY_STEP: return x > 0.0f ? 1.0f : 0.0f;
    case DUEL_UNARY_RELU: return (x > 0.0f || x != x) ? x : 0.0f;
    case DUEL_UNARY_LEAKY_RELU: return x > 0.0f ? x : alpha * x;
    case DUEL_UNARY_LEAKY_SLOPE: return x > 0.0f ? 1.0f : alpha;
    case DUEL_UNARY_TANH: return tanhf(x);
    case DUEL_UNARY_SIGMOID: return duel_sigmoid(x);
    case DUEL_UNARY_SOFTPLUS: return duel_max(x, 0.0f) + log1pf(expf(-fabsf(x)));  // max(x,0) + log1p(e^−|x|)
    case DUEL_UNARY_EXP: return expf(x);
    case DUEL_UNARY_LOG: return logf(x);
    case DUEL_UNARY_SQRT: return sqrtf(x);
    case DUEL_UNARY_RSQRT: return 1.0f / sqrtf(x);  // not rsqrtf: that one is approximate on the GPU
    case DUEL_UNARY_SQUARE: return x * x;
    case DUEL_UNARY_RECIPROCAL: return 1.0f / x;
    case DUEL_UNARY_POW: return powf(x, alpha);
    case DUEL_UNARY_SCALE: return alpha * x;
    case DUEL_UNARY_ADD_SCALAR: return x + alpha;
    default: return duel_nan();  // unknown op code: loud, never silently wrong
  }
}

// op'(x) written with y = op(x) where that is cheaper or more accurate.
__device__ __forceinline__ float duel_unary_derivative(int op, float x, float y, float alpha) {
  switch (op) {
    case DUEL_UNARY_NEG: return -1.0f;
    case DUEL_UNARY_ABS: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : 0.0f);  // sign(x), 0 at 0
    case DUEL_UNARY_SIGN: return 0.0f;
    case DUEL_UNARY_STEP: return 0.0f;
    case DUEL_UNARY_RELU: return x > 0.0f ? 1.0f : 0.0f;
    case DUEL_UNARY_LEAKY_RELU: return x > 0.0f ? 1.0f : alpha;
    case DUEL_UNARY_LEAKY_SLOPE: return 0.0f;
    case DUEL_UNARY_TANH: return 1.0f - y * y;
    case DUEL_UNARY_SIGMOID: return y * (1.0f - y);
    case DUEL_UNARY_SOFTPLUS: return duel_sigmoid(x);
    case DUEL_UNARY_EXP: return y;
    case DUEL_UNARY_LOG: return 1.0f / x;
    case DUEL_UNARY_SQRT: return 0.5f / y;
    case DUEL_UNARY_RSQRT: return -0.5f * y * y * y;  // d/dx x^−½ = −½·x^−3/2 = −½·y³
    case DUEL_UNARY_SQUARE: return 2.0f * x;
    case DUEL_UNARY_RECIPROCAL: return -(y * y);
    case DUEL_UNARY_POW: return alpha * powf(x, alpha - 1.0f);
    case DUEL_UNARY_SCALE: return alpha;
    case DUEL_UNARY_ADD_SCALAR: return 1.0f;
    default: return duel_nan();
  }
}

// Which operands op' reads: the backward kernel loads x only if needed, y only if needed.
__device__ __forceinline__ bool duel_unary_bwd_reads_x(int op) {
  return op == DUEL_UNARY_ABS || op == DUEL_UNARY_RELU || op == DUEL_UNARY_LEAKY_RELU
      || op == DUEL_UNARY_SOFTPLUS || op == DUEL_UNARY_LOG || op == DUEL_UNARY_SQUARE || op == DUEL_UNARY_POW;
}
__device__ __forceinline__ bool duel_unary_bwd_reads_y(int op) {
  return op == DUEL_UNARY_TANH || op == DUEL_UNARY_SIGMOID || op == DUEL_UNARY_EXP || op == DUEL_UNARY_SQRT
      || op == DUEL_UNARY_RSQRT || op == DUEL_UNARY_RECIPROCAL;
}
