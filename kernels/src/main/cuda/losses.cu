// losses.cu -- per-element (or per-row) losses and their gradients.
// Forward kernels write the unreduced loss (reduce it with reduce.cu: SUM, or MEAN); backward kernels take
// the upstream gradient gy with a stride (0: one scalar for all, as after a sum or mean; 1: per element)
// and a host scale (1/n after a mean, 1 after a sum):  gx[i] = scale · gy[i·gyStride] · ∂ℓ_i/∂x_i.
// Elementwise launch: block (256,1,1), grid (min(ceil(n/256), 65535),1,1).
// Cross-entropy launch: block (256,1,1), grid (min(rows, 65535),1,1): one block per row.
// No dynamic shared memory anywhere.
#include "common.cuh"
#include "binary_ops.cuh"

enum { DUEL_LOSS_BCE = 0, DUEL_LOSS_MSE = 1, DUEL_LOSS_L1 = 2, DUEL_LOSS_HINGE = 3 };

// ℓ(x, t) per loss:
//   bce_with_logits  max(x, 0) − x·t + log1p(e^−|x|)    t ∈ [0, 1]
//   mse              (x − t)²
//   l1               |x − t|
//   hinge            max(0, 1 − t·x)                     t ∈ {−1, 1}
__device__ __forceinline__ float duel_loss_value(int loss, float x, float t) {
  switch (loss) {
    case DUEL_LOSS_BCE: return duel_bce_with_logits(x, t);
    case DUEL_LOSS_MSE: { const float d = x - t; return d * d; }
    case DUEL_LOSS_L1: return fabsf(x - t);
    default: return duel_max(0.0f, 1.0f - t * x);
  }
}

// ∂ℓ/∂x per loss: σ(x) − t;  2·(x − t);  sign(x − t) (0 at 0);  −t if t·x < 1 else 0.
__device__ __forceinline__ float duel_loss_derivative(int loss, float x, float t) {
  switch (loss) {
    case DUEL_LOSS_BCE: return duel_sigmoid(x) - t;
    case DUEL_LOSS_MSE: return 2.0f * (x - t);
    case DUEL_LOSS_L1: { const float d = x - t; return d > 0.0f ? 1.0f : (d < 0.0f ? -1.0f : (d == d ? 0.0f : d)); }
    default: { const float m = t * x; return m < 1.0f ? -t : (m == m ? 0.0f : m); }
  }
}

__device__ __forceinline__ void duel_loss_fwd(int loss, const float* x, const float* t, float* out, long long n) {
  for (long long i = duel_thread_index(); i < n; i += duel_thread_count()) out[i] = duel_loss_value(loss, x[i], t[i]);
}

__device__ __forceinline__ void duel_loss_bwd(int loss, const float* x, const float* t, const float* gy, long long gyStride,
                                              float scale, float* gx, long long n) {
  for (long long i = duel_thread_index(); i < n; i += duel_thread_count())
    gx[i] = scale * gy[i * gyStride] * duel_loss_derivative(loss, x[i], t[i]);
}

// loss[i] = max(x_i, 0) − x_i·t_i + log1p(e^−|x_i|)  (binary cross-entropy of σ(x_i) against t_i)
extern "C" __global__ void duel_bce_with_logits_fwd_f32(const float* x, const float* t, float* loss, long long n) {
  duel_loss_fwd(DUEL_LOSS_BCE, x, t, loss, n);
}
// gx[i] = scale · gy[i·gyStride] · (σ(x_i) − t_i)
extern "C" __global__ void duel_bce_with_logits_bwd_f32(const float* x, const float* t, const float* gy, long long gyStride,
                                                        float scale, float* gx, long long n) {
  duel_loss_bwd(DUEL_LOSS_BCE, x, t, gy, gyStride, scale, gx, n);
}

