// Tests of conv.cu (im2col, col2im) and of the fallback convolution they make with gemm.cu: forward, data
// gradient and filter gradient against direct float64 loops.
#include <algorithm>

#include "harness.h"

using namespace duel_test;

struct Conv {
  int n, c, h, w, k, r, s, sh, sw, ph, pw;
  int p() const { return (h + 2 * ph - r) / sh + 1; }
  int q() const { return (w + 2 * pw - s) / sw + 1; }
  long long colRows() const { return (long long)c * r * s; }
  long long pq() const { return (long long)p() * q(); }
};

static std::vector<Conv> conv_cases() {
  std::vector<Conv> v = {
      {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0},   // 1×1 everything
      {2, 3, 7, 5, 4, 3, 2, 2, 1, 1, 0},   // odd sizes, unequal strides and pads
      {3, 4, 9, 9, 5, 4, 4, 2, 2, 1, 1},   // DCGAN's 4×4 stride-2 pad-1
      {1, 2, 5, 6, 3, 5, 6, 1, 1, 0, 0},   // kernel as large as the input
      {2, 1, 8, 7, 2, 3, 3, 3, 2, 2, 1},   // stride larger than... and pads > 1
  };
  if (!small()) v.push_back({4, 8, 14, 14, 6, 4, 4, 2, 2, 1, 1});
  return v;
}

// Value of padded input x at (b, ci, hi, wi), 0 outside.
static double at(const Conv& v, const std::vector<float>& x, int b, int ci, int hi, int wi) {
  if (hi < 0 || hi >= v.h || wi < 0 || wi >= v.w) return 0;
  return x[(((size_t)b * v.c + ci) * v.h + hi) * v.w + wi];
}

static void launch_im2col(const Conv& v, const float* x, float* col, int n) {
  const long long total = (long long)n * v.colRows() * v.pq();
  launch("duel_im2col_f32", grid1d(total), block1d(), 0, x, col, n, v.c, v.h, v.w, v.r, v.s, v.sh, v.sw, v.ph, v.pw, v.p(),
         v.q());
}
static void launch_col2im(const Conv& v, const float* col, float* x, int n) {
  const long long total = (long long)n * v.c * v.h * v.w;
  launch("duel_col2im_f32", grid1d(total), block1d(), 0, col, x, n, v.c, v.h, v.w, v.r, v.s, v.sh, v.sw, v.ph, v.pw, v.p(),
         v.q());
}
static void launch_gemm(int ta, int tb, int m, int n, int k, float alpha, const float* A, int lda, long long sA, const float* B,
                        int ldb, long long sB, float beta, float* C, int ldc, long long sC, int batch) {
  launch("duel_sgemm_f32", Dim3{(unsigned)((n + 63) / 64), (unsigned)((m + 63) / 64), (unsigned)batch}, Dim3{16, 16, 1}, 0, ta,
         tb, m, n, k, alpha, A, lda, sA, B, ldb, sB, beta, C, ldc, sC, batch);
}

TEST_CASE(conv, im2col_col2im) {
  int vi = 0;
  for (const Conv& v : conv_cases()) {
    ++vi;
    auto x = random_vector((size_t)v.n * v.c * v.h * v.w, -1, 1, 4000 + vi);
    auto col = poisoned((size_t)v.n * v.colRows() * v.pq());
    launch_im2col(v, x.data(), col.data(), v.n);
    std::vector<double> ref(col.size());
    for (int b = 0; b < v.n; ++b)
      for (int ci = 0; ci < v.c; ++ci)
        for (int ri = 0; ri < v.r; ++ri)
          for (int si = 0; si < v.s; ++si)
            for (int pi = 0; pi < v.p(); ++pi)
              for (int qi = 0; qi < v.q(); ++qi)
                ref[(((size_t)b * v.colRows() + ((size_t)ci * v.r + ri) * v.s + si) * v.p() + pi) * v.q() + qi] =
                    at(v, x, b, ci, pi * v.sh + ri - v.ph, qi * v.sw + si - v.pw);
    expect_near("im2col case " + std::to_string(vi), col, ref, 0, 0);

    // col2im is the adjoint: scatter-add every column entry back to its input position
    auto g = random_vector(col.size(), -1, 1, 4100 + vi);
    auto gx = poisoned(x.size());
    launch_col2im(v, g.data(), gx.data(), v.n);
    std::vector<double> gref(x.size(), 0.0);
    for (int b = 0; b < v.n; ++b)
      for (int ci = 0; ci < v.c; ++ci)
        for (int ri = 0; ri < v.r; ++ri)
          for (int si = 0; si < v.s; ++si)
            for (int pi = 0; pi < v.p(); ++pi)
              for (int qi = 0; qi < v.q(); ++qi) {
                const int hi = pi * v.sh + ri - v.ph, wi = qi * v.sw + si - v.pw;
                if (hi < 0 || hi >= v.h || wi < 0 || wi >= v.w) continue;
                gref[(((size_t)b * v.c + ci) * v.h + hi) * v.w + wi] +=
                    g[(((size_t)b * v.colRows() + ((size_t)ci * v.r + ri) * v.s + si) * v.p() + pi) * v.q() + qi];
              }
    expect_near("col2im case " + std::to_string(vi), gx, gref, 1e-6, 1e-6);
  }
}

