// fakecuda_test LIBCUDA LIBCUBLAS FATBIN -- tests of the stand-in libcuda.so.1 and libcublas.so.12: driver
// semantics (initialisation, contexts, memory checks, modules from Duel's fatbin, launches, streams, events,
// error codes, the debug knobs) and cuBLAS's column-major GEMM against float64 references.
#include <dlfcn.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "duel_abi.h"

typedef unsigned long long CUdeviceptr;
static int g_fail = 0;
#define CHECK(cond, ...)                                                  \
  do {                                                                    \
    if (!(cond)) {                                                        \
      ++g_fail;                                                           \
      std::printf("  FAIL line %d: %s -- ", __LINE__, #cond);             \
      std::printf(__VA_ARGS__);                                           \
      std::printf("\n");                                                  \
    }                                                                     \
  } while (0)
#define EXPECT_RC(call, want) \
  do { const int rc_ = (call); CHECK(rc_ == (want), "%s returned %d, expected %d", #call, rc_, (int)(want)); } while (0)

static void* g_cuda;
static void* g_cublas;
template <class F> F sym(void* lib, const char* name) {
  void* p = dlsym(lib, name);
  if (!p) { std::printf("missing symbol %s\n", name); std::exit(2); }
  return (F)p;
}
#define CU(name, ...) sym<int (*)(__VA_ARGS__)>(g_cuda, #name)
#define BL(name, ...) sym<int (*)(__VA_ARGS__)>(g_cublas, #name)

static std::vector<char> read_file(const char* path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<char>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

static void test_driver(const char* fatbin_path) {
  int n = -1;
  EXPECT_RC(CU(cuDeviceGetCount, int*)(&n), 3);  // before cuInit: CUDA_ERROR_NOT_INITIALIZED
  EXPECT_RC(CU(cuInit, unsigned)(0), 0);
  EXPECT_RC(CU(cuDeviceGetCount, int*)(&n), 0);
  CHECK(n == 1, "device count %d", n);
  int dev = -1, v = 0, major = 0, minor = 0;
  EXPECT_RC(CU(cuDeviceGet, int*, int)(&dev, 0), 0);
  EXPECT_RC(CU(cuDeviceGet, int*, int)(&dev, 1), 101);
  char name[64] = {};
  EXPECT_RC(CU(cuDeviceGetName, char*, int, int)(name, 64, 0), 0);
  CHECK(std::strstr(name, "cuda-emu") != nullptr, "name %s", name);
  EXPECT_RC(CU(cuDriverGetVersion, int*)(&v), 0);
  CHECK(v == 13000, "driver version %d", v);
  EXPECT_RC(CU(cuDeviceComputeCapability, int*, int*, int)(&major, &minor, 0), 0);
  CHECK(major == 8 && minor == 6, "cc %d.%d", major, minor);
  EXPECT_RC(CU(cuDeviceGetAttribute, int*, int, int)(&v, 10, 0), 0);
  CHECK(v == 32, "warp size %d", v);
  size_t total = 0;
  EXPECT_RC(CU(cuDeviceTotalMem_v2, size_t*, int)(&total, 0), 0);
  CHECK(total == (size_t)16384 << 20, "total %zu", total);

  CUdeviceptr d = 0;
  EXPECT_RC(CU(cuMemAlloc_v2, CUdeviceptr*, size_t)(&d, 64), 201);  // no context yet
  void* ctx = nullptr;
  EXPECT_RC(CU(cuCtxCreate_v2, void**, unsigned, int)(&ctx, 0, 0), 0);
  void* cur = nullptr;
  EXPECT_RC(CU(cuCtxGetCurrent, void**)(&cur), 0);
  CHECK(cur == ctx, "current context");

  // memory: poisoned on allocation, range-checked copies, double free refused
  auto bytes_in_use = sym<long long (*)()>(g_cuda, "fakeCudaBytesInUse");
  const long long base_use = bytes_in_use();
  EXPECT_RC(CU(cuMemAlloc_v2, CUdeviceptr*, size_t)(&d, 1000 * 4), 0);
  CHECK(bytes_in_use() == base_use + 4000, "bytes in use %lld", bytes_in_use());
  std::vector<float> h(1000, 0.0f);
  EXPECT_RC(CU(cuMemcpyDtoH_v2, void*, CUdeviceptr, size_t)(h.data(), d, 4000), 0);
  CHECK(std::isnan(h[0]) && std::isnan(h[999]), "fresh memory is NaN-poisoned");
  float one_half = 1.5f;
  unsigned bits;
  std::memcpy(&bits, &one_half, 4);
  EXPECT_RC(CU(cuMemsetD32_v2, CUdeviceptr, unsigned, size_t)(d, bits, 1000), 0);
  EXPECT_RC(CU(cuMemcpyDtoH_v2, void*, CUdeviceptr, size_t)(h.data(), d, 4000), 0);
  CHECK(h[0] == 1.5f && h[999] == 1.5f, "memsetD32");
  EXPECT_RC(CU(cuMemcpyHtoD_v2, CUdeviceptr, const void*, size_t)(d + 3996, h.data(), 8), 1);  // 4 bytes past the end
  EXPECT_RC(CU(cuMemcpyDtoH_v2, void*, CUdeviceptr, size_t)(h.data(), d + 4000, 4), 1);
  EXPECT_RC(CU(cuMemsetD32_v2, CUdeviceptr, unsigned, size_t)(d, 0, 1001), 1);
  CUdeviceptr d2 = 0;
  EXPECT_RC(CU(cuMemAlloc_v2, CUdeviceptr*, size_t)(&d2, 4000), 0);
  EXPECT_RC(CU(cuMemcpyDtoD_v2, CUdeviceptr, CUdeviceptr, size_t)(d2, d, 4000), 0);
  EXPECT_RC(CU(cuMemAlloc_v2, CUdeviceptr*, size_t)(&d2, 0), 1);  // size 0 is invalid
  size_t fr = 0, tot = 0;
  EXPECT_RC(CU(cuMemGetInfo_v2, size_t*, size_t*)(&fr, &tot), 0);
  CHECK(tot - fr == (size_t)(base_use + 8000), "cuMemGetInfo in use %zu", tot - fr);

  // the allocation-failure knob
  sym<void (*)()>(g_cuda, "fakeCudaFailNextAlloc")();
  CUdeviceptr d3 = 0;
  EXPECT_RC(CU(cuMemAlloc_v2, CUdeviceptr*, size_t)(&d3, 16), 2);
  CHECK(std::strstr(sym<const char* (*)()>(g_cuda, "fakeCudaLastError")(), "on purpose") != nullptr, "last error text");
  EXPECT_RC(CU(cuMemAlloc_v2, CUdeviceptr*, size_t)(&d3, 16), 0);
  EXPECT_RC(CU(cuMemFree_v2, CUdeviceptr)(d3), 0);
  EXPECT_RC(CU(cuMemFree_v2, CUdeviceptr)(d3), 1);  // double free
  sym<void (*)(long long)>(g_cuda, "fakeCudaSetTotalMemory")(base_use + 8000 + 100);
  EXPECT_RC(CU(cuMemAlloc_v2, CUdeviceptr*, size_t)(&d3, 101), 2);  // over the cap
  sym<void (*)(long long)>(g_cuda, "fakeCudaSetTotalMemory")(-1);

  // modules: Duel's fatbin, kernels from the library next to libcuda.so.1
  std::vector<char> fatbin = read_file(fatbin_path);
  CHECK(fatbin.size() > 1000, "fatbin %s readable", fatbin_path);
  void* mod = nullptr;
  EXPECT_RC(CU(cuModuleLoadData, void**, const void*)(&mod, fatbin.data()), 0);
  void* fill = nullptr;
  EXPECT_RC(CU(cuModuleGetFunction, void**, void*, const char*)(&fill, mod, "duel_fill_f32"), 0);
  void* nope = nullptr;
  EXPECT_RC(CU(cuModuleGetFunction, void**, void*, const char*)(&nope, mod, "duel_no_such_kernel_f32"), 500);
  long long count = 1000;
  float value = -2.5f;
  void* params[] = {&d, &count, &value};
  auto launch = CU(cuLaunchKernel, void*, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, void*, void**, void**);
  EXPECT_RC(launch(fill, 4, 1, 1, 256, 1, 1, 0, nullptr, params, nullptr), 0);
  EXPECT_RC(CU(cuMemcpyDtoH_v2, void*, CUdeviceptr, size_t)(h.data(), d, 4000), 0);
  CHECK(h[0] == -2.5f && h[999] == -2.5f, "fill kernel through the driver");
  EXPECT_RC(launch(fill, 4, 1, 1, 2048, 1, 1, 0, nullptr, params, nullptr), 1);  // > 1024 threads
  EXPECT_RC(launch(fill, 0, 1, 1, 256, 1, 1, 0, nullptr, params, nullptr), 1);   // empty grid
  EXPECT_RC(launch(fill, 1, 1, 1, 256, 1, 1, 64 * 1024, nullptr, params, nullptr), 1);  // too much shared memory
  EXPECT_RC(launch(fill, 1, 1, 1, 256, 1, 1, 0, nullptr, nullptr, nullptr), 1);  // no params
  void* extra[] = {nullptr};
  EXPECT_RC(launch(fill, 1, 1, 1, 256, 1, 1, 0, nullptr, params, extra), 801);

  // the by-value struct: out = a + b broadcast over rows (33×31), a in d2, b = first 31 floats of d
  void* bin = nullptr;
  EXPECT_RC(CU(cuModuleGetFunction, void**, void*, const char*)(&bin, mod, "duel_binary_strided_fwd_f32"), 0);
  std::vector<float> a(33 * 31), b(31);
  for (int i = 0; i < 33 * 31; ++i) a[i] = (float)i;
  for (int j = 0; j < 31; ++j) b[j] = 1000.0f * j;
  CUdeviceptr da = 0, db = 0, dout = 0;
  EXPECT_RC(CU(cuMemAlloc_v2, CUdeviceptr*, size_t)(&da, a.size() * 4), 0);
  EXPECT_RC(CU(cuMemAlloc_v2, CUdeviceptr*, size_t)(&db, b.size() * 4), 0);
  EXPECT_RC(CU(cuMemAlloc_v2, CUdeviceptr*, size_t)(&dout, a.size() * 4), 0);
  EXPECT_RC(CU(cuMemcpyHtoD_v2, CUdeviceptr, const void*, size_t)(da, a.data(), a.size() * 4), 0);
  EXPECT_RC(CU(cuMemcpyHtoD_v2, CUdeviceptr, const void*, size_t)(db, b.data(), b.size() * 4), 0);
  duel_strided_t s;
  std::memset(&s, 0, sizeof s);
  s.rank = 2;
  s.shape[0] = 33; s.shape[1] = 31;
  s.stride0[0] = 31; s.stride0[1] = 1;
  s.stride1[0] = 0; s.stride1[1] = 1;
  int op = DUEL_BINARY_ADD;
  void* bparams[] = {&op, &da, &db, &dout, &s};
  void* stream = nullptr;
  EXPECT_RC(CU(cuStreamCreate, void**, unsigned)(&stream, 0), 0);
  void *e0 = nullptr, *e1 = nullptr;
  EXPECT_RC(CU(cuEventCreate, void**, unsigned)(&e0, 0), 0);
  EXPECT_RC(CU(cuEventCreate, void**, unsigned)(&e1, 0), 0);
  EXPECT_RC(CU(cuEventRecord, void*, void*)(e0, stream), 0);
  EXPECT_RC(launch(bin, 4, 1, 1, 256, 1, 1, 0, stream, bparams, nullptr), 0);
  EXPECT_RC(CU(cuEventRecord, void*, void*)(e1, stream), 0);
  EXPECT_RC(CU(cuStreamSynchronize, void*)(stream), 0);
  float ms = -1;
  EXPECT_RC(CU(cuEventElapsedTime, float*, void*, void*)(&ms, e0, e1), 0);
  CHECK(ms >= 0, "elapsed %g ms", (double)ms);
  std::vector<float> out(a.size());
  EXPECT_RC(CU(cuMemcpyDtoH_v2, void*, CUdeviceptr, size_t)(out.data(), dout, out.size() * 4), 0);
  int bad = 0;
  for (int i = 0; i < 33 * 31; ++i) bad += out[i] != a[i] + b[i % 31];
  CHECK(bad == 0, "%d wrong elements in the broadcast add", bad);
  EXPECT_RC(CU(cuStreamDestroy_v2, void*)(stream), 0);
  EXPECT_RC(launch(bin, 4, 1, 1, 256, 1, 1, 0, stream, bparams, nullptr), 400);  // destroyed stream

  // images: PTX text works, junk does not; old drivers and missing SASS are simulated
  const char* ptx = ".version 8.0\n.target sm_75\n.address_size 64\n.visible .entry duel_fill_f32(\n) {}\n";
  void* mod2 = nullptr;
  EXPECT_RC(CU(cuModuleLoadData, void**, const void*)(&mod2, ptx), 0);
  EXPECT_RC(CU(cuModuleGetFunction, void**, void*, const char*)(&nope, mod2, "duel_random_f32"), 500);  // not in that image
  EXPECT_RC(CU(cuModuleGetFunction, void**, void*, const char*)(&nope, mod2, "duel_fill_f32"), 0);
  EXPECT_RC(CU(cuModuleUnload, void*)(mod2), 0);
  EXPECT_RC(launch(nope, 1, 1, 1, 32, 1, 1, 0, nullptr, params, nullptr), 400);  // function of an unloaded module
  EXPECT_RC(CU(cuModuleLoadData, void**, const void*)(&mod2, "not an image at all"), 200);
  setenv("FAKE_CUDA_CC", "120", 1);  // a GPU newer than every SASS in the fatbin: the PTX is JIT-compiled
  EXPECT_RC(CU(cuModuleLoadData, void**, const void*)(&mod2, fatbin.data()), 0);
  setenv("FAKE_CUDA_MAX_PTX", "85", 1);  // ...by a driver too old for PTX 9.0
  EXPECT_RC(CU(cuModuleLoadData, void**, const void*)(&mod2, fatbin.data()), 222);
  unsetenv("FAKE_CUDA_MAX_PTX");
  setenv("FAKE_CUDA_CC", "70", 1);  // Volta: no SASS, and the PTX is for compute_90
  EXPECT_RC(CU(cuModuleLoadData, void**, const void*)(&mod2, fatbin.data()), 209);
  unsetenv("FAKE_CUDA_CC");

  // unemulated entry points are stubs; error names
  EXPECT_RC(sym<int (*)()>(g_cuda, "cuMemsetD2D32_v2")(), 801);
  const char* en = nullptr;
  EXPECT_RC(CU(cuGetErrorName, int, const char**)(801, &en), 0);
  CHECK(en && !std::strcmp(en, "CUDA_ERROR_NOT_SUPPORTED"), "error name %s", en ? en : "(null)");

  // other threads have no current context, like a real driver
  EXPECT_RC(CU(cuCtxDestroy_v2, void*)(ctx), 0);
  CHECK(bytes_in_use() == 0, "destroying the context frees its memory (%lld bytes left)", bytes_in_use());
  EXPECT_RC(CU(cuMemAlloc_v2, CUdeviceptr*, size_t)(&d, 64), 201);
  CHECK(sym<long long (*)()>(g_cuda, "fakeCudaLaunchCount")() >= 2, "launch count");
}

// Column-major reference: C = α·op(A)·op(B) + β·C.
static void gemm_ref(int ta, int tb, int m, int n, int k, float alpha, const std::vector<float>& A, int lda,
                     const std::vector<float>& B, int ldb, float beta, std::vector<double>& C, int ldc) {
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) {
      double s = 0;
      for (int p = 0; p < k; ++p)
        s += (double)(ta ? A[p + (size_t)i * lda] : A[i + (size_t)p * lda]) * (tb ? B[j + (size_t)p * ldb] : B[p + (size_t)j * ldb]);
      C[i + (size_t)j * ldc] = alpha * s + (beta == 0 ? 0.0 : beta * C[i + (size_t)j * ldc]);
    }
}

static void test_cublas() {
  void* ctx = nullptr;
  CU(cuCtxCreate_v2, void**, unsigned, int)(&ctx, 0, 0);
  auto alloc = [](size_t floats) {
    CUdeviceptr p = 0;
    CU(cuMemAlloc_v2, CUdeviceptr*, size_t)(&p, floats * 4);
    return (float*)p;
  };
  void* h = nullptr;
  EXPECT_RC(BL(cublasCreate_v2, void**)(&h), 0);
  int ver = 0;
  EXPECT_RC(BL(cublasGetVersion_v2, void*, int*)(h, &ver), 0);
  CHECK(ver >= 120000, "version %d", ver);
  EXPECT_RC(BL(cublasSetStream_v2, void*, void*)(h, nullptr), 0);
  auto sgemm = BL(cublasSgemm_v2, void*, int, int, int, int, int, const float*, const float*, int, const float*, int, const float*, float*, int);
  const int shapes[][3] = {{1, 1, 1}, {31, 33, 17}, {65, 1, 130}, {33, 31, 200}};
  for (const auto& sh : shapes)
    for (int ta = 0; ta < 2; ++ta)
      for (int tb = 0; tb < 2; ++tb)
        for (float beta : {0.0f, 0.5f}) {
          const int m = sh[0], n = sh[1], k = sh[2], pad = 2;
          const int lda = (ta ? k : m) + pad, ldb = (tb ? n : k) + pad, ldc = m + pad;
          std::vector<float> A((size_t)lda * (ta ? m : k)), B((size_t)ldb * (tb ? k : n)), C((size_t)ldc * n);
          for (size_t i = 0; i < A.size(); ++i) A[i] = std::sin(0.37 * i);
          for (size_t i = 0; i < B.size(); ++i) B[i] = std::cos(0.11 * i);
          for (size_t i = 0; i < C.size(); ++i) C[i] = beta == 0.0f ? std::nanf("") : 0.25f * (i % 7);
          std::vector<double> ref(C.begin(), C.end());
          const float alpha = 1.25f;
          gemm_ref(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, ref, ldc);
          float *dA = alloc(A.size()), *dB = alloc(B.size()), *dC = alloc(C.size());
          CU(cuMemcpyHtoD_v2, CUdeviceptr, const void*, size_t)((CUdeviceptr)dA, A.data(), A.size() * 4);
          CU(cuMemcpyHtoD_v2, CUdeviceptr, const void*, size_t)((CUdeviceptr)dB, B.data(), B.size() * 4);
          CU(cuMemcpyHtoD_v2, CUdeviceptr, const void*, size_t)((CUdeviceptr)dC, C.data(), C.size() * 4);
          EXPECT_RC(sgemm(h, ta, tb, m, n, k, &alpha, dA, lda, dB, ldb, &beta, dC, ldc), 0);
          CU(cuMemcpyDtoH_v2, void*, CUdeviceptr, size_t)(C.data(), (CUdeviceptr)dC, C.size() * 4);
          int bad = 0;
          for (int j = 0; j < n; ++j)
            for (int i = 0; i < m; ++i) {
              const double r = ref[i + (size_t)j * ldc], g = C[i + (size_t)j * ldc];
              bad += !(std::fabs(g - r) <= 1e-5 * (1 + std::fabs(r)) * std::sqrt((double)k));
            }
          CHECK(bad == 0, "sgemm %dx%dx%d ta=%d tb=%d beta=%g: %d wrong", m, n, k, ta, tb, (double)beta, bad);
          CU(cuMemFree_v2, CUdeviceptr)((CUdeviceptr)dA);
          CU(cuMemFree_v2, CUdeviceptr)((CUdeviceptr)dB);
          CU(cuMemFree_v2, CUdeviceptr)((CUdeviceptr)dC);
        }
  // strided batched: three 9×7×5 products, A shared (stride 0)
  {
    const int m = 9, n = 7, k = 5, batch = 3;
    std::vector<float> A(m * k), B(k * n * batch), C(m * n * batch, std::nanf(""));
    for (size_t i = 0; i < A.size(); ++i) A[i] = 0.1f * i;
    for (size_t i = 0; i < B.size(); ++i) B[i] = 1.0f - 0.01f * i;
    float *dA = alloc(A.size()), *dB = alloc(B.size()), *dC = alloc(C.size());
    CU(cuMemcpyHtoD_v2, CUdeviceptr, const void*, size_t)((CUdeviceptr)dA, A.data(), A.size() * 4);
    CU(cuMemcpyHtoD_v2, CUdeviceptr, const void*, size_t)((CUdeviceptr)dB, B.data(), B.size() * 4);
    const float alpha = 1.0f, beta = 0.0f;
    EXPECT_RC(BL(cublasSgemmStridedBatched, void*, int, int, int, int, int, const float*, const float*, int, long long, const float*, int,
                 long long, const float*, float*, int, long long, int)(h, 0, 0, m, n, k, &alpha, dA, m, 0, dB, k, (long long)k * n,
                                                                       &beta, dC, m, (long long)m * n, batch),
              0);
    CU(cuMemcpyDtoH_v2, void*, CUdeviceptr, size_t)(C.data(), (CUdeviceptr)dC, C.size() * 4);
    int bad = 0;
    for (int z = 0; z < batch; ++z) {
      std::vector<float> Bz(B.begin() + (size_t)z * k * n, B.begin() + (size_t)(z + 1) * k * n);
      std::vector<double> ref(m * n, 0.0);
      gemm_ref(0, 0, m, n, k, 1, A, m, Bz, k, 0, ref, m);
      for (int e = 0; e < m * n; ++e) bad += !(std::fabs(C[(size_t)z * m * n + e] - ref[e]) <= 1e-5 * (1 + std::fabs(ref[e])));
    }
    CHECK(bad == 0, "strided batched: %d wrong", bad);
    // argument checks and operand bounds
    EXPECT_RC(sgemm(h, 0, 0, m, n, k, &alpha, dA, m - 1, dB, k, &beta, dC, m), 7);       // lda < m
    EXPECT_RC(sgemm(h, 0, 0, m, n, k, &alpha, dA, m, dB, k, &beta, dC + 150, m), 13);    // C (189 floats) runs past its buffer
    EXPECT_RC(sgemm(h, 3, 0, m, n, k, &alpha, dA, m, dB, k, &beta, dC, m), 7);           // bad transpose code
  }
  EXPECT_RC(BL(cublasSgemm_v2, void*, int, int, int, int, int, const float*, const float*, int, const float*, int, const float*, float*, int)(
                nullptr, 0, 0, 1, 1, 1, nullptr, nullptr, 1, nullptr, 1, nullptr, nullptr, 1),
            1);
  EXPECT_RC(sym<int (*)()>(g_cublas, "cublasDgemm_v2")(), 15);  // not emulated: CUBLAS_STATUS_NOT_SUPPORTED
  EXPECT_RC(BL(cublasDestroy_v2, void*)(h), 0);
  EXPECT_RC(BL(cublasDestroy_v2, void*)(h), 1);
  CU(cuCtxDestroy_v2, void*)(ctx);
}

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: fakecuda_test LIBCUDA LIBCUBLAS FATBIN\n");
    return 2;
  }
  setenv("FAKE_CUDA_QUIET", "1", 1);  // the error paths print nothing
  g_cuda = dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL);
  g_cublas = g_cuda ? dlopen(argv[2], RTLD_NOW | RTLD_GLOBAL) : nullptr;
  if (!g_cuda || !g_cublas) {
    std::fprintf(stderr, "fakecuda_test: %s\n", dlerror());
    return 2;
  }
  test_driver(argv[3]);
  std::printf("%-4s fakecuda.driver\n", g_fail ? "FAIL" : "ok");
  const int before = g_fail;
  test_cublas();
  std::printf("%-4s fakecuda.cublas\n", g_fail > before ? "FAIL" : "ok");
  std::printf("fakecuda_test: %d failures\n", g_fail);
  return g_fail ? 1 : 0;
}
