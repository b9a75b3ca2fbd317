// Tests of batchnorm.cu against float64 references of Backend.batchNormForward / batchNormBackward.
#include <algorithm>

#include "harness.h"

using namespace duel_test;

static std::vector<std::vector<int>> bn_shapes() {  // (N, C, HW)
  if (small()) return {{1, 1, 2}, {2, 3, 5}, {4, 5, 31}, {33, 2, 1}};
  return {{1, 1, 2}, {2, 3, 5}, {4, 33, 31}, {31, 2, 33}, {64, 3, 1}, {2, 1, 4097}, {1, 2, 1}};
}

TEST_CASE(batchnorm, forward_train) {
  for (const auto& sh : bn_shapes()) {
    const int n = sh[0], c = sh[1], hw = sh[2];
    const long long m = (long long)n * hw, total = (long long)n * c * hw;
    const float eps = 1e-5f;
    auto x = random_vector(total, -2, 3, 5000 + c);
    auto gamma = random_vector(c, 0.5f, 1.5f, 5100 + c), beta = random_vector(c, -1, 1, 5200 + c);
    auto y = poisoned(total), mean = poisoned(c), inv = poisoned(c), varu = poisoned(c);
    launch("duel_batchnorm_fwd_train_f32", Dim3{(unsigned)std::min(c, 65535), 1, 1}, block1d(), 0, n, c, hw, eps,
           (const float*)x.data(), (const float*)gamma.data(), (const float*)beta.data(), y.data(), mean.data(), inv.data(),
           varu.data());
    std::vector<double> yr(total), mr(c), ir(c), vr(c);
    for (int ch = 0; ch < c; ++ch) {
      double s = 0, ss = 0;
      for (int b = 0; b < n; ++b)
        for (int j = 0; j < hw; ++j) s += x[((size_t)b * c + ch) * hw + j];
      const double mu = s / m;
      for (int b = 0; b < n; ++b)
        for (int j = 0; j < hw; ++j) { const double d = x[((size_t)b * c + ch) * hw + j] - mu; ss += d * d; }
      const double var = ss / m, is = 1 / std::sqrt(var + eps);
      mr[ch] = mu; ir[ch] = is; vr[ch] = m > 1 ? var * m / (m - 1) : std::nan("");
      for (int b = 0; b < n; ++b)
        for (int j = 0; j < hw; ++j) {
          const size_t e = ((size_t)b * c + ch) * hw + j;
          yr[e] = (x[e] - mu) * is * gamma[ch] + beta[ch];
        }
    }
    const std::string tag = " (" + std::to_string(n) + "," + std::to_string(c) + "," + std::to_string(hw) + ")";
    expect_near("bn y" + tag, y, yr, 2e-5, 1e-5);
    expect_near("bn mean" + tag, mean, mr, 1e-6, 1e-5);
    expect_near("bn invStd" + tag, inv, ir, 1e-6, 1e-4);  // 1/sqrt(σ² + eps) amplifies error when σ² ≈ eps
    expect_near("bn varUnbiased" + tag, varu, vr, 1e-6, 1e-5);

    // evaluation forward with running statistics
    auto rm = random_vector(c, -1, 1, 5300 + c), rv = random_vector(c, 0.2f, 2, 5400 + c);
    auto ye = poisoned(total);
    launch("duel_batchnorm_fwd_eval_f32", grid1d(total), block1d(), 0, n, c, hw, eps, (const float*)x.data(),
           (const float*)gamma.data(), (const float*)beta.data(), (const float*)rm.data(), (const float*)rv.data(), ye.data());
    std::vector<double> yer(total);
    for (long long e = 0; e < total; ++e) {
      const int ch = (int)((e / hw) % c);
      yer[e] = (x[e] - rm[ch]) / std::sqrt((double)rv[ch] + eps) * gamma[ch] + beta[ch];
    }
    expect_near("bn eval y" + tag, ye, yer, 1e-6, 1e-5);
  }
}

TEST_CASE(batchnorm, backward) {
  for (const auto& sh : bn_shapes()) {
    const int n = sh[0], c = sh[1], hw = sh[2];
    const long long m = (long long)n * hw, total = (long long)n * c * hw;
    auto x = random_vector(total, -2, 3, 5500 + c);
    auto gy = random_vector(total, -1, 1, 5600 + c);
    auto gamma = random_vector(c, 0.5f, 1.5f, 5700 + c);
    std::vector<float> mean(c), inv(c);
    for (int ch = 0; ch < c; ++ch) {  // statistics as the forward pass would give them
      double s = 0, ss = 0;
      for (int b = 0; b < n; ++b) for (int j = 0; j < hw; ++j) s += x[((size_t)b * c + ch) * hw + j];
      const double mu = s / m;
      for (int b = 0; b < n; ++b) for (int j = 0; j < hw; ++j) { const double d = x[((size_t)b * c + ch) * hw + j] - mu; ss += d * d; }
      mean[ch] = (float)mu;
      inv[ch] = (float)(1 / std::sqrt(ss / m + 1e-5));
    }
    auto gx = poisoned(total), gg = poisoned(c), gb = poisoned(c);
    launch("duel_batchnorm_bwd_f32", Dim3{(unsigned)std::min(c, 65535), 1, 1}, block1d(), 0, n, c, hw, (const float*)x.data(),
           (const float*)gy.data(), (const float*)gamma.data(), (const float*)mean.data(), (const float*)inv.data(), gx.data(),
           gg.data(), gb.data());
    std::vector<double> gxr(total), ggr(c), gbr(c);
    double scale = 0;
    for (int ch = 0; ch < c; ++ch) {
      double sg = 0, sgx = 0;
      for (int b = 0; b < n; ++b)
        for (int j = 0; j < hw; ++j) {
          const size_t e = ((size_t)b * c + ch) * hw + j;
          sg += gy[e];
          sgx += gy[e] * (x[e] - mean[ch]) * inv[ch];
        }
      ggr[ch] = sgx; gbr[ch] = sg;
      for (int b = 0; b < n; ++b)
        for (int j = 0; j < hw; ++j) {
          const size_t e = ((size_t)b * c + ch) * hw + j;
          const double xh = (x[e] - mean[ch]) * (double)inv[ch];
          gxr[e] = gamma[ch] * (double)inv[ch] / m * (m * (double)gy[e] - sg - xh * sgx);
          scale = std::max(scale, std::fabs(gamma[ch] * (double)inv[ch]));
        }
    }
    const std::string tag = " (" + std::to_string(n) + "," + std::to_string(c) + "," + std::to_string(hw) + ")";
    expect_near("bn gx" + tag, gx, gxr, 1e-5 * scale, 1e-4);
    expect_near("bn gGamma" + tag, gg, ggr, 1e-5 * std::sqrt((double)m), 1e-5);
    expect_near("bn gBeta" + tag, gb, gbr, 1e-5 * std::sqrt((double)m), 1e-5);
  }
}
