// fake_cublas.cpp -- the stand-in libcublas.so.12 (and, built with -DFAKE_CUBLAS_VERSION=130002, libcublas.so.13)
// of the `cuda-emu` device: the cuBLAS v2 calls Duel makes,
// computed on the host with cuBLAS's exact semantics (column-major, op(X) = X or Xᵀ, α/β through host or
// "device" pointers, β = 0 never reads C, argument checks with CUBLAS_STATUS_INVALID_VALUE). Every other
// symbol JCublas 12.6 imports is a generated stub returning CUBLAS_STATUS_NOT_SUPPORTED.
//
// Operands must lie inside allocations of the fake libcuda.so.1 (checked through fakeCudaCheckRange when that
// library is loaded): a call reaching past a buffer fails with CUBLAS_STATUS_EXECUTION_FAILED and a message,
// where a GPU would fault or corrupt memory.
#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#define CUBLAS_API extern "C" __attribute__((visibility("default")))

// cublasGetVersion: MAJOR·10000 + MINOR·100 + PATCH. The .12 build reports 12.6.0, the .13 build 13.0.2.
#ifndef FAKE_CUBLAS_VERSION
#define FAKE_CUBLAS_VERSION 120600
#endif

typedef int cublasStatus_t;
enum : cublasStatus_t {
  ST_SUCCESS = 0,
  ST_NOT_INITIALIZED = 1,
  ST_ALLOC_FAILED = 3,
  ST_INVALID_VALUE = 7,
  ST_ARCH_MISMATCH = 8,
  ST_MAPPING_ERROR = 11,
  ST_EXECUTION_FAILED = 13,
  ST_INTERNAL_ERROR = 14,
  ST_NOT_SUPPORTED = 15,
  ST_LICENSE_ERROR = 16
};
enum { OP_N = 0, OP_T = 1, OP_C = 2 };

