// fake_cuda_device.cpp -- initialisation, versions, the one emulated device, contexts, error strings.
#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "fake_cuda.h"

namespace fake {

static bool g_init = false;
static std::mutex g_ctx_mu;
static std::set<Context*> g_contexts;
static Context g_primary;  // the device's primary context
static thread_local Context* t_current = nullptr;
static thread_local std::vector<Context*> t_stack;  // cuCtxPushCurrent / cuCtxPopCurrent
static std::string g_last_error;
static std::mutex g_err_mu;

bool initialized() { return g_init; }
Context* current() { return t_current && context_alive(t_current) ? t_current : nullptr; }
bool context_alive(Context* c) {
  std::lock_guard<std::mutex> g(g_ctx_mu);
  return c == &g_primary ? g_primary.primary_refs > 0 : g_contexts.count(c) > 0;
}

long long env_ll(const char* name, long long fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoll(v, nullptr, 10) : fallback;
}
int compute_capability() { return (int)env_ll("FAKE_CUDA_CC", 86); }

CUresult error(CUresult code, const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  {
    std::lock_guard<std::mutex> g(g_err_mu);
    g_last_error = buf;
  }
  if (env_ll("FAKE_CUDA_QUIET", 0) == 0) std::fprintf(stderr, "fake libcuda: %s\n", buf);
  return code;
}

}  // namespace fake

using namespace fake;

// The last error message of the fake driver ("" if none): lets Java tests assert on what went wrong.
FAKE_API const char* fakeCudaLastError(void) {
  static thread_local std::string copy;
  std::lock_guard<std::mutex> g(g_err_mu);
  copy = g_last_error;
  return copy.c_str();
}

FAKE_API CUresult cuInit(unsigned flags) {
  if (flags != 0) return error(INVALID_VALUE, "cuInit: flags must be 0, got %u", flags);
  g_init = true;
  return OK;
}

// 13000 = CUDA 13.0 (nvcc 13 emits PTX 9.0, which needs an R580+ driver). FAKE_CUDA_DRIVER_VERSION overrides.
FAKE_API CUresult cuDriverGetVersion(int* v) {
  if (!v) return INVALID_VALUE;
  *v = (int)env_ll("FAKE_CUDA_DRIVER_VERSION", 13000);
  return OK;
}

#define NEED_INIT() \
  if (!g_init) return NOT_INITIALIZED

FAKE_API CUresult cuDeviceGetCount(int* n) {
  NEED_INIT();
  if (!n) return INVALID_VALUE;
  *n = 1;
  return OK;
}

FAKE_API CUresult cuDeviceGet(CUdevice* d, int ordinal) {
  NEED_INIT();
  if (!d) return INVALID_VALUE;
  if (ordinal != 0) return error(INVALID_DEVICE, "cuDeviceGet: device %d does not exist (the emulation has device 0)", ordinal);
  *d = 0;
  return OK;
}

FAKE_API CUresult cuDeviceGetName(char* name, int len, CUdevice d) {
  NEED_INIT();
  if (!name || len <= 0) return INVALID_VALUE;
  if (d != 0) return INVALID_DEVICE;
  std::snprintf(name, (size_t)len, "Duel cuda-emu (host CPU)");
  return OK;
}

FAKE_API CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice d) {
  NEED_INIT();
  if (!bytes) return INVALID_VALUE;
  if (d != 0) return INVALID_DEVICE;
  *bytes = total_memory();
  return OK;
}

FAKE_API CUresult cuDeviceComputeCapability(int* major, int* minor, CUdevice d) {
  NEED_INIT();
  if (!major || !minor) return INVALID_VALUE;
  if (d != 0) return INVALID_DEVICE;
  *major = compute_capability() / 10;
  *minor = compute_capability() % 10;
  return OK;
}

