// fake_cuda_memory.cpp -- "device" memory (host allocations), copies, memsets, pinned host memory, and the
// debug knobs Duel's tests use (failing allocations, counting bytes in use).
//
// Stricter than a real driver where that finds bugs early: a copy or memset that leaves one allocation is
// refused with CUDA_ERROR_INVALID_VALUE and a message (a GPU would corrupt memory or fault later), and new
// allocations are filled with 0xFF bytes (NaN as float) unless FAKE_CUDA_POISON=0, so code that forgets to
// zero a buffer fails here instead of passing by luck on a GPU that hands out zeroed pages.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

#include "fake_cuda.h"

namespace fake {

struct Allocation {
  size_t size;
  Context* owner;
};

static std::mutex g_mem_mu;
static std::map<CUdeviceptr, Allocation> g_allocs;  // base -> allocation
static size_t g_in_use = 0;
static long long g_total_override = -1;
static std::atomic<long long> g_fail_next{0}, g_alloc_calls{0};

size_t total_memory() {
  std::lock_guard<std::mutex> g(g_mem_mu);
  return g_total_override >= 0 ? (size_t)g_total_override : (size_t)env_ll("FAKE_CUDA_TOTAL_MEM_MB", 16384) << 20;
}

// The allocation holding p (g_mem_mu held), or end().
static std::map<CUdeviceptr, Allocation>::iterator find_locked(CUdeviceptr p) {
  auto it = g_allocs.upper_bound(p);
  if (it == g_allocs.begin()) return g_allocs.end();
  --it;
  return p <= it->first + it->second.size ? it : g_allocs.end();
}

bool device_range_ok(CUdeviceptr p, size_t bytes) {
  std::lock_guard<std::mutex> g(g_mem_mu);
  auto it = find_locked(p);
  return it != g_allocs.end() && p + bytes <= it->first + it->second.size && (bytes > 0 || p <= it->first + it->second.size);
}

void free_context_allocations(Context* c) {
  std::lock_guard<std::mutex> g(g_mem_mu);
  for (auto it = g_allocs.begin(); it != g_allocs.end();) {
    if (it->second.owner == c) {
      g_in_use -= it->second.size;
      std::free((void*)it->first);
      it = g_allocs.erase(it);
    } else {
      ++it;
    }
  }
}

static CUresult check_range(const char* op, CUdeviceptr p, size_t bytes) {
  if (bytes == 0) return OK;
  if (device_range_ok(p, bytes)) return OK;
  std::lock_guard<std::mutex> g(g_mem_mu);
  auto it = find_locked(p);
  if (it == g_allocs.end())
    return error(INVALID_VALUE, "%s: device address 0x%llx is not inside any allocation (freed, or never allocated?)", op, p);
  return error(INVALID_VALUE, "%s: %zu bytes at 0x%llx run past the end of their allocation (0x%llx, %zu bytes) by %zu bytes",
               op, bytes, p, it->first, it->second.size, (size_t)(p + bytes - (it->first + it->second.size)));
}

static CUresult allocate(const char* op, CUdeviceptr* out, size_t bytes) {
  if (!initialized()) return NOT_INITIALIZED;
  if (!out) return INVALID_VALUE;
  if (!current()) return error(INVALID_CONTEXT, "%s: no current context on this thread", op);
  if (bytes == 0) return error(INVALID_VALUE, "%s: size 0", op);
  const long long calls = ++g_alloc_calls;
  const long long fail_after = env_ll("FAKE_CUDA_FAIL_ALLOC_AFTER", -1);
  if (g_fail_next > 0) {
    --g_fail_next;
    return error(OUT_OF_MEMORY, "%s: %zu bytes: failing on purpose (fakeCudaFailNextAllocs)", op, bytes);
  }
  if (fail_after >= 0 && calls > fail_after)
    return error(OUT_OF_MEMORY, "%s: %zu bytes: failing on purpose (FAKE_CUDA_FAIL_ALLOC_AFTER=%lld)", op, bytes, fail_after);
  const size_t total = total_memory();
  std::lock_guard<std::mutex> g(g_mem_mu);
  if (g_in_use + bytes > total)
    return error(OUT_OF_MEMORY, "%s: %zu bytes requested, %zu of %zu in use", op, bytes, g_in_use, total);
  void* p = nullptr;
  if (posix_memalign(&p, 256, bytes) != 0) return error(OUT_OF_MEMORY, "%s: host allocation of %zu bytes failed", op, bytes);
  if (env_ll("FAKE_CUDA_POISON", 1) != 0) std::memset(p, 0xFF, bytes);
  g_allocs[(CUdeviceptr)p] = Allocation{bytes, current()};
  g_in_use += bytes;
  *out = (CUdeviceptr)p;
  return OK;
}

static CUresult release(const char* op, CUdeviceptr p) {
  if (!initialized()) return NOT_INITIALIZED;
  if (p == 0) return OK;
  std::lock_guard<std::mutex> g(g_mem_mu);
  auto it = g_allocs.find(p);
  if (it == g_allocs.end()) return error(INVALID_VALUE, "%s: 0x%llx is not the start of a live allocation (double free?)", op, p);
  g_in_use -= it->second.size;
  g_allocs.erase(it);
  std::free((void*)p);
  return OK;
}

}  // namespace fake