TEST_CASE(conv, fallback_convolution) {
  int vi = 0;
  for (const Conv& v : conv_cases()) {
    ++vi;
    const int P = v.p(), Q = v.q();
    const long long CRS = v.colRows(), PQ = v.pq();
    auto x = random_vector((size_t)v.n * v.c * v.h * v.w, -1, 1, 4200 + vi);
    auto wt = random_vector((size_t)v.k * CRS, -1, 1, 4300 + vi);
    auto gy = random_vector((size_t)v.n * v.k * PQ, -1, 1, 4400 + vi);
    auto col = poisoned((size_t)v.n * CRS * PQ);
    launch_im2col(v, x.data(), col.data(), v.n);

    // forward: y_b (K×PQ) = W (K×CRS) · col_b (CRS×PQ), one strided-batched gemm with strideA = 0
    auto y = poisoned((size_t)v.n * v.k * PQ);
    launch_gemm(0, 0, v.k, (int)PQ, (int)CRS, 1.0f, wt.data(), (int)CRS, 0, col.data(), (int)PQ, CRS * PQ, 0.0f, y.data(),
                (int)PQ, (long long)v.k * PQ, v.n);
    std::vector<double> yref(y.size()), gxref(x.size(), 0.0), gwref(wt.size(), 0.0);
    for (int b = 0; b < v.n; ++b)
      for (int kk = 0; kk < v.k; ++kk)
        for (int pi = 0; pi < P; ++pi)
          for (int qi = 0; qi < Q; ++qi) {
            double s = 0;
            const double g = gy[(((size_t)b * v.k + kk) * P + pi) * Q + qi];
            for (int ci = 0; ci < v.c; ++ci)
              for (int ri = 0; ri < v.r; ++ri)
                for (int si = 0; si < v.s; ++si) {
                  const int hi = pi * v.sh + ri - v.ph, wi = qi * v.sw + si - v.pw;
                  const size_t widx = (((size_t)kk * v.c + ci) * v.r + ri) * v.s + si;
                  const double xv = at(v, x, b, ci, hi, wi);
                  s += xv * wt[widx];
                  gwref[widx] += g * xv;
                  if (hi >= 0 && hi < v.h && wi >= 0 && wi < v.w)
                    gxref[(((size_t)b * v.c + ci) * v.h + hi) * v.w + wi] += g * wt[widx];
                }
            yref[(((size_t)b * v.k + kk) * P + pi) * Q + qi] = s;
          }
    const std::string tag = " case " + std::to_string(vi);
    expect_near("conv forward" + tag, y, yref, 1e-5, 1e-5);

    // data gradient: gcol_b (CRS×PQ) = Wᵀ · gy_b, then col2im
    auto gcol = poisoned(col.size());
    launch_gemm(1, 0, (int)CRS, (int)PQ, v.k, 1.0f, wt.data(), (int)CRS, 0, gy.data(), (int)PQ, (long long)v.k * PQ, 0.0f,
                gcol.data(), (int)PQ, CRS * PQ, v.n);
    auto gx = poisoned(x.size());
    launch_col2im(v, gcol.data(), gx.data(), v.n);
    expect_near("conv data gradient" + tag, gx, gxref, 1e-5, 1e-5);

    // filter gradient: gW (K×CRS) = Σ_b gy_b (K×PQ) · col_bᵀ, accumulated with β = 1 after the first image
    auto gw = poisoned(wt.size());
    for (int b = 0; b < v.n; ++b)
      launch_gemm(0, 1, v.k, (int)CRS, (int)PQ, 1.0f, gy.data() + (size_t)b * v.k * PQ, (int)PQ, 0,
                  col.data() + (size_t)b * CRS * PQ, (int)PQ, 0, b == 0 ? 0.0f : 1.0f, gw.data(), (int)CRS, 0, 1);
    expect_near("conv filter gradient" + tag, gw, gwref, 1e-5, 1e-5);
  }
}