// loss[i] = (x_i − t_i)²
extern "C" __global__ void duel_mse_fwd_f32(const float* x, const float* t, float* loss, long long n) {
  duel_loss_fwd(DUEL_LOSS_MSE, x, t, loss, n);
}
// gx[i] = scale · gy[i·gyStride] · 2·(x_i − t_i)
extern "C" __global__ void duel_mse_bwd_f32(const float* x, const float* t, const float* gy, long long gyStride,
                                            float scale, float* gx, long long n) {
  duel_loss_bwd(DUEL_LOSS_MSE, x, t, gy, gyStride, scale, gx, n);
}

// loss[i] = |x_i − t_i|
extern "C" __global__ void duel_l1_fwd_f32(const float* x, const float* t, float* loss, long long n) {
  duel_loss_fwd(DUEL_LOSS_L1, x, t, loss, n);
}
// gx[i] = scale · gy[i·gyStride] · sign(x_i − t_i)
extern "C" __global__ void duel_l1_bwd_f32(const float* x, const float* t, const float* gy, long long gyStride,
                                           float scale, float* gx, long long n) {
  duel_loss_bwd(DUEL_LOSS_L1, x, t, gy, gyStride, scale, gx, n);
}

// loss[i] = max(0, 1 − t_i·x_i)
extern "C" __global__ void duel_hinge_fwd_f32(const float* x, const float* t, float* loss, long long n) {
  duel_loss_fwd(DUEL_LOSS_HINGE, x, t, loss, n);
}
// gx[i] = scale · gy[i·gyStride] · (t_i·x_i < 1 ? −t_i : 0)
extern "C" __global__ void duel_hinge_bwd_f32(const float* x, const float* t, const float* gy, long long gyStride,
                                              float scale, float* gx, long long n) {
  duel_loss_bwd(DUEL_LOSS_HINGE, x, t, gy, gyStride, scale, gx, n);
}

// Row r of z (rows × classes, row-major): μ_r = max_c z_rc and S_r = Σ_c e^(z_rc − μ_r), block-wide.
__device__ __forceinline__ void duel_row_logsumexp(const float* zr, int classes, float& mu, float& sum) {
  float m = -INFINITY;
  for (int c = threadIdx.x; c < classes; c += blockDim.x) m = duel_max(m, zr[c]);
  mu = duel_block_reduce_all(DUEL_COMBINE_MAX, m);
  float s = 0.0f;
  for (int c = threadIdx.x; c < classes; c += blockDim.x) s += expf(zr[c] - mu);
  sum = duel_block_reduce_all(DUEL_COMBINE_SUM, s);
}

// loss[r] = log Σ_c e^(z_rc) − z_r,label_r = μ_r + log S_r − z_r,label_r   (softmax cross-entropy).
// labels are int32 class indices; a label outside [0, classes) gives loss NaN.
extern "C" __global__ void duel_cross_entropy_fwd_f32(const float* z, const int* labels, float* loss, int rows, int classes) {
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* zr = z + (long long)r * classes;
    float mu, sum;
    duel_row_logsumexp(zr, classes, mu, sum);
    if (threadIdx.x == 0) {
      const int label = labels[r];
      loss[r] = (label >= 0 && label < classes) ? mu + logf(sum) - zr[label] : duel_nan();
    }
  }
}

// gz[r,c] = scale · gy[r·gyStride] · (e^(z_rc − μ_r)/S_r − [c = label_r]). Overwrites gz (rows × classes);
// a label outside [0, classes) makes the row NaN.
extern "C" __global__ void duel_cross_entropy_bwd_f32(const float* z, const int* labels, const float* gy, long long gyStride,
                                                      float scale, float* gz, int rows, int classes) {
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* zr = z + (long long)r * classes;
    float* gr = gz + (long long)r * classes;
    float mu, sum;
    duel_row_logsumexp(zr, classes, mu, sum);
    const int label = labels[r];
    const float g = (label >= 0 && label < classes) ? scale * gy[(long long)r * gyStride] : duel_nan();
    for (int c = threadIdx.x; c < classes; c += blockDim.x)
      gr[c] = g * (expf(zr[c] - mu) / sum - (c == label ? 1.0f : 0.0f));
  }
}