namespace {

struct Handle {
  void* stream = nullptr;
  int pointer_mode = 0;  // CUBLAS_POINTER_MODE_HOST
  int math_mode = 0;     // CUBLAS_DEFAULT_MATH
  int atomics = 0;
};

std::mutex g_mu;
std::set<Handle*> g_handles;
std::atomic<long long> g_gemm_calls{0};  // successful SGEMM calls (all three forms), for fakeCublasGemmCalls

bool live(Handle* h) {
  std::lock_guard<std::mutex> g(g_mu);
  return g_handles.count(h) > 0;
}

cublasStatus_t fail(cublasStatus_t st, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
cublasStatus_t fail(cublasStatus_t st, const char* fmt, ...) {
  const char* quiet = std::getenv("FAKE_CUDA_QUIET");
  if (quiet && *quiet && std::strcmp(quiet, "0") != 0) return st;
  va_list ap;
  va_start(ap, fmt);
  std::fprintf(stderr, "fake libcublas: ");
  std::vfprintf(stderr, fmt, ap);
  std::fprintf(stderr, "\n");
  va_end(ap);
  return st;
}

// [p, p + elements floats) inside one fake-libcuda allocation? True when that library is not loaded.
bool in_device_memory(const float* p, long long elements) {
  static int (*check)(const void*, long long) = (int (*)(const void*, long long))dlsym(RTLD_DEFAULT, "fakeCudaCheckRange");
  return !check || elements <= 0 || check(p, elements * (long long)sizeof(float));
}

// Elements spanned by a column-major rows×cols matrix with pitch ld.
long long extent(int rows, int cols, int ld) { return rows > 0 && cols > 0 ? (long long)(cols - 1) * ld + rows : 0; }

bool trans_ok(int op) { return op == OP_N || op == OP_T || op == OP_C; }

// C (m×n, pitch ldc) = α·op(A)·op(B) + β·C, column-major: op(A)(i, p) = A[i + p·lda] or A[p + i·lda].
// op(A) is packed once into a contiguous m×k copy; columns of C are spread over threads for large products.
// Accumulates in float, in order p = 0..k−1, like a GPU's FMA chain.
void sgemm_host(int ta, int tb, int m, int n, int k, float alpha, const float* A, int lda, const float* B, int ldb, float beta,
                float* C, int ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0 || alpha == 0.0f) {
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < m; ++i) C[i + (long long)j * ldc] = beta == 0.0f ? 0.0f : beta * C[i + (long long)j * ldc];
    return;
  }
  std::vector<float> Ap((size_t)m * k);
  for (int p = 0; p < k; ++p)
    for (int i = 0; i < m; ++i) Ap[i + (size_t)p * m] = ta == OP_N ? A[i + (long long)p * lda] : A[p + (long long)i * lda];
  // Four columns of C at a time: each element of op(A) loaded once feeds four running sums (each still
  // summed in order p = 0..k−1, so the result is that of the one-column loop).
  auto columns = [&](int j0, int j1) {
    std::vector<float> acc((size_t)m * 4);
    for (int j = j0; j < j1; j += 4) {
      const int nj = std::min(4, j1 - j);
      std::fill(acc.begin(), acc.end(), 0.0f);
      float* __restrict c0 = acc.data();
      float* __restrict c1 = c0 + m;
      float* __restrict c2 = c1 + m;
      float* __restrict c3 = c2 + m;
      for (int p = 0; p < k; ++p) {
        float b[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        for (int q = 0; q < nj; ++q) b[q] = tb == OP_N ? B[p + (long long)(j + q) * ldb] : B[j + q + (long long)p * ldb];
        const float* __restrict a = &Ap[(size_t)p * m];
        for (int i = 0; i < m; ++i) {
          const float av = a[i];
          c0[i] += av * b[0];
          c1[i] += av * b[1];
          c2[i] += av * b[2];
          c3[i] += av * b[3];
        }
      }
      for (int q = 0; q < nj; ++q) {
        float* c = C + (long long)(j + q) * ldc;
        const float* r = acc.data() + (size_t)q * m;
        for (int i = 0; i < m; ++i) c[i] = beta == 0.0f ? alpha * r[i] : alpha * r[i] + beta * c[i];
      }
    }
  };
  const double work = (double)m * n * k;
  const int threads = work < (1 << 21) ? 1 : (int)std::min<unsigned>(std::max(1u, std::thread::hardware_concurrency()), (unsigned)n);
  if (threads == 1) {
    columns(0, n);
    return;
  }
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(columns, (int)((long long)n * t / threads), (int)((long long)n * (t + 1) / threads));
  for (auto& th : pool) th.join();
}

// The argument checks of cublasSgemm (and its batched forms).
cublasStatus_t check_gemm(const char* op, Handle* h, int ta, int tb, int m, int n, int k, const float* alpha, int lda, int ldb,
                          const float* beta, int ldc) {
  if (!live(h)) return fail(ST_NOT_INITIALIZED, "%s: handle %p was not created by cublasCreate", op, (void*)h);
  if (!trans_ok(ta) || !trans_ok(tb)) return fail(ST_INVALID_VALUE, "%s: transa %d / transb %d", op, ta, tb);
  if (m < 0 || n < 0 || k < 0) return fail(ST_INVALID_VALUE, "%s: m=%d n=%d k=%d", op, m, n, k);
  if (lda < std::max(1, ta == OP_N ? m : k)) return fail(ST_INVALID_VALUE, "%s: lda=%d too small", op, lda);
  if (ldb < std::max(1, tb == OP_N ? k : n)) return fail(ST_INVALID_VALUE, "%s: ldb=%d too small", op, ldb);
  if (ldc < std::max(1, m)) return fail(ST_INVALID_VALUE, "%s: ldc=%d too small", op, ldc);
  if (!alpha || !beta) return fail(ST_INVALID_VALUE, "%s: alpha or beta is null", op);
  return ST_SUCCESS;
}

cublasStatus_t check_operands(const char* op, int ta, int tb, int m, int n, int k, const float* A, int lda, const float* B, int ldb,
                              const float* C, int ldc, float alpha, float beta) {
  const bool reads = k > 0 && alpha != 0.0f;
  if (reads && !in_device_memory(A, ta == OP_N ? extent(m, k, lda) : extent(k, m, lda)))
    return fail(ST_EXECUTION_FAILED, "%s: A (%p) reaches past its device allocation", op, (const void*)A);
  if (reads && !in_device_memory(B, tb == OP_N ? extent(k, n, ldb) : extent(n, k, ldb)))
    return fail(ST_EXECUTION_FAILED, "%s: B (%p) reaches past its device allocation", op, (const void*)B);
  if (!in_device_memory(C, extent(m, n, ldc)))
    return fail(ST_EXECUTION_FAILED, "%s: C (%p) reaches past its device allocation", op, (const void*)C);
  (void)beta;
  return ST_SUCCESS;
}

}  // namespace

// ---- handles and modes --------------------------------------------------------------------------------

