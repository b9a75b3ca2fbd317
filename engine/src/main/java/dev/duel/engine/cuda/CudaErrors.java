package dev.duel.engine.cuda;

import jcuda.driver.CUresult;
import jcuda.jcublas.cublasStatus;

/** Names and hints for CUDA driver and cuBLAS status codes (pure Java: loads no native library). */
final class CudaErrors {
  private CudaErrors() {}

  /** e.g. 2 -> "CUDA_ERROR_OUT_OF_MEMORY". */
  static String name(int result) {
    return CUresult.stringFor(result);
  }

  static String cublasName(int status) {
    return cublasStatus.stringFor(status);
  }

  /** What to do about a driver error, or "". */
  static String hint(int result) {
    return switch (result) {
      case CUresult.CUDA_ERROR_OUT_OF_MEMORY -> "the GPU is out of memory: use a smaller batch, or free tensors"
          + " earlier (MemoryScope)";
      case CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, CUresult.CUDA_ERROR_LAUNCH_FAILED ->
          "a kernel touched memory outside its buffers; the CUDA context is now unusable, restart the process."
              + " Run with -Dduel.cuda.sync=true (or DUEL_CUDA_SYNC=1) to blame the op that did it";
      case CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU, CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION,
           CUresult.CUDA_ERROR_INVALID_PTX -> "Duel's fatbin needs an NVIDIA driver R580 or newer (CUDA 13) and a GPU"
          + " of compute capability 7.5 or newer: update the driver, or use --device cpu";
      case CUresult.CUDA_ERROR_INVALID_VALUE -> "a launch or copy argument is out of range (a Duel bug: please report"
          + " it with the op and shapes above)";
      case CUresult.CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES -> "the kernel needs more registers or shared memory than"
          + " this GPU gives one block";
      default -> "";
    };
  }
}