using namespace fake;

FAKE_API CUresult cuMemAlloc_v2(CUdeviceptr* p, size_t bytes) { return allocate("cuMemAlloc", p, bytes); }
FAKE_API CUresult cuMemFree_v2(CUdeviceptr p) { return release("cuMemFree", p); }
// Stream-ordered allocation: synchronous here (every stream is).
FAKE_API CUresult cuMemAllocAsync(CUdeviceptr* p, size_t bytes, void*) { return allocate("cuMemAllocAsync", p, bytes); }
FAKE_API CUresult cuMemFreeAsync(CUdeviceptr p, void*) { return release("cuMemFreeAsync", p); }

FAKE_API CUresult cuMemAllocPitch_v2(CUdeviceptr* p, size_t* pitch, size_t width, size_t height, unsigned elem) {
  if (!pitch || (elem != 4 && elem != 8 && elem != 16)) return INVALID_VALUE;
  *pitch = (width + 255) / 256 * 256;
  return allocate("cuMemAllocPitch", p, *pitch * height);
}

FAKE_API CUresult cuMemGetInfo_v2(size_t* free_bytes, size_t* total_bytes) {
  if (!initialized()) return NOT_INITIALIZED;
  if (!current()) return INVALID_CONTEXT;
  const size_t total = total_memory();
  std::lock_guard<std::mutex> g(g_mem_mu);
  if (free_bytes) *free_bytes = total > g_in_use ? total - g_in_use : 0;
  if (total_bytes) *total_bytes = total;
  return OK;
}

FAKE_API CUresult cuMemGetAddressRange_v2(CUdeviceptr* base, size_t* size, CUdeviceptr p) {
  if (!initialized()) return NOT_INITIALIZED;
  std::lock_guard<std::mutex> g(g_mem_mu);
  auto it = find_locked(p);
  if (it == g_allocs.end() || p == it->first + it->second.size) return NOT_FOUND;
  if (base) *base = it->first;
  if (size) *size = it->second.size;
  return OK;
}

#define NEED_CTX(op)                                                                         \
  if (!initialized()) return NOT_INITIALIZED;                                                \
  if (!current()) return error(INVALID_CONTEXT, "%s: no current context on this thread", op)

FAKE_API CUresult cuMemcpyHtoD_v2(CUdeviceptr d, const void* s, size_t n) {
  NEED_CTX("cuMemcpyHtoD");
  if (CUresult r = check_range("cuMemcpyHtoD", d, n)) return r;
  if (n) std::memcpy((void*)d, s, n);
  return OK;
}
FAKE_API CUresult cuMemcpyDtoH_v2(void* d, CUdeviceptr s, size_t n) {
  NEED_CTX("cuMemcpyDtoH");
  if (CUresult r = check_range("cuMemcpyDtoH", s, n)) return r;
  if (n) std::memcpy(d, (const void*)s, n);
  return OK;
}
FAKE_API CUresult cuMemcpyDtoD_v2(CUdeviceptr d, CUdeviceptr s, size_t n) {
  NEED_CTX("cuMemcpyDtoD");
  if (CUresult r = check_range("cuMemcpyDtoD (destination)", d, n)) return r;
  if (CUresult r = check_range("cuMemcpyDtoD (source)", s, n)) return r;
  if (n) std::memmove((void*)d, (const void*)s, n);
  return OK;
}
FAKE_API CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr d, const void* s, size_t n, void*) { return cuMemcpyHtoD_v2(d, s, n); }
FAKE_API CUresult cuMemcpyDtoHAsync_v2(void* d, CUdeviceptr s, size_t n, void*) { return cuMemcpyDtoH_v2(d, s, n); }
FAKE_API CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr d, CUdeviceptr s, size_t n, void*) { return cuMemcpyDtoD_v2(d, s, n); }

FAKE_API CUresult cuMemsetD8_v2(CUdeviceptr d, unsigned char v, size_t n) {
  NEED_CTX("cuMemsetD8");
  if (CUresult r = check_range("cuMemsetD8", d, n)) return r;
  if (n) std::memset((void*)d, v, n);
  return OK;
}
FAKE_API CUresult cuMemsetD16_v2(CUdeviceptr d, unsigned short v, size_t n) {
  NEED_CTX("cuMemsetD16");
  if (d % 2) return error(INVALID_VALUE, "cuMemsetD16: address 0x%llx is not 2-byte aligned", d);
  if (CUresult r = check_range("cuMemsetD16", d, n * 2)) return r;
  std::fill_n((unsigned short*)d, n, v);
  return OK;
}
static std::atomic<long long> g_memset32_calls{0};