CUBLAS_API cublasStatus_t cublasCreate_v2(Handle** h) {
  if (!h) return ST_INVALID_VALUE;
  std::lock_guard<std::mutex> g(g_mu);
  *h = new Handle;
  g_handles.insert(*h);
  return ST_SUCCESS;
}
CUBLAS_API cublasStatus_t cublasDestroy_v2(Handle* h) {
  std::lock_guard<std::mutex> g(g_mu);
  if (!g_handles.erase(h)) return ST_NOT_INITIALIZED;
  delete h;
  return ST_SUCCESS;
}
CUBLAS_API cublasStatus_t cublasGetVersion_v2(Handle* h, int* v) {
  if (!live(h)) return ST_NOT_INITIALIZED;
  if (!v) return ST_INVALID_VALUE;
  *v = FAKE_CUBLAS_VERSION;
  return ST_SUCCESS;
}
CUBLAS_API cublasStatus_t cublasGetVersion(int* v) {
  if (!v) return ST_INVALID_VALUE;
  *v = FAKE_CUBLAS_VERSION;
  return ST_SUCCESS;
}
// MAJOR_VERSION 0, MINOR_VERSION 1, PATCH_LEVEL 2.
CUBLAS_API cublasStatus_t cublasGetProperty(int type, int* v) {
  if (!v || type < 0 || type > 2) return ST_INVALID_VALUE;
  *v = type == 0 ? FAKE_CUBLAS_VERSION / 10000 : (type == 1 ? FAKE_CUBLAS_VERSION / 100 % 100 : FAKE_CUBLAS_VERSION % 100);
  return ST_SUCCESS;
}
CUBLAS_API size_t cublasGetCudartVersion(void) { return FAKE_CUBLAS_VERSION / 10000 * 1000 + FAKE_CUBLAS_VERSION / 100 % 100 * 10; }

// Test hook (not cuBLAS): how many SGEMM calls this library has computed, so a test can prove which of
// several loaded cuBLAS builds (.12 through JCublas, .13 through FFM) ran its GEMMs.
CUBLAS_API long long fakeCublasGemmCalls(void) { return g_gemm_calls.load(); }
CUBLAS_API cublasStatus_t cublasSetStream_v2(Handle* h, void* stream) {
  if (!live(h)) return ST_NOT_INITIALIZED;
  h->stream = stream;
  return ST_SUCCESS;
}
CUBLAS_API cublasStatus_t cublasGetStream_v2(Handle* h, void** stream) {
  if (!live(h)) return ST_NOT_INITIALIZED;
  if (!stream) return ST_INVALID_VALUE;
  *stream = h->stream;
  return ST_SUCCESS;
}
CUBLAS_API cublasStatus_t cublasSetPointerMode_v2(Handle* h, int mode) {
  if (!live(h)) return ST_NOT_INITIALIZED;
  if (mode != 0 && mode != 1) return ST_INVALID_VALUE;
  h->pointer_mode = mode;
  return ST_SUCCESS;
}
CUBLAS_API cublasStatus_t cublasGetPointerMode_v2(Handle* h, int* mode) {
  if (!live(h)) return ST_NOT_INITIALIZED;
  if (!mode) return ST_INVALID_VALUE;
  *mode = h->pointer_mode;
  return ST_SUCCESS;
}
CUBLAS_API cublasStatus_t cublasSetMathMode(Handle* h, int mode) {
  if (!live(h)) return ST_NOT_INITIALIZED;
  h->math_mode = mode;  // TF32 and friends are accepted; the host computes in full float regardless
  return ST_SUCCESS;
}
CUBLAS_API cublasStatus_t cublasGetMathMode(Handle* h, int* mode) {
  if (!live(h)) return ST_NOT_INITIALIZED;
  if (!mode) return ST_INVALID_VALUE;
  *mode = h->math_mode;
  return ST_SUCCESS;
}
CUBLAS_API cublasStatus_t cublasSetAtomicsMode(Handle* h, int mode) {
  if (!live(h)) return ST_NOT_INITIALIZED;
  h->atomics = mode;
  return ST_SUCCESS;
}
CUBLAS_API cublasStatus_t cublasGetAtomicsMode(Handle* h, int* mode) {
  if (!live(h)) return ST_NOT_INITIALIZED;
  if (!mode) return ST_INVALID_VALUE;
  *mode = h->atomics;
  return ST_SUCCESS;
}
CUBLAS_API cublasStatus_t cublasSetWorkspace_v2(Handle* h, void*, size_t) { return live(h) ? ST_SUCCESS : ST_NOT_INITIALIZED; }

