package dev.duel.engine.cuda;

/**
 * How one {@link CudaBackend} runs its library-backed ops.
 *
 * @param gemm       matmul on cuBLAS or on Duel's SGEMM kernel
 * @param conv       conv2d (all three directions) and batch norm on cuDNN or on Duel's kernels
 *                   (im2col + GEMM + col2im, the batchnorm kernels)
 * @param syncEachOp synchronise after every op, so an asynchronous failure is blamed on the op that caused it
 */
public record CudaOptions(Gemm gemm, Conv conv, boolean syncEachOp) {

  /** AUTO: cuBLAS when it loads, else the kernel (one log line says so). The others force a path. */
  public enum Gemm { AUTO, CUBLAS, KERNELS }

  /** AUTO: cuDNN when it loads and works on first use, else the kernels (one log line). */
  public enum Conv { AUTO, CUDNN, KERNELS }

  public CudaOptions {
    if (gemm == null || conv == null) throw new IllegalArgumentException("CudaOptions: gemm and conv must be set");
  }

  /** From duel.cuda.gemm / DUEL_CUDA_GEMM, duel.cuda.conv / DUEL_CUDA_CONV, duel.cuda.sync / DUEL_CUDA_SYNC. */
  public static CudaOptions fromSettings() {
    return new CudaOptions(CudaSettings.choice(CudaSettings.GEMM, Gemm.class, Gemm.AUTO),
        CudaSettings.choice(CudaSettings.CONV, Conv.class, Conv.AUTO), CudaSettings.flag(CudaSettings.SYNC));
  }

  /** Libraries where they load; no per-op synchronisation. */
  public static CudaOptions defaults() {
    return new CudaOptions(Gemm.AUTO, Conv.AUTO, false);
  }

  /** Duel's own kernels for everything (no cuBLAS, no cuDNN). */
  public static CudaOptions kernelsOnly() {
    return new CudaOptions(Gemm.KERNELS, Conv.KERNELS, false);
  }

  public CudaOptions withSync(boolean sync) {
    return new CudaOptions(gemm, conv, sync);
  }
}
