// fake_cuda.h -- internals of the stand-in libcuda.so.1 (the `cuda-emu` device): the CUDA driver API subset
// Duel's backend and JCuda 12.6 use, on host memory, with kernels from an emulated kernel library.
// Every other symbol JCuda imports is a generated stub returning CUDA_ERROR_NOT_SUPPORTED.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#define FAKE_API extern "C" __attribute__((visibility("default")))

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;

namespace fake {

enum : CUresult {
  OK = 0,
  INVALID_VALUE = 1,
  OUT_OF_MEMORY = 2,
  NOT_INITIALIZED = 3,
  NO_DEVICE = 100,
  INVALID_DEVICE = 101,
  INVALID_IMAGE = 200,
  INVALID_CONTEXT = 201,
  NO_BINARY_FOR_GPU = 209,
  UNSUPPORTED_PTX_VERSION = 222,
  FILE_NOT_FOUND = 301,
  INVALID_HANDLE = 400,
  NOT_FOUND = 500,
  NOT_READY = 600,
  NOT_SUPPORTED = 801,
  UNKNOWN = 999
};

struct Context {
  CUdevice device = 0;
  unsigned flags = 0;
  bool primary = false;
  int primary_refs = 0;
  size_t limits[16] = {};
  int cache_config = 0, smem_config = 0;
};

bool initialized();
// The context current on the calling thread (null if none): every memory, module and launch call needs one.
Context* current();
bool context_alive(Context* c);

// Records `msg` as the last error (fakeCudaLastError) and prints it to stderr unless FAKE_CUDA_QUIET=1.
// Returns `code`, so call sites read `return error(INVALID_VALUE, "...")`.
CUresult error(CUresult code, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// Device memory bookkeeping (fake_cuda_memory.cpp).
// True when [p, p + bytes) lies inside one live allocation (bytes = 0: p inside or one past the end).
bool device_range_ok(CUdeviceptr p, size_t bytes);
void free_context_allocations(Context* c);
size_t total_memory();  // FAKE_CUDA_TOTAL_MEM_MB (default 16384) or fakeCudaSetTotalMemory

// Environment knobs.
long long env_ll(const char* name, long long fallback);
int compute_capability();  // FAKE_CUDA_CC, e.g. 86 (default)

}  // namespace fake
