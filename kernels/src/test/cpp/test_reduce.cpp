// Tests of reduce.cu against float64 references.
#include <algorithm>

#include "harness.h"

using namespace duel_test;

static const char* kReduceNames[] = {"sum", "max", "min", "sum_squares", "mean"};

// ⊕ over values v_0..v_{len-1} with NaN propagating through max/min, in float64.
static double reduce_ref(int op, const float* x, long long len, long long step) {
  double acc = op == DUEL_REDUCE_MAX ? -INFINITY : (op == DUEL_REDUCE_MIN ? INFINITY : 0.0);
  bool nan = false;
  for (long long l = 0; l < len; ++l) {
    const double v = x[l * step];
    nan |= std::isnan(v);
    switch (op) {
      case DUEL_REDUCE_MAX: acc = std::max(acc, v); break;
      case DUEL_REDUCE_MIN: acc = std::min(acc, v); break;
      case DUEL_REDUCE_SUM_SQUARES: acc += v * v; break;
      default: acc += v;
    }
  }
  if (nan) return std::nan("");
  return op == DUEL_REDUCE_MEAN ? acc / (double)len : acc;
}

// Sums of len floats in float accumulate ~sqrt(len)·eps relative error: tolerance scaled by Σ|v|.
static double reduce_atol(int op, const float* x, long long len, long long step) {
  if (op == DUEL_REDUCE_MAX || op == DUEL_REDUCE_MIN) return 0;
  double s = 0;
  for (long long l = 0; l < len; ++l) s += op == DUEL_REDUCE_SUM_SQUARES ? (double)x[l * step] * x[l * step] : std::fabs(x[l * step]);
  if (op == DUEL_REDUCE_MEAN && len > 0) s /= (double)len;
  return 4e-7 * s + 1e-30;
}

static void check_axis(int op, int outer, int len, int inner, bool with_nan, uint64_t seed) {
  auto x = random_vector((size_t)outer * len * inner, -3, 3, seed);
  if (with_nan && !x.empty()) x[x.size() / 2] = std::nanf("");
  auto out = poisoned((size_t)outer * inner);
  if (inner == 1)
    launch("duel_reduce_rows_f32", Dim3{(unsigned)std::max(1, std::min(outer, 65535)), 1, 1}, block1d(), 0, op,
           (const float*)x.data(), out.data(), outer, len);
  else
    launch("duel_reduce_cols_f32", grid1d((long long)outer * inner), block1d(), 0, op, (const float*)x.data(), out.data(),
           outer, len, inner);
  std::vector<double> ref(out.size());
  double atol = 0;
  for (int o = 0; o < outer; ++o)
    for (int i = 0; i < inner; ++i) {
      const float* base = x.data() + (size_t)o * len * inner + i;
      ref[(size_t)o * inner + i] = reduce_ref(op, base, len, inner);
      atol = std::max(atol, reduce_atol(op, base, len, inner));
    }
  char what[128];
  std::snprintf(what, sizeof what, "%s (%d,%d,%d)%s", kReduceNames[op], outer, len, inner, with_nan ? " with NaN" : "");
  expect_near(what, out.data(), ref.data(), out.size(), atol, 1e-6);
}

TEST_CASE(reduce, axis) {
  const std::vector<std::vector<int>> shapes = {
      {1, 1, 1}, {3, 31, 1}, {2, 33, 1}, {1, 1000, 1}, {2, 4097, 1}, {31, 1, 1},  // rows
      {5, 33, 7}, {1, 1000, 3}, {33, 1, 31}, {2, 31, 33}, {1, 3, 4097},          // columns
  };
  for (int op = 0; op <= DUEL_REDUCE_MEAN; ++op)
    for (const auto& s : shapes) {
      if (small() && (long long)s[0] * s[1] * s[2] > 3000) continue;
      check_axis(op, s[0], s[1], s[2], false, 1500 + op);
    }
  for (int op = 0; op <= DUEL_REDUCE_MEAN; ++op) {
    check_axis(op, 3, 31, 1, true, 1600 + op);   // NaN propagates, in every op
    check_axis(op, 2, 33, 5, true, 1700 + op);
  }
  // len = 0: the identities 0, −inf, +inf, 0 and NaN for the mean
  for (int op = 0; op <= DUEL_REDUCE_MEAN; ++op) {
    check_axis(op, 3, 0, 1, false, 1);
    check_axis(op, 2, 0, 3, false, 1);
  }
  // fewer blocks than rows (grid-stride over rows), and a 64-thread block
  auto x = random_vector(100 * 37, -1, 1, 17);
  auto out = poisoned(100);
  launch("duel_reduce_rows_f32", Dim3{7, 1, 1}, Dim3{64, 1, 1}, 0, (int)DUEL_REDUCE_SUM, (const float*)x.data(), out.data(),
         100, 37);
  std::vector<double> ref(100);
  for (int r = 0; r < 100; ++r) ref[r] = reduce_ref(DUEL_REDUCE_SUM, &x[r * 37], 37, 1);
  expect_near("rows grid-stride", out.data(), ref.data(), 100, 1e-5, 1e-6);
}

TEST_CASE(reduce, all) {
  std::vector<long long> ns = sizes();
  ns.push_back(small() ? 3000 : 100003);
  for (int op = 0; op <= DUEL_REDUCE_MEAN; ++op)
    for (long long n : ns)
      for (bool with_nan : {false, true}) {
        if (with_nan && n < 31) continue;
        auto x = random_vector(n, -3, 3, 1800 + n);
        if (with_nan) x[n - 3] = std::nanf("");
        const long long g = std::min<long long>((n + 255) / 256, 1024);
        auto partial = poisoned(g);
        std::vector<float> out = {std::nanf("")};
        launch("duel_reduce_partial_f32", Dim3{(unsigned)g, 1, 1}, block1d(), 0, op, (const float*)x.data(), partial.data(), n);
        launch("duel_reduce_final_f32", Dim3{1, 1, 1}, block1d(), 0, op, (const float*)partial.data(), (int)g, out.data(), n);
        const double ref = reduce_ref(op, x.data(), n, 1);
        char what[96];
        std::snprintf(what, sizeof what, "all %s n=%lld%s", kReduceNames[op], n, with_nan ? " with NaN" : "");
        expect_near(what, out.data(), &ref, 1, reduce_atol(op, x.data(), n, 1), 1e-6);
      }
  // more partials than one block has threads: the final pass loops
  const long long n = small() ? 20000 : 400000;
  const int g = small() ? 300 : 1024;  // a sanitizer run pays ~10x per emulated thread
  auto x = random_vector(n, 0, 1, 5);
  auto partial = poisoned(g);
  std::vector<float> out = {std::nanf("")};
  launch("duel_reduce_partial_f32", Dim3{(unsigned)g, 1, 1}, block1d(), 0, (int)DUEL_REDUCE_MAX, (const float*)x.data(),
         partial.data(), n);
  launch("duel_reduce_final_f32", Dim3{1, 1, 1}, Dim3{128, 1, 1}, 0, (int)DUEL_REDUCE_MAX, (const float*)partial.data(), g,
         out.data(), n);
  const double ref = reduce_ref(DUEL_REDUCE_MAX, x.data(), n, 1);
  expect_near("all max, more partials than threads", out.data(), &ref, 1, 0, 0);
}
