// Stand-in libcudnn.so.9, part 2: convolution forward / backward-data / backward-filter, their
// algorithm lists (heuristic, measured) and workspace sizes.
//
// Each direction implements two genuinely different algorithms so that both the zero-workspace path
// and the workspace path run: a direct loop (float64 accumulation, no workspace) and an im2col/GEMM
// form (float32 accumulation) whose column matrix lives in the caller's workspace. A third entry
// (FFT) is listed as NOT_SUPPORTED, the way cuDNN lists algorithms that do not apply to a shape.
//
//   forward        y[n,k,p,q]  = Σ_{c,r,s} x[n,c,h(p,r),w(q,s)] · w[k,c,r,s]
//   backward data  dx[n,c,h,w] = Σ_{k,r,s : h(p,r)=h, w(q,s)=w} dy[n,k,p,q] · w[k,c,r,s]
//   backward filt. dw[k,c,r,s] = Σ_{n,p,q} dy[n,k,p,q] · x[n,c,h(p,r),w(q,s)]
// with h(p,r) = p·strideH − padH + r·dilH (zero outside the input), and out = α·result + β·out.
#include "fake_cudnn.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace fakecudnn;

namespace {

typedef long long ll;
enum class Dir { Fwd, BwdData, BwdFilter };

// The heuristic ranking (Get_v7): the fastest stand-in algorithm first, so the default path is quick
// and uses the workspace.
const int FWD_LIST[] = {CUDNN_CONVOLUTION_FWD_ALGO_GEMM, CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM,
                        CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, CUDNN_CONVOLUTION_FWD_ALGO_FFT};
const int BWD_DATA_LIST[] = {CUDNN_CONVOLUTION_BWD_DATA_ALGO_1, CUDNN_CONVOLUTION_BWD_DATA_ALGO_0,
                             CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT};
const int BWD_FILTER_LIST[] = {CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0,
                               CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT};

// Workspace bytes `algo` needs, or −1 where this stand-in does not implement it.
ll workspaceBytes(Dir dir, int algo, const ConvDims& d) {
  ll crs = (ll)d.c * d.r * d.s, pq = (ll)d.p * d.q;
  switch (dir) {
    case Dir::Fwd:
      if (algo == CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM) return 0;
      if (algo == CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM) return ((ll)d.p * d.r + (ll)d.q * d.s) * 4;
      if (algo == CUDNN_CONVOLUTION_FWD_ALGO_GEMM) return crs * pq * 4;
      return -1;
    case Dir::BwdData:
      if (algo == CUDNN_CONVOLUTION_BWD_DATA_ALGO_0) return 0;
      if (algo == CUDNN_CONVOLUTION_BWD_DATA_ALGO_1) return (crs * pq + (ll)d.c * d.h * d.w) * 4;
      return -1;
    case Dir::BwdFilter:
      if (algo == CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0) return 0;
      if (algo == CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1) return (crs * pq + (ll)d.k * crs) * 4;
      return -1;
  }
  return -1;
}

// What cuDNN reports: its ALGO_0 backward kernels use atomics and are flagged non-deterministic.
int determinism(Dir dir, int algo) {
  return dir != Dir::Fwd && algo == 0 ? CUDNN_NON_DETERMINISTIC : CUDNN_DETERMINISTIC;
}

inline int inRow(const ConvDims& d, int p, int r) {
  int h = p * d.strideH - d.padH + r * d.dilH; return h >= 0 && h < d.h ? h : -1;
}
inline int inCol(const ConvDims& d, int q, int s) {
  int w = q * d.strideW - d.padW + s * d.dilW; return w >= 0 && w < d.w ? w : -1;
}
// Filter element used at spatial offset (r, s): rotated by 180° for CUDNN_CONVOLUTION.
inline ll wIndex(const ConvDims& d, int k, int c, int r, int s) {
  int rr = d.flip ? d.r - 1 - r : r, ss = d.flip ? d.s - 1 - s : s;
  return (((ll)k * d.c + c) * d.r + rr) * d.s + ss;
}

// col[(c·R + r)·S + s][p·Q + q] = x[c, h(p,r), w(q,s)] or 0 in the padding; x is one image C×H×W.
void im2col(const ConvDims& d, const float* x, float* col) {
  for (int c = 0; c < d.c; ++c)
    for (int r = 0; r < d.r; ++r)
      for (int s = 0; s < d.s; ++s) {
        float* row = col + (((ll)c * d.r + r) * d.s + s) * d.p * d.q;
        for (int p = 0; p < d.p; ++p) {
          int h = inRow(d, p, r);
          for (int q = 0; q < d.q; ++q) {
            int w = inCol(d, q, s);
            row[(ll)p * d.q + q] = h >= 0 && w >= 0 ? x[((ll)c * d.h + h) * d.w + w] : 0.0f;
          }
        }
      }
}

// The filter as a K × CRS matrix in spatial-offset order (a copy only when it must be rotated).
std::vector<float> filterMatrix(const ConvDims& d, const float* w) {
  ll crs = (ll)d.c * d.r * d.s;
  std::vector<float> m(d.flip ? (size_t)(d.k * crs) : 0);
  if (d.flip)
    for (int k = 0; k < d.k; ++k)
      for (int c = 0; c < d.c; ++c)
        for (int r = 0; r < d.r; ++r)
          for (int s = 0; s < d.s; ++s) m[k * crs + ((ll)c * d.r + r) * d.s + s] = w[wIndex(d, k, c, r, s)];
  return m;
}

// Input row of every (p, r) and input column of every (q, s); −1 in the padding.
struct Taps {
  std::vector<int> rows, cols;   // rows[p·R + r], cols[q·S + s]
  explicit Taps(const ConvDims& d) : rows((size_t)d.p * d.r), cols((size_t)d.q * d.s) {
    for (int p = 0; p < d.p; ++p) for (int r = 0; r < d.r; ++r) rows[p * d.r + r] = inRow(d, p, r);
    for (int q = 0; q < d.q; ++q) for (int s = 0; s < d.s; ++s) cols[q * d.s + s] = inCol(d, q, s);
  }
};

// ---- forward --------------------------------------------------------------------------------------

// acc[p,q] += w[k,c,r,s] · x[c, h(p,r), w(q,s)] for one image and output channel, tap by tap.
template <typename Acc>
inline void accumulateTaps(const ConvDims& d, const int* rows, const int* cols, const float* xn, const float* w,
                           int k, Acc* acc) {
  for (int c = 0; c < d.c; ++c) {
    const float* xc = xn + (ll)c * d.h * d.w;
    for (int r = 0; r < d.r; ++r)
      for (int s = 0; s < d.s; ++s) {
        Acc wv = w[wIndex(d, k, c, r, s)];
        for (int p = 0; p < d.p; ++p) {
          int h = rows[p * d.r + r];
          if (h < 0) continue;
          const float* xrow = xc + (ll)h * d.w;
          Acc* arow = acc + (ll)p * d.q;
          for (int q = 0; q < d.q; ++q) {
            int iw = cols[q * d.s + s];
            if (iw >= 0) arow[q] += wv * xrow[iw];
          }
        }
      }
  }
}

// IMPLICIT_GEMM stand-in: the taps recomputed per call, float64 accumulation, no workspace.
void forwardDirect(const ConvDims& d, const float* x, const float* w, float* y, float alpha, float beta) {
  Taps t(d);
  ll pq = (ll)d.p * d.q;
  std::vector<double> acc(pq);
  for (int n = 0; n < d.n; ++n)
    for (int k = 0; k < d.k; ++k) {
      std::fill(acc.begin(), acc.end(), 0.0);
      accumulateTaps(d, t.rows.data(), t.cols.data(), x + (ll)n * d.c * d.h * d.w, w, k, acc.data());
      float* yk = y + ((ll)n * d.k + k) * pq;
      for (ll j = 0; j < pq; ++j) blend(&yk[j], acc[j], alpha, beta);
    }
}

// IMPLICIT_PRECOMP_GEMM stand-in: the taps precomputed into the workspace (P·R + Q·S ints), float32 sums.
void forwardPrecomp(const ConvDims& d, const float* x, const float* w, float* y, float alpha, float beta, void* ws) {
  int* rows = (int*)ws;
  int* cols = rows + (ll)d.p * d.r;
  for (int p = 0; p < d.p; ++p) for (int r = 0; r < d.r; ++r) rows[p * d.r + r] = inRow(d, p, r);
  for (int q = 0; q < d.q; ++q) for (int s = 0; s < d.s; ++s) cols[q * d.s + s] = inCol(d, q, s);
  ll pq = (ll)d.p * d.q;
  std::vector<float> acc(pq);
  for (int n = 0; n < d.n; ++n)
    for (int k = 0; k < d.k; ++k) {
      std::fill(acc.begin(), acc.end(), 0.0f);
      accumulateTaps(d, rows, cols, x + (ll)n * d.c * d.h * d.w, w, k, acc.data());
      float* yk = y + ((ll)n * d.k + k) * pq;
      for (ll j = 0; j < pq; ++j) blend(&yk[j], acc[j], alpha, beta);
    }
}

// GEMM: per image, col = im2col(x) in the workspace, then y = W (K × CRS) · col (CRS × PQ).
void forwardGemm(const ConvDims& d, const float* x, const float* w, float* y, float alpha, float beta, void* ws) {
  float* col = (float*)ws;
  ll crs = (ll)d.c * d.r * d.s, pq = (ll)d.p * d.q;
  std::vector<float> rotated = filterMatrix(d, w), acc(pq);
  const float* wm = d.flip ? rotated.data() : w;
  for (int n = 0; n < d.n; ++n) {
    im2col(d, x + (ll)n * d.c * d.h * d.w, col);
    for (int k = 0; k < d.k; ++k) {
      std::fill(acc.begin(), acc.end(), 0.0f);
      float* a = acc.data();
      for (ll i = 0; i < crs; ++i) {
        float wv = wm[k * crs + i];
        const float* row = col + i * pq;
        for (ll j = 0; j < pq; ++j) a[j] += wv * row[j];
      }
      float* yk = y + ((ll)n * d.k + k) * pq;
      for (ll j = 0; j < pq; ++j) blend(&yk[j], a[j], alpha, beta);
    }
  }
}

// ---- backward data ----------------------------------------------------------------------------------

// ALGO_0 stand-in: every dy[n,k,p,q]·w[k,c,r,s] scattered onto its input position, float64 sums.
void backwardDataDirect(const ConvDims& d, const float* dy, const float* w, float* dx, float alpha, float beta) {
  Taps t(d);
  ll pq = (ll)d.p * d.q, hw = (ll)d.h * d.w;
  std::vector<double> img((size_t)(d.c * hw));
  for (int n = 0; n < d.n; ++n) {
    std::fill(img.begin(), img.end(), 0.0);
    for (int k = 0; k < d.k; ++k) {
      const float* dyk = dy + ((ll)n * d.k + k) * pq;
      for (int c = 0; c < d.c; ++c)
        for (int r = 0; r < d.r; ++r)
          for (int s = 0; s < d.s; ++s) {
            double wv = w[wIndex(d, k, c, r, s)];
            for (int p = 0; p < d.p; ++p) {
              int h = t.rows[p * d.r + r];
              if (h < 0) continue;
              double* irow = img.data() + c * hw + (ll)h * d.w;
              const float* g = dyk + (ll)p * d.q;
              for (int q = 0; q < d.q; ++q) {
                int iw = t.cols[q * d.s + s];
                if (iw >= 0) irow[iw] += wv * g[q];
              }
            }
          }
    }
    float* dxn = dx + (ll)n * d.c * hw;
    for (ll i = 0; i < d.c * hw; ++i) blend(&dxn[i], img[i], alpha, beta);
  }
}

// ALGO_1 stand-in: per image, col = Wᵀ (CRS × K) · dy (K × PQ) in the workspace, then col2im sums col
// into an image that also lives in the workspace.
void backwardDataGemm(const ConvDims& d, const float* dy, const float* w, float* dx, float alpha, float beta, void* ws) {
  ll crs = (ll)d.c * d.r * d.s, pq = (ll)d.p * d.q, chw = (ll)d.c * d.h * d.w;
  float* col = (float*)ws;
  float* img = col + crs * pq;
  std::vector<float> rotated = filterMatrix(d, w);
  const float* wm = d.flip ? rotated.data() : w;
  for (int n = 0; n < d.n; ++n) {
    const float* dyn = dy + (ll)n * d.k * pq;
    std::fill(col, col + crs * pq, 0.0f);
    for (int k = 0; k < d.k; ++k) {
      const float* dyk = dyn + k * pq;
      for (ll i = 0; i < crs; ++i) {
        float wv = wm[k * crs + i];
        float* row = col + i * pq;
        for (ll j = 0; j < pq; ++j) row[j] += wv * dyk[j];
      }
    }
    std::fill(img, img + chw, 0.0f);
    for (int c = 0; c < d.c; ++c)
      for (int r = 0; r < d.r; ++r)
        for (int s = 0; s < d.s; ++s) {
          const float* row = col + (((ll)c * d.r + r) * d.s + s) * pq;
          for (int p = 0; p < d.p; ++p) {
            int h = inRow(d, p, r);
            if (h < 0) continue;
            for (int q = 0; q < d.q; ++q) {
              int iw = inCol(d, q, s);
              if (iw >= 0) img[((ll)c * d.h + h) * d.w + iw] += row[(ll)p * d.q + q];
            }
          }
        }
    float* dxn = dx + (ll)n * chw;
    for (ll i = 0; i < chw; ++i) blend(&dxn[i], img[i], alpha, beta);
  }
}

// ---- backward filter --------------------------------------------------------------------------------

// ALGO_0 stand-in: dw[k,c,r,s] as a float64 sum over (n, p, q) of dy · x, tap by tap.
void backwardFilterDirect(const ConvDims& d, const float* x, const float* dy, float* dw, float alpha, float beta) {
  Taps t(d);
  ll pq = (ll)d.p * d.q, hw = (ll)d.h * d.w;
  for (int k = 0; k < d.k; ++k)
    for (int c = 0; c < d.c; ++c)
      for (int r = 0; r < d.r; ++r)
        for (int s = 0; s < d.s; ++s) {
          double sum = 0;
          for (int n = 0; n < d.n; ++n) {
            const float* dyk = dy + ((ll)n * d.k + k) * pq;
            const float* xc = x + ((ll)n * d.c + c) * hw;
            for (int p = 0; p < d.p; ++p) {
              int h = t.rows[p * d.r + r];
              if (h < 0) continue;
              const float* xrow = xc + (ll)h * d.w;
              const float* g = dyk + (ll)p * d.q;
              for (int q = 0; q < d.q; ++q) {
                int iw = t.cols[q * d.s + s];
                if (iw >= 0) sum += (double)g[q] * xrow[iw];
              }
            }
          }
          blend(&dw[wIndex(d, k, c, r, s)], sum, alpha, beta);
        }
}

// ALGO_1 stand-in: per image, colT = im2col(x)ᵀ (PQ × CRS) in the workspace; acc (K × CRS, also in
// the workspace) += dy (K × PQ) · colT, as rows of axpys.
void backwardFilterGemm(const ConvDims& d, const float* x, const float* dy, float* dw, float alpha, float beta, void* ws) {
  ll crs = (ll)d.c * d.r * d.s, pq = (ll)d.p * d.q;
  float* colT = (float*)ws;
  float* acc = colT + crs * pq;
  std::fill(acc, acc + d.k * crs, 0.0f);
  for (int n = 0; n < d.n; ++n) {
    const float* xn = x + (ll)n * d.c * d.h * d.w;
    for (int p = 0; p < d.p; ++p)
      for (int q = 0; q < d.q; ++q) {
        float* out = colT + ((ll)p * d.q + q) * crs;
        for (int c = 0; c < d.c; ++c)
          for (int r = 0; r < d.r; ++r) {
            int h = inRow(d, p, r);
            for (int s = 0; s < d.s; ++s) {
              int iw = inCol(d, q, s);
              out[((ll)c * d.r + r) * d.s + s] = h >= 0 && iw >= 0 ? xn[((ll)c * d.h + h) * d.w + iw] : 0.0f;
            }
          }
      }
    for (int k = 0; k < d.k; ++k) {
      const float* dyk = dy + ((ll)n * d.k + k) * pq;
      float* a = acc + k * crs;
      for (ll j = 0; j < pq; ++j) {
        float g = dyk[j];
        const float* row = colT + j * crs;
        for (ll i = 0; i < crs; ++i) a[i] += g * row[i];
      }
    }
  }
  for (int k = 0; k < d.k; ++k)
    for (int c = 0; c < d.c; ++c)
      for (int r = 0; r < d.r; ++r)
        for (int s = 0; s < d.s; ++s)
          blend(&dw[wIndex(d, k, c, r, s)], acc[k * crs + ((ll)c * d.r + r) * d.s + s], alpha, beta);
}

// Runs one algorithm. Forward: a = x, b = w, out = y. Backward data: a = dy, b = w, out = dx.
// Backward filter: a = x, b = dy, out = dw. The workspace was checked by the caller.
void runAlgo(Dir dir, int algo, const ConvDims& d, const float* a, const float* b, float* out, float alpha,
             float beta, void* ws) {
  switch (dir) {
    case Dir::Fwd:
      if (algo == CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM) forwardDirect(d, a, b, out, alpha, beta);
      else if (algo == CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM) forwardPrecomp(d, a, b, out, alpha, beta, ws);
      else forwardGemm(d, a, b, out, alpha, beta, ws);
      return;
    case Dir::BwdData:
      if (algo == CUDNN_CONVOLUTION_BWD_DATA_ALGO_0) backwardDataDirect(d, a, b, out, alpha, beta);
      else backwardDataGemm(d, a, b, out, alpha, beta, ws);
      return;
    case Dir::BwdFilter:
      if (algo == CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0) backwardFilterDirect(d, a, b, out, alpha, beta);
      else backwardFilterGemm(d, a, b, out, alpha, beta, ws);
      return;
  }
}

const int* algoList(Dir dir, int* count) {
  if (dir == Dir::Fwd) { *count = 4; return FWD_LIST; }
  *count = 3;
  return dir == Dir::BwdData ? BWD_DATA_LIST : BWD_FILTER_LIST;
}

ll outElems(Dir dir, const ConvDims& d) {
  if (dir == Dir::Fwd) return (ll)d.n * d.k * d.p * d.q;
  if (dir == Dir::BwdData) return (ll)d.n * d.c * d.h * d.w;
  return (ll)d.k * d.c * d.r * d.s;
}

enum class Search { Heuristic, FindOwnBuffers, FindEx };

// The Get_v7 / Find / FindEx answer: one AlgoPerf per listed algorithm, up to `requested`.
// Heuristic: the fixed preference order, time −1. Find/FindEx: every implemented algorithm is run
// and timed, the list sorted fastest first with failures last; FindEx runs on the caller's buffers
// and marks an algorithm ALLOC_FAILED when the caller's workspace is too small for it.
cudnnStatus_t listAlgos(const char* call, Dir dir, Search search, cudnnHandle_t handle, const ConvDims& d,
                        int mathType, int requested, int* returned, AlgoPerf* perf, const float* a, const float* b,
                        float* out, void* ws, size_t wsBytes) {
  if (cudnnStatus_t st = checkHandle(call, handle)) return st;
  if (requested < 1 || !returned || !perf)
    return fail(CUDNN_STATUS_BAD_PARAM, call, "requestedAlgoCount %d < 1 or NULL output pointers", requested);
  if (search == Search::FindEx && (!a || !b || !out))
    return fail(CUDNN_STATUS_BAD_PARAM, call, "a data pointer is NULL");
  if (search == Search::FindEx && wsBytes > 0 && !ws)
    return fail(CUDNN_STATUS_BAD_PARAM, call, "workSpace is NULL but workSpaceSizeInBytes is %zu", wsBytes);
  int count;
  const int* list = algoList(dir, &count);
  std::vector<float> ownA, ownB, ownOut, ownWs;
  if (search == Search::FindOwnBuffers) {   // cuDNN allocates scratch inputs and outputs itself
    ll aElems = dir == Dir::BwdData ? (ll)d.n * d.k * d.p * d.q : (ll)d.n * d.c * d.h * d.w;
    ll bElems = dir == Dir::BwdFilter ? (ll)d.n * d.k * d.p * d.q : (ll)d.k * d.c * d.r * d.s;
    ownA.assign(aElems, 0.5f); ownB.assign(bElems, 0.25f); ownOut.assign(outElems(dir, d), 0.0f);
    a = ownA.data(); b = ownB.data(); out = ownOut.data();
  }
  std::vector<AlgoPerf> all;
  for (int i = 0; i < count; ++i) {
    int algo = list[i];
    ll need = workspaceBytes(dir, algo, d);
    AlgoPerf p{algo, CUDNN_STATUS_SUCCESS, -1.0f, need < 0 ? 0 : (size_t)need, determinism(dir, algo), mathType, {0, 0, 0}};
    if (need < 0) p.status = CUDNN_STATUS_NOT_SUPPORTED;
    else if (search != Search::Heuristic) {
      void* w = ws;
      if (search == Search::FindOwnBuffers) { ownWs.assign((need + 3) / 4 + 1, 0.0f); w = ownWs.data(); }
      else if ((size_t)need > wsBytes) p.status = CUDNN_STATUS_ALLOC_FAILED;
      if (p.status == CUDNN_STATUS_SUCCESS) {
        auto t0 = std::chrono::steady_clock::now();
        runAlgo(dir, algo, d, a, b, out, 1.0f, 0.0f, w);
        p.time = std::chrono::duration<float, std::milli>(std::chrono::steady_clock::now() - t0).count();
      }
    }
    all.push_back(p);
  }
  if (search != Search::Heuristic)
    std::stable_sort(all.begin(), all.end(), [](const AlgoPerf& x, const AlgoPerf& y) {
      if ((x.status == CUDNN_STATUS_SUCCESS) != (y.status == CUDNN_STATUS_SUCCESS)) return x.status == CUDNN_STATUS_SUCCESS;
      return x.status == CUDNN_STATUS_SUCCESS && x.time < y.time;
    });
  int n = std::min(requested, (int)all.size());
  for (int i = 0; i < n; ++i) perf[i] = all[i];
  *returned = n;
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t workspaceSize(const char* call, Dir dir, cudnnHandle_t handle, const ConvDims& d, int algo, size_t* size) {
  if (cudnnStatus_t st = checkHandle(call, handle)) return st;
  if (!size) return fail(CUDNN_STATUS_BAD_PARAM, call, "sizeInBytes is NULL");
  ll need = workspaceBytes(dir, algo, d);
  if (need < 0) return fail(CUDNN_STATUS_NOT_SUPPORTED, call, "algorithm %d is not implemented by this stand-in", algo);
  *size = (size_t)need;
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t execute(const char* call, Dir dir, cudnnHandle_t handle, const ConvDims& d, const void* alpha,
                      const void* beta, const void* a, const void* b, void* out, int algo, void* ws, size_t wsBytes) {
  if (cudnnStatus_t st = checkHandle(call, handle)) return st;
  float al, be;
  if (cudnnStatus_t st = scalars(call, alpha, beta, &al, &be)) return st;
  if (!a || !b || !out) return fail(CUDNN_STATUS_BAD_PARAM, call, "a data pointer is NULL");
  ll need = workspaceBytes(dir, algo, d);
  if (need < 0) return fail(CUDNN_STATUS_NOT_SUPPORTED, call, "algorithm %d is not implemented by this stand-in", algo);
  if ((size_t)need > wsBytes)
    return fail(CUDNN_STATUS_BAD_PARAM, call, "algorithm %d needs %lld workspace bytes, %zu given", algo, need, wsBytes);
  if (need > 0 && !ws) return fail(CUDNN_STATUS_BAD_PARAM, call, "workSpace is NULL");
  runAlgo(dir, algo, d, (const float*)a, (const float*)b, (float*)out, al, be, ws);
  return CUDNN_STATUS_SUCCESS;
}

}  // namespace

#define CONV_DIMS(call, x, w, conv, y)                          \
  ConvDims d;                                                   \
  if (cudnnStatus_t st = convDims(call, x, w, conv, y, &d)) return st

// ---- forward ----------------------------------------------------------------------------------------

FAKE_CUDNN_API cudnnStatus_t cudnnGetConvolutionForwardAlgorithm_v7(
    cudnnHandle_t handle, cudnnTensorDescriptor_t xDesc, cudnnFilterDescriptor_t wDesc,
    cudnnConvolutionDescriptor_t convDesc, cudnnTensorDescriptor_t yDesc, int requested, int* returned, AlgoPerf* perf) {
  const char* call = "cudnnGetConvolutionForwardAlgorithm_v7";
  CONV_DIMS(call, xDesc, wDesc, convDesc, yDesc);
  return listAlgos(call, Dir::Fwd, Search::Heuristic, handle, d, convDesc->mathType, requested, returned, perf,
                   nullptr, nullptr, nullptr, nullptr, 0);
}
FAKE_CUDNN_API cudnnStatus_t cudnnFindConvolutionForwardAlgorithm(
    cudnnHandle_t handle, cudnnTensorDescriptor_t xDesc, cudnnFilterDescriptor_t wDesc,
    cudnnConvolutionDescriptor_t convDesc, cudnnTensorDescriptor_t yDesc, int requested, int* returned, AlgoPerf* perf) {
  const char* call = "cudnnFindConvolutionForwardAlgorithm";
  CONV_DIMS(call, xDesc, wDesc, convDesc, yDesc);
  return listAlgos(call, Dir::Fwd, Search::FindOwnBuffers, handle, d, convDesc->mathType, requested, returned, perf,
                   nullptr, nullptr, nullptr, nullptr, 0);
}
FAKE_CUDNN_API cudnnStatus_t cudnnFindConvolutionForwardAlgorithmEx(
    cudnnHandle_t handle, cudnnTensorDescriptor_t xDesc, const void* x, cudnnFilterDescriptor_t wDesc, const void* w,
    cudnnConvolutionDescriptor_t convDesc, cudnnTensorDescriptor_t yDesc, void* y, int requested, int* returned,
    AlgoPerf* perf, void* workSpace, size_t workSpaceSizeInBytes) {
  const char* call = "cudnnFindConvolutionForwardAlgorithmEx";
  CONV_DIMS(call, xDesc, wDesc, convDesc, yDesc);
  return listAlgos(call, Dir::Fwd, Search::FindEx, handle, d, convDesc->mathType, requested, returned, perf,
                   (const float*)x, (const float*)w, (float*)y, workSpace, workSpaceSizeInBytes);
}
FAKE_CUDNN_API cudnnStatus_t cudnnGetConvolutionForwardWorkspaceSize(
    cudnnHandle_t handle, cudnnTensorDescriptor_t xDesc, cudnnFilterDescriptor_t wDesc,
    cudnnConvolutionDescriptor_t convDesc, cudnnTensorDescriptor_t yDesc, int algo, size_t* sizeInBytes) {
  const char* call = "cudnnGetConvolutionForwardWorkspaceSize";
  CONV_DIMS(call, xDesc, wDesc, convDesc, yDesc);
  return workspaceSize(call, Dir::Fwd, handle, d, algo, sizeInBytes);
}
FAKE_CUDNN_API cudnnStatus_t cudnnConvolutionForward(
    cudnnHandle_t handle, const void* alpha, cudnnTensorDescriptor_t xDesc, const void* x,
    cudnnFilterDescriptor_t wDesc, const void* w, cudnnConvolutionDescriptor_t convDesc, int algo, void* workSpace,
    size_t workSpaceSizeInBytes, const void* beta, cudnnTensorDescriptor_t yDesc, void* y) {
  const char* call = "cudnnConvolutionForward";
  CONV_DIMS(call, xDesc, wDesc, convDesc, yDesc);
  return execute(call, Dir::Fwd, handle, d, alpha, beta, x, w, y, algo, workSpace, workSpaceSizeInBytes);
}

// ---- backward data ----------------------------------------------------------------------------------

FAKE_CUDNN_API cudnnStatus_t cudnnGetConvolutionBackwardDataAlgorithm_v7(
    cudnnHandle_t handle, cudnnFilterDescriptor_t wDesc, cudnnTensorDescriptor_t dyDesc,
    cudnnConvolutionDescriptor_t convDesc, cudnnTensorDescriptor_t dxDesc, int requested, int* returned, AlgoPerf* perf) {
  const char* call = "cudnnGetConvolutionBackwardDataAlgorithm_v7";
  CONV_DIMS(call, dxDesc, wDesc, convDesc, dyDesc);
  return listAlgos(call, Dir::BwdData, Search::Heuristic, handle, d, convDesc->mathType, requested, returned, perf,
                   nullptr, nullptr, nullptr, nullptr, 0);
}
FAKE_CUDNN_API cudnnStatus_t cudnnFindConvolutionBackwardDataAlgorithm(
    cudnnHandle_t handle, cudnnFilterDescriptor_t wDesc, cudnnTensorDescriptor_t dyDesc,
    cudnnConvolutionDescriptor_t convDesc, cudnnTensorDescriptor_t dxDesc, int requested, int* returned, AlgoPerf* perf) {
  const char* call = "cudnnFindConvolutionBackwardDataAlgorithm";
  CONV_DIMS(call, dxDesc, wDesc, convDesc, dyDesc);
  return listAlgos(call, Dir::BwdData, Search::FindOwnBuffers, handle, d, convDesc->mathType, requested, returned,
                   perf, nullptr, nullptr, nullptr, nullptr, 0);
}
FAKE_CUDNN_API cudnnStatus_t cudnnFindConvolutionBackwardDataAlgorithmEx(
    cudnnHandle_t handle, cudnnFilterDescriptor_t wDesc, const void* w, cudnnTensorDescriptor_t dyDesc, const void* dy,
    cudnnConvolutionDescriptor_t convDesc, cudnnTensorDescriptor_t dxDesc, void* dx, int requested, int* returned,
    AlgoPerf* perf, void* workSpace, size_t workSpaceSizeInBytes) {
  const char* call = "cudnnFindConvolutionBackwardDataAlgorithmEx";
  CONV_DIMS(call, dxDesc, wDesc, convDesc, dyDesc);
  return listAlgos(call, Dir::BwdData, Search::FindEx, handle, d, convDesc->mathType, requested, returned, perf,
                   (const float*)dy, (const float*)w, (float*)dx, workSpace, workSpaceSizeInBytes);
}
FAKE_CUDNN_API cudnnStatus_t cudnnGetConvolutionBackwardDataWorkspaceSize(
    cudnnHandle_t handle, cudnnFilterDescriptor_t wDesc, cudnnTensorDescriptor_t dyDesc,
    cudnnConvolutionDescriptor_t convDesc, cudnnTensorDescriptor_t dxDesc, int algo, size_t* sizeInBytes) {
  const char* call = "cudnnGetConvolutionBackwardDataWorkspaceSize";
  CONV_DIMS(call, dxDesc, wDesc, convDesc, dyDesc);
  return workspaceSize(call, Dir::BwdData, handle, d, algo, sizeInBytes);
}
FAKE_CUDNN_API cudnnStatus_t cudnnConvolutionBackwardData(
    cudnnHandle_t handle, const void* alpha, cudnnFilterDescriptor_t wDesc, const void* w,
    cudnnTensorDescriptor_t dyDesc, const void* dy, cudnnConvolutionDescriptor_t convDesc, int algo, void* workSpace,
    size_t workSpaceSizeInBytes, const void* beta, cudnnTensorDescriptor_t dxDesc, void* dx) {
  const char* call = "cudnnConvolutionBackwardData";
  CONV_DIMS(call, dxDesc, wDesc, convDesc, dyDesc);
  return execute(call, Dir::BwdData, handle, d, alpha, beta, dy, w, dx, algo, workSpace, workSpaceSizeInBytes);
}

// ---- backward filter --------------------------------------------------------------------------------

FAKE_CUDNN_API cudnnStatus_t cudnnGetConvolutionBackwardFilterAlgorithm_v7(
    cudnnHandle_t handle, cudnnTensorDescriptor_t xDesc, cudnnTensorDescriptor_t dyDesc,
    cudnnConvolutionDescriptor_t convDesc, cudnnFilterDescriptor_t dwDesc, int requested, int* returned, AlgoPerf* perf) {
  const char* call = "cudnnGetConvolutionBackwardFilterAlgorithm_v7";
  CONV_DIMS(call, xDesc, dwDesc, convDesc, dyDesc);
  return listAlgos(call, Dir::BwdFilter, Search::Heuristic, handle, d, convDesc->mathType, requested, returned, perf,
                   nullptr, nullptr, nullptr, nullptr, 0);
}
FAKE_CUDNN_API cudnnStatus_t cudnnFindConvolutionBackwardFilterAlgorithm(
    cudnnHandle_t handle, cudnnTensorDescriptor_t xDesc, cudnnTensorDescriptor_t dyDesc,
    cudnnConvolutionDescriptor_t convDesc, cudnnFilterDescriptor_t dwDesc, int requested, int* returned, AlgoPerf* perf) {
  const char* call = "cudnnFindConvolutionBackwardFilterAlgorithm";
  CONV_DIMS(call, xDesc, dwDesc, convDesc, dyDesc);
  return listAlgos(call, Dir::BwdFilter, Search::FindOwnBuffers, handle, d, convDesc->mathType, requested, returned,
                   perf, nullptr, nullptr, nullptr, nullptr, 0);
}
FAKE_CUDNN_API cudnnStatus_t cudnnFindConvolutionBackwardFilterAlgorithmEx(
    cudnnHandle_t handle, cudnnTensorDescriptor_t xDesc, const void* x, cudnnTensorDescriptor_t dyDesc, const void* dy,
    cudnnConvolutionDescriptor_t convDesc, cudnnFilterDescriptor_t dwDesc, void* dw, int requested, int* returned,
    AlgoPerf* perf, void* workSpace, size_t workSpaceSizeInBytes) {
  const char* call = "cudnnFindConvolutionBackwardFilterAlgorithmEx";
  CONV_DIMS(call, xDesc, dwDesc, convDesc, dyDesc);
  return listAlgos(call, Dir::BwdFilter, Search::FindEx, handle, d, convDesc->mathType, requested, returned, perf,
                   (const float*)x, (const float*)dy, (float*)dw, workSpace, workSpaceSizeInBytes);
}
FAKE_CUDNN_API cudnnStatus_t cudnnGetConvolutionBackwardFilterWorkspaceSize(
    cudnnHandle_t handle, cudnnTensorDescriptor_t xDesc, cudnnTensorDescriptor_t dyDesc,
    cudnnConvolutionDescriptor_t convDesc, cudnnFilterDescriptor_t dwDesc, int algo, size_t* sizeInBytes) {
  const char* call = "cudnnGetConvolutionBackwardFilterWorkspaceSize";
  CONV_DIMS(call, xDesc, dwDesc, convDesc, dyDesc);
  return workspaceSize(call, Dir::BwdFilter, handle, d, algo, sizeInBytes);
}
FAKE_CUDNN_API cudnnStatus_t cudnnConvolutionBackwardFilter(
    cudnnHandle_t handle, const void* alpha, cudnnTensorDescriptor_t xDesc, const void* x,
    cudnnTensorDescriptor_t dyDesc, const void* dy, cudnnConvolutionDescriptor_t convDesc, int algo, void* workSpace,
    size_t workSpaceSizeInBytes, const void* beta, cudnnFilterDescriptor_t dwDesc, void* dw) {
  const char* call = "cudnnConvolutionBackwardFilter";
  CONV_DIMS(call, xDesc, dwDesc, convDesc, dyDesc);
  return execute(call, Dir::BwdFilter, handle, d, alpha, beta, x, dy, dw, algo, workSpace, workSpaceSizeInBytes);
}
