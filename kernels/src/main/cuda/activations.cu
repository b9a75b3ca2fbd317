// activations.cu -- the fused backward of every unary op (relu, leaky_relu, tanh, sigmoid, softplus, ...);
// the forward is duel_unary_fwd_f32 in elementwise.cu.
// Launch: block (256,1,1), grid (min(ceil(n/256), 65535),1,1), no dynamic shared memory.
#include "common.cuh"
#include "unary_ops.cuh"

// gx[i] = gy[i] · op'(x[i]) with y = op(x) (unary_ops.cuh lists op' per op). Overwrites gx; gx may be gy.
// x is read only by ops whose derivative needs it (abs, relu, leaky_relu, softplus, log, square, pow),
// y only by tanh, sigmoid, exp, sqrt, rsqrt, reciprocal: the other pointer may be 0.
extern "C" __global__ void duel_unary_bwd_f32(int op, float alpha, const float* x, const float* y,
                                              const float* gy, float* gx, long long n) {
  const bool rx = duel_unary_bwd_reads_x(op), ry = duel_unary_bwd_reads_y(op);
  for (long long i = duel_thread_index(); i < n; i += duel_thread_count()) {
    const float xi = rx ? x[i] : 0.0f, yi = ry ? y[i] : 0.0f;
    gx[i] = gy[i] * duel_unary_derivative(op, xi, yi, alpha);
  }
}
