// batchnorm.cu -- the fallback batch normalisation over (N, HW) per channel (when cuDNN does not load).
// x, y, gy, gx are N×C×HW contiguous; per-channel vectors have C floats; m = N·HW values per channel.
// Element (b, ch, j) is at (b·C + ch)·HW + j.
// Launch (train forward, backward): block (256,1,1), grid (min(C, 65535),1,1): one block per channel.
// Launch (eval forward): block (256,1,1), grid (min(ceil(N·C·HW/256), 65535),1,1). No dynamic smem.
#include "common.cuh"

__device__ __forceinline__ long long duel_bn_index(int c, int hw, int ch, long long l) {
  const long long b = l / hw;
  return (b * c + ch) * hw + (l - b * hw);
}

// Training forward, per channel ch (two passes, the variance from centred values):
//   μ = (1/m)·Σ x;  σ² = (1/m)·Σ (x − μ)²;  invStd = 1/sqrt(σ² + eps);  y = (x − μ)·invStd·γ + β;
//   mean[ch] = μ, invStd[ch] = invStd, varUnbiased[ch] = σ²·m/(m − 1) (NaN when m = 1).
extern "C" __global__ void duel_batchnorm_fwd_train_f32(int n, int c, int hw, float eps, const float* x, const float* gamma,
                                                        const float* beta, float* y, float* mean, float* invStd,
                                                        float* varUnbiased) {
  const long long m = (long long)n * hw;
  for (int ch = blockIdx.x; ch < c; ch += gridDim.x) {
    float s = 0.0f;
    for (long long l = threadIdx.x; l < m; l += blockDim.x) s += x[duel_bn_index(c, hw, ch, l)];
    const float mu = duel_block_reduce_all(DUEL_COMBINE_SUM, s) / (float)m;
    float ss = 0.0f;
    for (long long l = threadIdx.x; l < m; l += blockDim.x) {
      const float d = x[duel_bn_index(c, hw, ch, l)] - mu;
      ss += d * d;
    }
    const float var = duel_block_reduce_all(DUEL_COMBINE_SUM, ss) / (float)m;
    const float is = 1.0f / sqrtf(var + eps);
    const float g = gamma[ch], bt = beta[ch];
    for (long long l = threadIdx.x; l < m; l += blockDim.x) {
      const long long e = duel_bn_index(c, hw, ch, l);
      y[e] = (x[e] - mu) * is * g + bt;
    }
    if (threadIdx.x == 0) {
      mean[ch] = mu;
      invStd[ch] = is;
      varUnbiased[ch] = m > 1 ? (float)((double)var * (double)m / (double)(m - 1)) : duel_nan();
    }
  }
}

// Evaluation forward with running statistics: y = (x − μ_run)·(1/sqrt(σ²_run + eps))·γ + β.
extern "C" __global__ void duel_batchnorm_fwd_eval_f32(int n, int c, int hw, float eps, const float* x, const float* gamma,
                                                       const float* beta, const float* runningMean,
                                                       const float* runningVar, float* y) {
  const long long total = (long long)n * c * hw;
  for (long long e = duel_thread_index(); e < total; e += duel_thread_count()) {
    const int ch = (int)((e / hw) % c);
    const float is = 1.0f / sqrtf(runningVar[ch] + eps);
    y[e] = (x[e] - runningMean[ch]) * is * gamma[ch] + beta[ch];
  }
}

// Training backward, per channel, with x̂ = (x − μ)·invStd:
//   gβ = Σ gy;  gγ = Σ gy·x̂;  gx = γ·invStd/m · (m·gy − gβ − x̂·gγ).  Overwrites gx, gGamma, gBeta.
extern "C" __global__ void duel_batchnorm_bwd_f32(int n, int c, int hw, const float* x, const float* gy, const float* gamma,
                                                  const float* mean, const float* invStd, float* gx, float* gGamma,
                                                  float* gBeta) {
  const long long m = (long long)n * hw;
  for (int ch = blockIdx.x; ch < c; ch += gridDim.x) {
    const float mu = mean[ch], is = invStd[ch];
    float sg = 0.0f, sgx = 0.0f;
    for (long long l = threadIdx.x; l < m; l += blockDim.x) {
      const long long e = duel_bn_index(c, hw, ch, l);
      const float g = gy[e];
      sg += g;
      sgx += g * ((x[e] - mu) * is);
    }
    const float gb = duel_block_reduce_all(DUEL_COMBINE_SUM, sg);
    const float gg = duel_block_reduce_all(DUEL_COMBINE_SUM, sgx);
    const float k = gamma[ch] * is / (float)m, mf = (float)m;
    for (long long l = threadIdx.x; l < m; l += blockDim.x) {
      const long long e = duel_bn_index(c, hw, ch, l);
      const float xh = (x[e] - mu) * is;
      gx[e] = k * (mf * gy[e] - gb - xh * gg);
    }
    if (threadIdx.x == 0) {
      gGamma[ch] = gg;
      gBeta[ch] = gb;
    }
  }
}
