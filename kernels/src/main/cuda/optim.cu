// optim.cu -- fused in-place optimizer updates (Backend.sgdUpdate / adamUpdate, PyTorch's formulas).
// Launch: block (256,1,1), grid (min(ceil(n/256), 65535),1,1), no dynamic shared memory.
#include "common.cuh"

// SGD with momentum, for i < n:
//   g' = g + wd·p;  v = μ·v + (1 − dampening)·g';  p −= lr·(nesterov ? g' + μ·v : v).
// v may be 0 (null) only when momentum = 0: then p −= lr·g' and nothing else is written.
extern "C" __global__ void duel_sgd_update_f32(float* p, const float* g, float* v, long long n, float lr, float momentum,
                                               float dampening, float weightDecay, int nesterov) {
  for (long long i = duel_thread_index(); i < n; i += duel_thread_count()) {
    const float pi = p[i];
    const float gi = g[i] + weightDecay * pi;
    if (v == nullptr) {
      p[i] = pi - lr * gi;
    } else {
      const float vi = momentum * v[i] + (1.0f - dampening) * gi;
      v[i] = vi;
      p[i] = pi - lr * (nesterov ? gi + momentum * vi : vi);
    }
  }
}

// Adam (PyTorch's form), step t >= 1, for i < n:
//   g' = g + wd·p;  m = β1·m + (1 − β1)·g';  v = β2·v + (1 − β2)·g'²;
//   p −= lr · (m / (1 − β1^t)) / (sqrt(v / (1 − β2^t)) + eps).
// The bias corrections 1 − β^t are computed in float64 and rounded to float once.
extern "C" __global__ void duel_adam_update_f32(float* p, const float* g, float* m, float* v, long long n, float lr,
                                                float beta1, float beta2, float eps, float weightDecay, int t) {
  const float bc1 = (float)(1.0 - pow((double)beta1, (double)t));
  const float bc2 = (float)(1.0 - pow((double)beta2, (double)t));
  for (long long i = duel_thread_index(); i < n; i += duel_thread_count()) {
    const float pi = p[i];
    const float gi = g[i] + weightDecay * pi;
    const float mi = beta1 * m[i] + (1.0f - beta1) * gi;
    const float vi = beta2 * v[i] + (1.0f - beta2) * (gi * gi);
    m[i] = mi;
    v[i] = vi;
    p[i] = pi - lr * (mi / bc1) / (sqrtf(vi / bc2) + eps);
  }
}
