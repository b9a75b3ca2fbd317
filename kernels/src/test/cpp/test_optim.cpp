// Tests of optim.cu: three steps of SGD-momentum and Adam against float64 references of Backend's formulas.
#include "harness.h"

using namespace duel_test;

TEST_CASE(optim, sgd) {
  struct Cfg { float lr, momentum, dampening, wd; int nesterov; bool with_v; };
  const Cfg cfgs[] = {{0.1f, 0.9f, 0.0f, 0.0f, 0, true},  {0.05f, 0.9f, 0.1f, 0.01f, 0, true},
                      {0.05f, 0.8f, 0.0f, 0.02f, 1, true}, {0.3f, 0.0f, 0.0f, 0.001f, 0, false}};
  int ci = 0;
  for (const Cfg& c : cfgs) {
    ++ci;
    for (long long n : sizes()) {
      auto p = random_vector(n, -1, 1, 2000 + n);
      auto v = std::vector<float>(n, 0.0f);
      std::vector<double> pr(p.begin(), p.end()), vr(n, 0.0);
      for (int step = 0; step < 3; ++step) {
        auto g = random_vector(n, -1, 1, 2100 + 10 * n + step);
        launch("duel_sgd_update_f32", grid1d(n), block1d(), 0, p.data(), (const float*)g.data(),
               c.with_v ? v.data() : nullptr, n, c.lr, c.momentum, c.dampening, c.wd, c.nesterov);
        for (long long i = 0; i < n; ++i) {
          const double gi = g[i] + (double)c.wd * pr[i];
          if (!c.with_v) { pr[i] -= c.lr * gi; continue; }
          vr[i] = c.momentum * vr[i] + (1.0 - c.dampening) * gi;
          pr[i] -= c.lr * (c.nesterov ? gi + c.momentum * vr[i] : vr[i]);
        }
      }
      const std::string what = "sgd cfg " + std::to_string(ci) + " n=" + std::to_string(n);
      expect_near(what + " p", p, pr, 1e-6, 1e-5);
      if (c.with_v) expect_near(what + " v", v, vr, 1e-6, 1e-5);
    }
  }
}

TEST_CASE(optim, adam) {
  struct Cfg { float lr, b1, b2, eps, wd; };
  const Cfg cfgs[] = {{2e-4f, 0.5f, 0.999f, 1e-8f, 0.0f}, {1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f}};
  int ci = 0;
  for (const Cfg& c : cfgs) {
    ++ci;
    for (long long n : sizes()) {
      auto p = random_vector(n, -1, 1, 2200 + n);
      std::vector<float> m(n, 0.0f), v(n, 0.0f);
      std::vector<double> pr(p.begin(), p.end()), mr(n, 0.0), vr(n, 0.0);
      for (int t = 1; t <= 3; ++t) {
        auto g = random_vector(n, -1, 1, 2300 + 10 * n + t);
        if (n > 2) g[1] = 0.0f;  // m/(sqrt(v)+eps) at g = 0
        launch("duel_adam_update_f32", grid1d(n), block1d(), 0, p.data(), (const float*)g.data(), m.data(), v.data(), n,
               c.lr, c.b1, c.b2, c.eps, c.wd, t);
        const double bc1 = 1 - std::pow((double)c.b1, t), bc2 = 1 - std::pow((double)c.b2, t);
        for (long long i = 0; i < n; ++i) {
          const double gi = g[i] + (double)c.wd * pr[i];
          mr[i] = c.b1 * mr[i] + (1.0 - c.b1) * gi;
          vr[i] = c.b2 * vr[i] + (1.0 - c.b2) * gi * gi;
          pr[i] -= c.lr * (mr[i] / bc1) / (std::sqrt(vr[i] / bc2) + c.eps);
        }
      }
      const std::string what = "adam cfg " + std::to_string(ci) + " n=" + std::to_string(n);
      expect_near(what + " p", p, pr, 1e-7, 1e-5);
      expect_near(what + " m", m, mr, 1e-7, 1e-5);
      expect_near(what + " v", v, vr, 1e-9, 1e-5);
    }
  }
}