// CUdevice_attribute values of the CUDA 12 headers.
FAKE_API CUresult cuDeviceGetAttribute(int* v, int attr, CUdevice d) {
  NEED_INIT();
  if (!v) return INVALID_VALUE;
  if (d != 0) return INVALID_DEVICE;
  const int sms = (int)std::max(1u, std::thread::hardware_concurrency());
  switch (attr) {
    case 1: *v = 1024; break;                   // MAX_THREADS_PER_BLOCK
    case 2: case 3: *v = 1024; break;           // MAX_BLOCK_DIM_X, _Y
    case 4: *v = 64; break;                     // MAX_BLOCK_DIM_Z
    case 5: *v = 2147483647; break;             // MAX_GRID_DIM_X
    case 6: case 7: *v = 65535; break;          // MAX_GRID_DIM_Y, _Z
    case 8: *v = 48 * 1024; break;              // MAX_SHARED_MEMORY_PER_BLOCK
    case 9: *v = 64 * 1024; break;              // TOTAL_CONSTANT_MEMORY
    case 10: *v = 32; break;                    // WARP_SIZE
    case 11: *v = 2147483647; break;            // MAX_PITCH
    case 12: *v = 65536; break;                 // MAX_REGISTERS_PER_BLOCK
    case 13: *v = 1000000; break;               // CLOCK_RATE (kHz)
    case 14: *v = 512; break;                   // TEXTURE_ALIGNMENT
    case 15: *v = 1; break;                     // GPU_OVERLAP
    case 16: *v = sms; break;                   // MULTIPROCESSOR_COUNT
    case 17: *v = 0; break;                     // KERNEL_EXEC_TIMEOUT
    case 18: *v = 0; break;                     // INTEGRATED
    case 19: *v = 1; break;                     // CAN_MAP_HOST_MEMORY
    case 20: *v = 0; break;                     // COMPUTE_MODE (default)
    case 31: *v = 1; break;                     // CONCURRENT_KERNELS
    case 32: *v = 0; break;                     // ECC_ENABLED
    case 36: *v = 1000000; break;               // MEMORY_CLOCK_RATE
    case 37: *v = 256; break;                   // GLOBAL_MEMORY_BUS_WIDTH
    case 38: *v = 4 * 1024 * 1024; break;       // L2_CACHE_SIZE
    case 39: *v = 2048; break;                  // MAX_THREADS_PER_MULTIPROCESSOR
    case 40: *v = 1; break;                     // ASYNC_ENGINE_COUNT
    case 41: *v = 1; break;                     // UNIFIED_ADDRESSING
    case 75: *v = compute_capability() / 10; break;  // COMPUTE_CAPABILITY_MAJOR
    case 76: *v = compute_capability() % 10; break;  // COMPUTE_CAPABILITY_MINOR
    case 81: *v = 100 * 1024; break;            // MAX_SHARED_MEMORY_PER_MULTIPROCESSOR
    case 82: *v = 65536; break;                 // MAX_REGISTERS_PER_MULTIPROCESSOR
    case 83: *v = 0; break;                     // MANAGED_MEMORY
    case 97: *v = 99 * 1024; break;             // MAX_SHARED_MEMORY_PER_BLOCK_OPTIN
    case 106: *v = 16; break;                   // MAX_BLOCKS_PER_MULTIPROCESSOR
    default:
      if (attr <= 0 || attr > 140) return error(INVALID_VALUE, "cuDeviceGetAttribute: unknown attribute %d", attr);
      *v = 0;
  }
  return OK;
}

FAKE_API CUresult cuDeviceGetUuid(unsigned char* uuid, CUdevice d) {
  NEED_INIT();
  if (!uuid) return INVALID_VALUE;
  if (d != 0) return INVALID_DEVICE;
  std::memcpy(uuid, "duel-cuda-emu-00", 16);
  return OK;
}

FAKE_API CUresult cuDeviceGetPCIBusId(char* id, int len, CUdevice d) {
  NEED_INIT();
  if (!id || len <= 0) return INVALID_VALUE;
  if (d != 0) return INVALID_DEVICE;
  std::snprintf(id, (size_t)len, "0000:00:00.0");
  return OK;
}

// ---- contexts ---------------------------------------------------------------------------------------

