// fake_cublaslt.cpp -- the stand-in libcublasLt.so.13 that the stand-in libcublas.so.13 depends on (DT_NEEDED),
// as NVIDIA's libcublas.so.13 depends on libcublasLt.so.13. Its only job is to make the dependency real: a
// libcublas.so.13 in a folder that is not on the loader path loads only after this file was loaded by absolute
// path (dev.duel.engine.cuda.CudaLibraries does that), exactly as with NVIDIA's pip wheels.
#include <cstddef>

// cublasLtGetVersion: MAJOR·10000 + MINOR·100 + PATCH, like cuBLAS.
extern "C" __attribute__((visibility("default"))) size_t cublasLtGetVersion(void) { return 130002; }