CUBLAS_API const char* cublasGetStatusName(cublasStatus_t s) {
  switch (s) {
    case ST_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
    case ST_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case ST_ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
    case ST_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
    case ST_ARCH_MISMATCH: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case ST_MAPPING_ERROR: return "CUBLAS_STATUS_MAPPING_ERROR";
    case ST_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case ST_INTERNAL_ERROR: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case ST_NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case ST_LICENSE_ERROR: return "CUBLAS_STATUS_LICENSE_ERROR";
    default: return "CUBLAS_STATUS_UNKNOWN";
  }
}
CUBLAS_API const char* cublasGetStatusString(cublasStatus_t s) {
  switch (s) {
    case ST_SUCCESS: return "success";
    case ST_NOT_INITIALIZED: return "the handle was not initialized";
    case ST_INVALID_VALUE: return "an invalid value was used as an argument";
    case ST_EXECUTION_FAILED: return "the GPU program failed to execute";
    case ST_NOT_SUPPORTED: return "the functionality requested is not supported (by Duel's emulated cuBLAS)";
    default: return "cuBLAS error";
  }
}

// ---- GEMM ---------------------------------------------------------------------------------------------

CUBLAS_API cublasStatus_t cublasSgemm_v2(Handle* h, int ta, int tb, int m, int n, int k, const float* alpha, const float* A, int lda,
                                         const float* B, int ldb, const float* beta, float* C, int ldc) {
  if (cublasStatus_t s = check_gemm("cublasSgemm", h, ta, tb, m, n, k, alpha, lda, ldb, beta, ldc)) return s;
  if (m == 0 || n == 0) return ST_SUCCESS;
  if (cublasStatus_t s = check_operands("cublasSgemm", ta, tb, m, n, k, A, lda, B, ldb, C, ldc, *alpha, *beta)) return s;
  sgemm_host(ta, tb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc);
  g_gemm_calls++;
  return ST_SUCCESS;
}

CUBLAS_API cublasStatus_t cublasSgemmStridedBatched(Handle* h, int ta, int tb, int m, int n, int k, const float* alpha,
                                                    const float* A, int lda, long long strideA, const float* B, int ldb,
                                                    long long strideB, const float* beta, float* C, int ldc, long long strideC,
                                                    int batch) {
  if (cublasStatus_t s = check_gemm("cublasSgemmStridedBatched", h, ta, tb, m, n, k, alpha, lda, ldb, beta, ldc)) return s;
  if (batch < 0) return fail(ST_INVALID_VALUE, "cublasSgemmStridedBatched: batchCount %d", batch);
  if (m == 0 || n == 0) return ST_SUCCESS;
  for (int z = 0; z < batch; ++z) {
    const float* Az = A + z * strideA;
    const float* Bz = B + z * strideB;
    float* Cz = C + z * strideC;
    if (cublasStatus_t s = check_operands("cublasSgemmStridedBatched", ta, tb, m, n, k, Az, lda, Bz, ldb, Cz, ldc, *alpha, *beta))
      return s;
    sgemm_host(ta, tb, m, n, k, *alpha, Az, lda, Bz, ldb, *beta, Cz, ldc);
  }
  g_gemm_calls++;
  return ST_SUCCESS;
}

// Aarray, Barray, Carray: device arrays of batch pointers.
CUBLAS_API cublasStatus_t cublasSgemmBatched(Handle* h, int ta, int tb, int m, int n, int k, const float* alpha,
                                             const float* const* Aarray, int lda, const float* const* Barray, int ldb,
                                             const float* beta, float* const* Carray, int ldc, int batch) {
  if (cublasStatus_t s = check_gemm("cublasSgemmBatched", h, ta, tb, m, n, k, alpha, lda, ldb, beta, ldc)) return s;
  if (batch < 0) return fail(ST_INVALID_VALUE, "cublasSgemmBatched: batchCount %d", batch);
  if (m == 0 || n == 0) return ST_SUCCESS;
  for (int z = 0; z < batch; ++z) {
    if (cublasStatus_t s = check_operands("cublasSgemmBatched", ta, tb, m, n, k, Aarray[z], lda, Barray[z], ldb, Carray[z], ldc,
                                          *alpha, *beta))
      return s;
    sgemm_host(ta, tb, m, n, k, *alpha, Aarray[z], lda, Barray[z], ldb, *beta, Carray[z], ldc);
  }
  g_gemm_calls++;
  return ST_SUCCESS;
}

