// Tests of gemm.cu (row-major, transpose flags, α/β, pitches, batch strides) against float64 references.
#include <algorithm>

#include "harness.h"

using namespace duel_test;

struct GemmCase {
  int m, n, k;
  int pad;          // extra elements per row on every pitch
  int batch;
  long long gapA;   // extra elements between batch items of A (−1: strideA = 0, A broadcast)
};

// Runs one case for every transpose pair and β ∈ {0, 0.5}, with grid `grid` (null: the ABI grid).
static void run_case(const GemmCase& c, const Dim3* grid) {
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb)
      for (float beta : {0.0f, 0.5f}) {
        const float alpha = 1.5f;
        const int rowsA = ta ? c.k : c.m, colsA = ta ? c.m : c.k;  // A as stored
        const int rowsB = tb ? c.n : c.k, colsB = tb ? c.k : c.n;
        const int lda = colsA + c.pad, ldb = colsB + c.pad, ldc = c.n + c.pad;
        const long long strideA = c.gapA < 0 ? 0 : (long long)rowsA * lda + c.gapA;
        const long long strideB = (long long)rowsB * ldb + 3, strideC = (long long)c.m * ldc + 2;
        const long long sizeA = strideA * (c.batch - 1) + (long long)rowsA * lda;
        auto A = random_vector(std::max<long long>(sizeA, 1), -1, 1, 3000 + c.m);
        auto B = random_vector(std::max<long long>(strideB * c.batch, 1), -1, 1, 3100 + c.n);
        auto C0 = beta == 0.0f ? poisoned(strideC * c.batch) : random_vector(strideC * c.batch, -1, 1, 3200 + c.k);
        // padding of C must survive: mark it
        for (int z = 0; z < c.batch; ++z)
          for (long long e = 0; e < strideC; ++e) {
            const long long i = e / ldc, j = e % ldc;
            if (i >= c.m || j >= c.n) C0[z * strideC + e] = 42.0f;
          }
        auto C = C0;
        std::vector<double> ref(C.size());
        double scale = 0;
        for (int z = 0; z < c.batch; ++z)
          for (long long e = 0; e < strideC; ++e) {
            const long long i = e / ldc, j = e % ldc;
            if (i >= c.m || j >= c.n) { ref[z * strideC + e] = 42.0; continue; }
            double s = 0, sa = 0;
            for (int p = 0; p < c.k; ++p) {
              const double a = ta ? A[z * strideA + (long long)p * lda + i] : A[z * strideA + i * lda + p];
              const double b = tb ? B[z * strideB + j * ldb + p] : B[z * strideB + (long long)p * ldb + j];
              s += a * b;
              sa += std::fabs(a * b);
            }
            ref[z * strideC + e] = alpha * s + (beta == 0.0f ? 0.0 : beta * (double)C0[z * strideC + e]);
            scale = std::max(scale, sa);
          }
        const Dim3 g = grid ? *grid
                            : Dim3{(unsigned)((c.n + 63) / 64), (unsigned)((c.m + 63) / 64), (unsigned)std::min(c.batch, 65535)};
        launch("duel_sgemm_f32", g, Dim3{16, 16, 1}, 0, ta, tb, c.m, c.n, c.k, alpha, (const float*)A.data(), lda, strideA,
               (const float*)B.data(), ldb, strideB, beta, C.data(), ldc, strideC, c.batch);
        char what[160];
        std::snprintf(what, sizeof what, "sgemm m=%d n=%d k=%d ta=%d tb=%d beta=%g pad=%d batch=%d%s", c.m, c.n, c.k, ta, tb,
                      (double)beta, c.pad, c.batch, grid ? " small grid" : "");
        expect_near(what, C.data(), ref.data(), C.size(), 2e-6 * (scale + 1), 1e-6);
      }
}

TEST_CASE(gemm, shapes) {
  std::vector<GemmCase> cases = {
      {1, 1, 1, 0, 1, 0}, {31, 33, 17, 0, 1, 0}, {64, 64, 64, 0, 1, 0}, {65, 1, 130, 0, 1, 0},
      {1, 70, 33, 0, 1, 0}, {33, 31, 1000, 0, 1, 0}, {130, 67, 65, 3, 1, 0},
  };
  if (small()) { cases[5].k = 100; cases[6] = {70, 67, 20, 3, 1, 0}; }
  for (const auto& c : cases) run_case(c, nullptr);
}

TEST_CASE(gemm, batched_and_edges) {
  run_case({17, 19, 23, 1, 3, 5}, nullptr);   // batch with gaps between items
  run_case({33, 20, 9, 0, 4, -1}, nullptr);   // strideA = 0: one A for every item (conv's weights)
  run_case({9, 7, 0, 0, 2, 0}, nullptr);      // k = 0: C = β·C
  const Dim3 one{1, 1, 1};
  run_case({70, 130, 33, 0, 3, 0}, &one);     // one block walks every tile and item (grid-stride)
}