FAKE_API CUresult cuCtxCreate_v2(Context** ctx, unsigned flags, CUdevice d) {
  NEED_INIT();
  if (!ctx) return INVALID_VALUE;
  if (d != 0) return INVALID_DEVICE;
  Context* c = new Context;
  c->flags = flags;
  {
    std::lock_guard<std::mutex> g(g_ctx_mu);
    g_contexts.insert(c);
  }
  *ctx = c;
  t_current = c;  // like the driver: the new context is current to the calling thread
  return OK;
}

FAKE_API CUresult cuCtxDestroy_v2(Context* c) {
  NEED_INIT();
  {
    std::lock_guard<std::mutex> g(g_ctx_mu);
    if (!c || !g_contexts.erase(c)) return error(INVALID_CONTEXT, "cuCtxDestroy: %p is not a live context", (void*)c);
  }
  free_context_allocations(c);
  if (t_current == c) t_current = nullptr;
  delete c;
  return OK;
}

FAKE_API CUresult cuCtxSetCurrent(Context* c) {
  NEED_INIT();
  if (c && !context_alive(c)) return error(INVALID_CONTEXT, "cuCtxSetCurrent: %p is not a live context", (void*)c);
  t_current = c;
  return OK;
}

FAKE_API CUresult cuCtxGetCurrent(Context** c) {
  NEED_INIT();
  if (!c) return INVALID_VALUE;
  *c = current();
  return OK;
}

FAKE_API CUresult cuCtxPushCurrent_v2(Context* c) {
  NEED_INIT();
  if (!c || !context_alive(c)) return error(INVALID_CONTEXT, "cuCtxPushCurrent: %p is not a live context", (void*)c);
  t_stack.push_back(t_current);
  t_current = c;
  return OK;
}

FAKE_API CUresult cuCtxPopCurrent_v2(Context** c) {
  NEED_INIT();
  if (!t_current) return INVALID_CONTEXT;
  if (c) *c = t_current;
  t_current = t_stack.empty() ? nullptr : t_stack.back();
  if (!t_stack.empty()) t_stack.pop_back();
  return OK;
}

FAKE_API CUresult cuCtxGetDevice(CUdevice* d) {
  NEED_INIT();
  if (!d) return INVALID_VALUE;
  if (!current()) return INVALID_CONTEXT;
  *d = 0;
  return OK;
}

FAKE_API CUresult cuCtxGetFlags(unsigned* flags) {
  NEED_INIT();
  if (!flags) return INVALID_VALUE;
  if (!current()) return INVALID_CONTEXT;
  *flags = current()->flags;
  return OK;
}

FAKE_API CUresult cuCtxGetApiVersion(Context* c, unsigned* v) {
  NEED_INIT();
  if (!v) return INVALID_VALUE;
  if (c && !context_alive(c)) return INVALID_CONTEXT;
  *v = 3020;
  return OK;
}

// Launches and copies are synchronous: there is never queued work.
FAKE_API CUresult cuCtxSynchronize(void) {
  NEED_INIT();
  return current() ? OK : error(INVALID_CONTEXT, "cuCtxSynchronize: no current context on this thread");
}

FAKE_API CUresult cuCtxGetLimit(size_t* v, int limit) {
  NEED_INIT();
  if (!v || limit < 0 || limit >= 16) return INVALID_VALUE;
  if (!current()) return INVALID_CONTEXT;
  *v = current()->limits[limit];
  return OK;
}

FAKE_API CUresult cuCtxSetLimit(int limit, size_t v) {
  NEED_INIT();
  if (limit < 0 || limit >= 16) return INVALID_VALUE;
  if (!current()) return INVALID_CONTEXT;
  current()->limits[limit] = v;
  return OK;
}

FAKE_API CUresult cuCtxGetCacheConfig(int* cfg) {
  NEED_INIT();
  if (!cfg) return INVALID_VALUE;
  if (!current()) return INVALID_CONTEXT;
  *cfg = current()->cache_config;
  return OK;
}

FAKE_API CUresult cuCtxSetCacheConfig(int cfg) {
  NEED_INIT();
  if (!current()) return INVALID_CONTEXT;
  current()->cache_config = cfg;
  return OK;
}

FAKE_API CUresult cuCtxGetStreamPriorityRange(int* least, int* greatest) {
  NEED_INIT();
  if (!current()) return INVALID_CONTEXT;
  if (least) *least = 0;
  if (greatest) *greatest = -5;
  return OK;
}