// C (m×n) = α·op(A) + β·op(B), column-major; β = 0 does not read B, α = 0 does not read A.
CUBLAS_API cublasStatus_t cublasSgeam(Handle* h, int ta, int tb, int m, int n, const float* alpha, const float* A, int lda,
                                      const float* beta, const float* B, int ldb, float* C, int ldc) {
  if (!live(h)) return ST_NOT_INITIALIZED;
  if (!trans_ok(ta) || !trans_ok(tb) || m < 0 || n < 0 || !alpha || !beta) return fail(ST_INVALID_VALUE, "cublasSgeam: bad arguments");
  if (lda < std::max(1, ta == OP_N ? m : n) || ldb < std::max(1, tb == OP_N ? m : n) || ldc < std::max(1, m))
    return fail(ST_INVALID_VALUE, "cublasSgeam: lda=%d ldb=%d ldc=%d too small for %dx%d", lda, ldb, ldc, m, n);
  if (m == 0 || n == 0) return ST_SUCCESS;
  const float a = *alpha, b = *beta;
  if ((a != 0.0f && !in_device_memory(A, ta == OP_N ? extent(m, n, lda) : extent(n, m, lda))) ||
      (b != 0.0f && !in_device_memory(B, tb == OP_N ? extent(m, n, ldb) : extent(n, m, ldb))) || !in_device_memory(C, extent(m, n, ldc)))
    return fail(ST_EXECUTION_FAILED, "cublasSgeam: an operand reaches past its device allocation");
  if ((C == A && (ta != OP_N || lda != ldc)) || (C == B && (tb != OP_N || ldb != ldc)))
    return fail(ST_INVALID_VALUE, "cublasSgeam: in place only without transpose and with equal pitches");
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) {
      const float av = a == 0.0f ? 0.0f : a * (ta == OP_N ? A[i + (long long)j * lda] : A[j + (long long)i * lda]);
      const float bv = b == 0.0f ? 0.0f : b * (tb == OP_N ? B[i + (long long)j * ldb] : B[j + (long long)i * ldb]);
      C[i + (long long)j * ldc] = av + bv;
    }
  return ST_SUCCESS;
}

// ---- level 1 ------------------------------------------------------------------------------------------

namespace {
// Element i of a strided vector, BLAS style: a negative increment walks from the far end.
inline long long at(int n, int inc, int i) { return inc >= 0 ? (long long)i * inc : (long long)(i - n + 1) * inc; }
}  // namespace

CUBLAS_API cublasStatus_t cublasSaxpy_v2(Handle* h, int n, const float* alpha, const float* x, int incx, float* y, int incy) {
  if (!live(h)) return ST_NOT_INITIALIZED;
  if (!alpha) return ST_INVALID_VALUE;
  for (int i = 0; i < n; ++i) y[at(n, incy, i)] += *alpha * x[at(n, incx, i)];
  return ST_SUCCESS;
}
CUBLAS_API cublasStatus_t cublasSscal_v2(Handle* h, int n, const float* alpha, float* x, int incx) {
  if (!live(h)) return ST_NOT_INITIALIZED;
  if (!alpha) return ST_INVALID_VALUE;
  if (incx <= 0) return ST_SUCCESS;
  for (int i = 0; i < n; ++i) x[(long long)i * incx] *= *alpha;
  return ST_SUCCESS;
}
CUBLAS_API cublasStatus_t cublasScopy_v2(Handle* h, int n, const float* x, int incx, float* y, int incy) {
  if (!live(h)) return ST_NOT_INITIALIZED;
  for (int i = 0; i < n; ++i) y[at(n, incy, i)] = x[at(n, incx, i)];
  return ST_SUCCESS;
}
CUBLAS_API cublasStatus_t cublasSdot_v2(Handle* h, int n, const float* x, int incx, const float* y, int incy, float* result) {
  if (!live(h)) return ST_NOT_INITIALIZED;
  if (!result) return ST_INVALID_VALUE;
  float s = 0.0f;
  for (int i = 0; i < n; ++i) s += x[at(n, incx, i)] * y[at(n, incy, i)];
  *result = s;
  return ST_SUCCESS;
}
CUBLAS_API cublasStatus_t cublasSnrm2_v2(Handle* h, int n, const float* x, int incx, float* result) {
  if (!live(h)) return ST_NOT_INITIALIZED;
  if (!result) return ST_INVALID_VALUE;
  double s = 0;
  if (incx > 0)
    for (int i = 0; i < n; ++i) s += (double)x[(long long)i * incx] * x[(long long)i * incx];
  *result = (float)std::sqrt(s);
  return ST_SUCCESS;
}
CUBLAS_API cublasStatus_t cublasSasum_v2(Handle* h, int n, const float* x, int incx, float* result) {
  if (!live(h)) return ST_NOT_INITIALIZED;
  if (!result) return ST_INVALID_VALUE;
  float s = 0.0f;
  if (incx > 0)
    for (int i = 0; i < n; ++i) s += std::fabs(x[(long long)i * incx]);
  *result = s;
  return ST_SUCCESS;
}