FAKE_API CUresult cuMemsetD32_v2(CUdeviceptr d, unsigned v, size_t n) {
  g_memset32_calls++;
  NEED_CTX("cuMemsetD32");
  if (d % 4) return error(INVALID_VALUE, "cuMemsetD32: address 0x%llx is not 4-byte aligned", d);
  if (CUresult r = check_range("cuMemsetD32", d, n * 4)) return r;
  std::fill_n((unsigned*)d, n, v);
  return OK;
}
FAKE_API CUresult cuMemsetD8Async(CUdeviceptr d, unsigned char v, size_t n, void*) { return cuMemsetD8_v2(d, v, n); }
FAKE_API CUresult cuMemsetD16Async(CUdeviceptr d, unsigned short v, size_t n, void*) { return cuMemsetD16_v2(d, v, n); }
FAKE_API CUresult cuMemsetD32Async(CUdeviceptr d, unsigned v, size_t n, void*) { return cuMemsetD32_v2(d, v, n); }

// Pinned host memory is ordinary host memory here.
FAKE_API CUresult cuMemAllocHost_v2(void** p, size_t bytes) {
  NEED_CTX("cuMemAllocHost");
  if (!p) return INVALID_VALUE;
  *p = std::malloc(bytes ? bytes : 1);
  return *p ? OK : OUT_OF_MEMORY;
}
FAKE_API CUresult cuMemHostAlloc(void** p, size_t bytes, unsigned) { return cuMemAllocHost_v2(p, bytes); }
FAKE_API CUresult cuMemFreeHost(void* p) {
  std::free(p);
  return OK;
}
FAKE_API CUresult cuMemHostRegister_v2(void*, size_t, unsigned) { return initialized() ? OK : NOT_INITIALIZED; }
FAKE_API CUresult cuMemHostUnregister(void*) { return initialized() ? OK : NOT_INITIALIZED; }
FAKE_API CUresult cuMemHostGetDevicePointer_v2(CUdeviceptr* d, void* p, unsigned) {
  if (!d) return INVALID_VALUE;
  *d = (CUdeviceptr)p;
  return OK;
}

// CU_POINTER_ATTRIBUTE_CONTEXT (1), _MEMORY_TYPE (2: device 2, host 1), _DEVICE_POINTER (3), _HOST_POINTER (4).
FAKE_API CUresult cuPointerGetAttribute(void* data, int attr, CUdeviceptr p) {
  if (!initialized()) return NOT_INITIALIZED;
  if (!data) return INVALID_VALUE;
  const bool dev = device_range_ok(p, 0);
  switch (attr) {
    case 1: *(Context**)data = dev ? current() : nullptr; return dev ? OK : INVALID_VALUE;
    case 2: *(unsigned*)data = dev ? 2u : 1u; return OK;
    case 3: case 4: *(CUdeviceptr*)data = p; return OK;
    default: return NOT_SUPPORTED;
  }
}

// ---- debug knobs (exported; Java reaches them through FFM, see dev.duel.kernels.FakeCuda) --------------

// The next `count` allocations (cuMemAlloc*) fail with CUDA_ERROR_OUT_OF_MEMORY.
FAKE_API void fakeCudaFailNextAllocs(int count) { g_fail_next = count > 0 ? count : 0; }
FAKE_API void fakeCudaFailNextAlloc(void) { fakeCudaFailNextAllocs(1); }
FAKE_API long long fakeCudaBytesInUse(void) {
  std::lock_guard<std::mutex> g(g_mem_mu);
  return (long long)g_in_use;
}
FAKE_API long long fakeCudaLiveAllocations(void) {
  std::lock_guard<std::mutex> g(g_mem_mu);
  return (long long)g_allocs.size();
}
// Every cuMemAlloc* call so far, failed ones included: a steady-state loop must not raise it.
FAKE_API long long fakeCudaAllocationCalls(void) { return g_alloc_calls; }
// cuMemsetD32(Async) calls so far: an op output from allocateForOverwrite must not add one.
FAKE_API long long fakeCudaMemset32Calls(void) { return g_memset32_calls; }
// Caps the emulated device memory (bytes); a negative value restores FAKE_CUDA_TOTAL_MEM_MB / 16 GiB.
FAKE_API void fakeCudaSetTotalMemory(long long bytes) {
  std::lock_guard<std::mutex> g(g_mem_mu);
  g_total_override = bytes;
}
// 1 when [p, p + bytes) lies inside one live allocation (the stand-in cuBLAS checks its operands with it).
FAKE_API int fakeCudaCheckRange(const void* p, long long bytes) {
  return bytes >= 0 && device_range_ok((CUdeviceptr)p, (size_t)bytes) ? 1 : 0;
}