FAKE_API CUresult cuDevicePrimaryCtxRetain(Context** c, CUdevice d) {
  NEED_INIT();
  if (!c) return INVALID_VALUE;
  if (d != 0) return INVALID_DEVICE;
  std::lock_guard<std::mutex> g(g_ctx_mu);
  g_primary.primary = true;
  ++g_primary.primary_refs;
  *c = &g_primary;
  return OK;
}

FAKE_API CUresult cuDevicePrimaryCtxRelease_v2(CUdevice d) {
  NEED_INIT();
  if (d != 0) return INVALID_DEVICE;
  bool last = false;
  {
    std::lock_guard<std::mutex> g(g_ctx_mu);
    if (g_primary.primary_refs <= 0) return INVALID_CONTEXT;
    last = --g_primary.primary_refs == 0;
  }
  if (last) free_context_allocations(&g_primary);
  return OK;
}

FAKE_API CUresult cuDevicePrimaryCtxReset_v2(CUdevice d) {
  NEED_INIT();
  if (d != 0) return INVALID_DEVICE;
  free_context_allocations(&g_primary);
  return OK;
}

FAKE_API CUresult cuDevicePrimaryCtxGetState(CUdevice d, unsigned* flags, int* active) {
  NEED_INIT();
  if (d != 0) return INVALID_DEVICE;
  std::lock_guard<std::mutex> g(g_ctx_mu);
  if (flags) *flags = g_primary.flags;
  if (active) *active = g_primary.primary_refs > 0;
  return OK;
}

FAKE_API CUresult cuDevicePrimaryCtxSetFlags_v2(CUdevice d, unsigned flags) {
  NEED_INIT();
  if (d != 0) return INVALID_DEVICE;
  std::lock_guard<std::mutex> g(g_ctx_mu);
  g_primary.flags = flags;
  return OK;
}

// ---- error strings ----------------------------------------------------------------------------------

struct ErrorText {
  CUresult code;
  const char* name;
  const char* text;
};
static const ErrorText kErrors[] = {
    {0, "CUDA_SUCCESS", "no error"},
    {1, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {3, "CUDA_ERROR_NOT_INITIALIZED", "initialization error"},
    {4, "CUDA_ERROR_DEINITIALIZED", "driver shutting down"},
    {100, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"},
    {101, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"},
    {200, "CUDA_ERROR_INVALID_IMAGE", "device kernel image is invalid"},
    {201, "CUDA_ERROR_INVALID_CONTEXT", "invalid device context"},
    {209, "CUDA_ERROR_NO_BINARY_FOR_GPU", "no kernel image is available for execution on the device"},
    {218, "CUDA_ERROR_INVALID_PTX", "a PTX JIT compilation failed"},
    {222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION", "the provided PTX was compiled with an unsupported toolchain."},
    {301, "CUDA_ERROR_FILE_NOT_FOUND", "file not found"},
    {400, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"},
    {500, "CUDA_ERROR_NOT_FOUND", "named symbol not found"},
    {600, "CUDA_ERROR_NOT_READY", "device not ready"},
    {700, "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered"},
    {701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", "too many resources requested for launch"},
    {719, "CUDA_ERROR_LAUNCH_FAILED", "unspecified launch failure"},
    {801, "CUDA_ERROR_NOT_SUPPORTED", "operation not supported (by Duel's emulated driver)"},
    {999, "CUDA_ERROR_UNKNOWN", "unknown error"},
};

FAKE_API CUresult cuGetErrorName(CUresult e, const char** s) {
  if (!s) return INVALID_VALUE;
  for (const auto& t : kErrors)
    if (t.code == e) { *s = t.name; return OK; }
  *s = nullptr;
  return INVALID_VALUE;
}

FAKE_API CUresult cuGetErrorString(CUresult e, const char** s) {
  if (!s) return INVALID_VALUE;
  for (const auto& t : kErrors)
    if (t.code == e) { *s = t.text; return OK; }
  *s = nullptr;
  return INVALID_VALUE;
}
