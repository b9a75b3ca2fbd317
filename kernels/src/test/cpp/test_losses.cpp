// Tests of losses.cu against float64 references.
#include <algorithm>

#include "harness.h"

using namespace duel_test;

struct LossSpec {
  const char* name;  // kernels duel_<name>_fwd_f32 / _bwd_f32
  float tlo, thi;    // target range
  double (*value)(double x, double t);
  double (*derivative)(double x, double t);
};

static double sgn(double v) { return v > 0 ? 1 : (v < 0 ? -1 : (std::isnan(v) ? v : 0)); }

static const LossSpec kLosses[] = {
    {"bce_with_logits", 0, 1,
     [](double x, double t) { return std::max(x, 0.0) - x * t + std::log1p(std::exp(-std::fabs(x))); },
     [](double x, double t) { return 1 / (1 + std::exp(-x)) - t; }},
    {"mse", -3, 3, [](double x, double t) { return (x - t) * (x - t); }, [](double x, double t) { return 2 * (x - t); }},
    {"l1", -3, 3, [](double x, double t) { return std::fabs(x - t); }, [](double x, double t) { return sgn(x - t); }},
    {"hinge", -1, 1, [](double x, double t) { return std::max(0.0, 1 - t * x); },
     [](double x, double t) { return t * x < 1 ? -t : 0.0; }},
};

TEST_CASE(losses, elementwise_forward_backward) {
  for (const LossSpec& L : kLosses) {
    const std::string fwd = std::string("duel_") + L.name + "_fwd_f32", bwd = std::string("duel_") + L.name + "_bwd_f32";
    for (long long n : sizes()) {
      auto x = random_vector(n, -6, 6, 1000 + n);
      auto t = random_vector(n, L.tlo, L.thi, 1100 + n);
      if (std::string(L.name) == "hinge") for (auto& v : t) v = v < 0 ? -1.0f : 1.0f;
      if (n >= 4) { x[0] = 40.0f; x[1] = -40.0f; t[2] = x[2]; }  // saturation, and a zero difference
      auto loss = poisoned(n);
      launch(fwd.c_str(), grid1d(n), block1d(), 0, (const float*)x.data(), (const float*)t.data(), loss.data(), n);
      std::vector<double> ref(n);
      for (long long i = 0; i < n; ++i) ref[i] = L.value(x[i], t[i]);
      expect_near(std::string(L.name) + " loss n=" + std::to_string(n), loss, ref, 1e-6, 2e-6);

      // gradient after a mean (gy one scalar, stride 0, scale 1/n) and per element (stride 1, scale 1)
      for (long long stride : {0LL, 1LL}) {
        auto gy = random_vector(stride ? n : 1, 0.5f, 2, 1200 + n);
        const float scale = stride ? 1.0f : 1.0f / (float)n;
        auto gx = poisoned(n);
        launch(bwd.c_str(), grid1d(n), block1d(), 0, (const float*)x.data(), (const float*)t.data(), (const float*)gy.data(),
               stride, scale, gx.data(), n);
        std::vector<double> gref(n);
        for (long long i = 0; i < n; ++i) gref[i] = (double)scale * gy[i * stride] * L.derivative(x[i], t[i]);
        expect_near(std::string(L.name) + " grad stride " + std::to_string(stride) + " n=" + std::to_string(n), gx, gref,
                    1e-7, 4e-6);
      }
    }
  }
}

TEST_CASE(losses, cross_entropy) {
  const std::vector<std::pair<int, int>> shapes =
      small() ? std::vector<std::pair<int, int>>{{1, 1}, {3, 10}, {2, 257}, {31, 33}}
              : std::vector<std::pair<int, int>>{{1, 1}, {3, 10}, {2, 1000}, {31, 33}, {33, 31}, {1, 4097}};
  for (auto [rows, classes] : shapes) {
    auto z = random_vector((size_t)rows * classes, -8, 8, 1300 + rows);
    std::vector<int> labels(rows);
    Rng r(rows * 7 + classes);
    for (auto& l : labels) l = r.below(classes);
    if (rows >= 3) labels[rows - 1] = classes;  // out of range: that row is NaN
    if (classes >= 10) z[3] = 60.0f;           // a dominant logit
    auto loss = poisoned(rows);
    launch("duel_cross_entropy_fwd_f32", Dim3{(unsigned)std::min(rows, 65535), 1, 1}, block1d(), 0, (const float*)z.data(),
           (const int*)labels.data(), loss.data(), rows, classes);
    std::vector<double> ref(rows), gref((size_t)rows * classes);
    auto gy = random_vector(rows, 0.5f, 2, 1400 + rows);
    const float scale = 0.125f;
    for (int i = 0; i < rows; ++i) {
      const float* zr = &z[(size_t)i * classes];
      double m = -INFINITY, s = 0;
      for (int c = 0; c < classes; ++c) m = std::max(m, (double)zr[c]);
      for (int c = 0; c < classes; ++c) s += std::exp(zr[c] - m);
      const bool ok = labels[i] >= 0 && labels[i] < classes;
      ref[i] = ok ? m + std::log(s) - zr[labels[i]] : std::nan("");
      for (int c = 0; c < classes; ++c)
        gref[(size_t)i * classes + c] = ok ? scale * gy[i] * (std::exp(zr[c] - m) / s - (c == labels[i])) : std::nan("");
    }
    const std::string shape = std::to_string(rows) + "x" + std::to_string(classes);
    expect_near("cross_entropy loss " + shape, loss, ref, 1e-5, 2e-6);
    auto gz = poisoned((size_t)rows * classes);
    launch("duel_cross_entropy_bwd_f32", Dim3{(unsigned)std::min(rows, 65535), 1, 1}, block1d(), 0, (const float*)z.data(),
           (const int*)labels.data(), (const float*)gy.data(), 1LL, scale, gz.data(), rows, classes);
    expect_near("cross_entropy grad " + shape, gz, gref, 1e-7, 4e-6);
  }
  // fewer blocks than rows: the grid-stride loop over rows
  const int rows = 37, classes = 5;
  auto z = random_vector(rows * classes, -2, 2, 3);
  std::vector<int> labels(rows, 2);
  auto loss = poisoned(rows);
  launch("duel_cross_entropy_fwd_f32", Dim3{4, 1, 1}, Dim3{64, 1, 1}, 0, (const float*)z.data(), (const int*)labels.data(),
         loss.data(), rows, classes);
  std::vector<double> ref(rows);
  for (int i = 0; i < rows; ++i) {
    double s = 0;
    for (int c = 0; c < classes; ++c) s += std::exp((double)z[i * classes + c]);
    ref[i] = std::log(s) - z[i * classes + 2];
  }
  expect_near("cross_entropy grid-stride", loss, ref, 1e-5, 2e-6);
}
