// The `race` family: a few small launches of the kernels that share memory between threads (block
// reductions, the SGEMM tiles, atomics), for the ThreadSanitizer build, where every launch costs ~100x.
// Run with EMU_MIN_BLOCKS_PER_THREAD=1 so that even small grids spread over several OS threads.
#include <algorithm>

#include "harness.h"

using namespace duel_test;

TEST_CASE(race, block_reductions) {
  auto x = random_vector(3 * 700, -1, 1, 1);
  auto out = poisoned(3);
  launch("duel_reduce_rows_f32", Dim3{3, 1, 1}, block1d(), 0, (int)DUEL_REDUCE_SUM, (const float*)x.data(), out.data(), 3, 700);
  std::vector<double> ref(3, 0.0);
  for (int r = 0; r < 3; ++r) for (int l = 0; l < 700; ++l) ref[r] += x[r * 700 + l];
  expect_near("rows sum", out, ref, 1e-5, 1e-6);

  const long long n = 5000;
  auto y = random_vector(n, -1, 1, 2);
  auto partial = poisoned(20);
  std::vector<float> all = {std::nanf("")};
  launch("duel_reduce_partial_f32", Dim3{20, 1, 1}, block1d(), 0, (int)DUEL_REDUCE_MAX, (const float*)y.data(), partial.data(), n);
  launch("duel_reduce_final_f32", Dim3{1, 1, 1}, block1d(), 0, (int)DUEL_REDUCE_MAX, (const float*)partial.data(), 20, all.data(), n);
  const double mx = *std::max_element(y.begin(), y.end());
  expect_near("all max", all.data(), &mx, 1, 0, 0);

  auto z = random_vector(4 * 9, -3, 3, 3);
  std::vector<int> labels = {0, 8, 3, 5};
  auto loss = poisoned(4);
  launch("duel_cross_entropy_fwd_f32", Dim3{4, 1, 1}, Dim3{64, 1, 1}, 0, (const float*)z.data(), (const int*)labels.data(),
         loss.data(), 4, 9);
  std::vector<double> lref(4);
  for (int r = 0; r < 4; ++r) {
    double s = 0;
    for (int c = 0; c < 9; ++c) s += std::exp((double)z[r * 9 + c]);
    lref[r] = std::log(s) - z[r * 9 + labels[r]];
  }
  expect_near("cross entropy", loss, lref, 1e-5, 1e-6);

  const int bn = 3, bc = 4, hw = 50;
  auto bx = random_vector(bn * bc * hw, -1, 1, 4);
  std::vector<float> gamma(bc, 1.0f), beta(bc, 0.0f);
  auto by = poisoned(bx.size()), mean = poisoned(bc), inv = poisoned(bc), var = poisoned(bc);
  launch("duel_batchnorm_fwd_train_f32", Dim3{(unsigned)bc, 1, 1}, block1d(), 0, bn, bc, hw, 1e-5f, (const float*)bx.data(),
         (const float*)gamma.data(), (const float*)beta.data(), by.data(), mean.data(), inv.data(), var.data());
  std::vector<double> mref(bc, 0.0);
  for (int b = 0; b < bn; ++b) for (int c = 0; c < bc; ++c) for (int j = 0; j < hw; ++j) mref[c] += bx[(b * bc + c) * hw + j] / 150.0;
  expect_near("batchnorm mean", mean, mref, 1e-6, 1e-5);
}

TEST_CASE(race, sgemm_tiles) {
  const int m = 70, n = 67, k = 20;
  auto A = random_vector(m * k, -1, 1, 5), B = random_vector(k * n, -1, 1, 6);
  auto C = poisoned(m * n);
  launch("duel_sgemm_f32", Dim3{2, 2, 1}, Dim3{16, 16, 1}, 0, 0, 0, m, n, k, 1.0f, (const float*)A.data(), k, 0LL,
         (const float*)B.data(), n, 0LL, 0.0f, C.data(), n, 0LL, 1);
  std::vector<double> ref(m * n, 0.0);
  for (int i = 0; i < m; ++i) for (int j = 0; j < n; ++j) for (int p = 0; p < k; ++p) ref[i * n + j] += (double)A[i * k + p] * B[p * n + j];
  expect_near("sgemm 70x67x20", C, ref, 1e-5, 1e-5);
}

TEST_CASE(race, atomics) {
  const int rows = 3, dim = 40, count = 64;
  std::vector<int> idx(count);
  for (int i = 0; i < count; ++i) idx[i] = i % rows;
  auto g = random_vector(count * dim, -1, 1, 7);
  std::vector<float> gw(rows * dim, 0.0f);
  launch("duel_embedding_scatter_add_bwd_f32", grid1d(count * dim), block1d(), 0, (const float*)g.data(), rows, dim,
         (const int*)idx.data(), count, gw.data());
  std::vector<double> ref(rows * dim, 0.0);
  for (int i = 0; i < count; ++i) for (int d = 0; d < dim; ++d) ref[idx[i] * dim + d] += g[i * dim + d];
  expect_near("scatter-add", gw, ref, 1e-5, 1e-6);
}
