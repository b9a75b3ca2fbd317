// Tests of upsample.cu and embedding.cu.
#include <algorithm>

#include "harness.h"

using namespace duel_test;

TEST_CASE(upsample, nearest) {
  std::vector<std::vector<int>> shapes = {{1, 1, 1, 1, 1}, {2, 3, 5, 7, 2}, {1, 2, 31, 33, 3}, {3, 1, 4, 1, 4}};
  if (small()) shapes[2] = {1, 2, 9, 11, 3};
  for (const auto& s : shapes) {
    const int n = s[0], c = s[1], h = s[2], w = s[3], f = s[4];
    const long long ho = (long long)h * f, wo = (long long)w * f, tin = (long long)n * c * h * w, tout = tin * f * f;
    auto x = random_vector(tin, -1, 1, 6000 + h);
    auto y = poisoned(tout);
    launch("duel_upsample_nearest_fwd_f32", grid1d(tout), block1d(), 0, n, c, h, w, f, (const float*)x.data(), y.data());
    std::vector<double> yr(tout), gxr(tin, 0.0);
    auto gy = random_vector(tout, -1, 1, 6100 + h);
    for (long long plane = 0; plane < (long long)n * c; ++plane)
      for (long long i = 0; i < ho; ++i)
        for (long long j = 0; j < wo; ++j) {
          yr[(plane * ho + i) * wo + j] = x[(plane * h + i / f) * w + j / f];
          gxr[(plane * h + i / f) * w + j / f] += gy[(plane * ho + i) * wo + j];
        }
    const std::string tag = " " + std::to_string(n) + "x" + std::to_string(c) + "x" + std::to_string(h) + "x" +
                            std::to_string(w) + " f=" + std::to_string(f);
    expect_near("upsample" + tag, y, yr, 0, 0);
    auto gx = poisoned(tin);
    launch("duel_upsample_nearest_bwd_f32", grid1d(tin), block1d(), 0, n, c, h, w, f, (const float*)gy.data(), gx.data());
    expect_near("upsample backward" + tag, gx, gxr, 1e-6, 1e-6);
  }
}

TEST_CASE(embedding, gather_scatter) {
  for (int dim : {1, 31, 100}) {
    const int rows = 10, count = small() ? 33 : 257;
    auto weight = random_vector((size_t)rows * dim, -1, 1, 6200 + dim);
    std::vector<int> idx(count);
    Rng r(dim);
    for (auto& i : idx) i = r.below(rows);  // repeats: 257 lookups into 10 rows
    idx[count - 1] = rows;                  // out of range: NaN row, skipped in the scatter
    idx[count - 2] = -1;
    auto out = poisoned((size_t)count * dim);
    launch("duel_embedding_gather_fwd_f32", grid1d((long long)count * dim), block1d(), 0, (const float*)weight.data(), rows,
           dim, (const int*)idx.data(), count, out.data());
    std::vector<double> ref((size_t)count * dim);
    for (int i = 0; i < count; ++i)
      for (int d = 0; d < dim; ++d)
        ref[(size_t)i * dim + d] = idx[i] >= 0 && idx[i] < rows ? weight[(size_t)idx[i] * dim + d] : std::nan("");
    expect_near("gather dim=" + std::to_string(dim), out, ref, 0, 0);

    auto gout = random_vector((size_t)count * dim, -1, 1, 6300 + dim);
    auto gw = random_vector((size_t)rows * dim, -1, 1, 6400 + dim);  // accumulates onto what is there
    std::vector<double> gref(gw.begin(), gw.end());
    for (int i = 0; i < count; ++i)
      if (idx[i] >= 0 && idx[i] < rows)
        for (int d = 0; d < dim; ++d) gref[(size_t)idx[i] * dim + d] += gout[(size_t)i * dim + d];
    launch("duel_embedding_scatter_add_bwd_f32", grid1d((long long)count * dim), block1d(), 0, (const float*)gout.data(), rows,
           dim, (const int*)idx.data(), count, gw.data());
    expect_near("scatter-add dim=" + std::to_string(dim), gw, gref, 1e-5, 1e-6);
  }
}
