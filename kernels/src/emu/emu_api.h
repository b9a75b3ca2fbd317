// emu_api.h -- the C API of an emulated kernel library (libduel_kernels_emu.so), included once at the end of
// the generated registration file (after its EMU_EXPORT lines). The fake libcuda.so.1 finds kernels with
// emuFindKernel and runs them with emuLaunchHandle; tests call emuLaunchKernel by name.
#pragma once
#include "cuda_host_emu.h"

#define EMU_API extern "C" __attribute__((visibility("default")))

// The registered kernel called `name`, or null.
EMU_API void* emuFindKernel(const char* name) {
  for (auto* e = ::emu::registry(); e; e = e->next)
    if (!strcmp(e->name, name)) return (void*)e;
  return nullptr;
}

// Why this launch geometry is invalid (cuLaunchKernel's limits), or null when it is valid.
EMU_API const char* emuLaunchGeometryError(unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                                           unsigned smem) {
  return ::emu::launch_error(dim3(gx, gy, gz), dim3(bx, by, bz), smem);
}

// Runs kernel h with cuLaunchKernel's arguments (params: one pointer per kernel argument, pointing at its
// value). Returns 0, or 1 (CUDA_ERROR_INVALID_VALUE) for an invalid geometry. Synchronous.
EMU_API int emuLaunchHandle(void* h, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                            unsigned smem, void** params) {
  if (::emu::launch_error(dim3(gx, gy, gz), dim3(bx, by, bz), smem)) return 1;
  static_cast<::emu::Entry*>(h)->fn(dim3(gx, gy, gz), dim3(bx, by, bz), smem, params);
  return 0;
}

// emuLaunchHandle by name; 500 (CUDA_ERROR_NOT_FOUND) for an unknown kernel.
EMU_API int emuLaunchKernel(const char* name, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                            unsigned smem, void** params) {
  void* h = emuFindKernel(name);
  return h ? emuLaunchHandle(h, gx, gy, gz, bx, by, bz, smem, params) : 500;
}

EMU_API int emuKernelCount() {
  int n = 0;
  for (auto* e = ::emu::registry(); e; e = e->next) ++n;
  return n;
}

// Name of kernel i (0 <= i < emuKernelCount()), or null.
EMU_API const char* emuKernelName(int i) {
  for (auto* e = ::emu::registry(); e; e = e->next, --i)
    if (i == 0) return e->name;
  return nullptr;
}

// The parameter type codes of kernel `name` ("i4,f4,p,i8": integer, floating point, pointer, struct with
// their byte sizes), or null for an unknown kernel.
EMU_API const char* emuKernelSignature(const char* name) {
  auto* e = static_cast<::emu::Entry*>(emuFindKernel(name));
  return e ? e->sig.c_str() : nullptr;
}
