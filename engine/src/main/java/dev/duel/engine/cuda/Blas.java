package dev.duel.engine.cuda;

import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;

/**
 * cuBLAS ({@code libcublas.so.12}) through JCublas2, for {@code Backend.gemm}. {@link #load()} never
 * throws: when the library does not link, {@link #available()} is false and {@link #reason()} says why.
 *
 * <p>Row-major through column-major: a row-major r×c matrix with pitch ld is, read column-major, its
 * c×r transpose with the same ld. So row-major C = α·op(A)·op(B) + β·C is column-major
 * Cᵀ = α·op(B)ᵀ·op(A)ᵀ + β·Cᵀ: cuBLAS gets (opB, opA, n, m, k, B, ldb, A, lda, C, ldc) — the operands
 * swapped, the transpose flags kept.
 */
final class Blas {
  static final String LIBRARY = "libcublas.so.12";

  private final cublasHandle handle;
  private final String reason;

  private Blas(cublasHandle handle, String reason) {
    this.handle = handle;
    this.reason = reason;
  }

  /** Creates a cuBLAS handle on the current context, or an unavailable instance saying why. */
  static Blas load() {
    try {
      JCublas2.setExceptionsEnabled(false);
      cublasHandle h = new cublasHandle();
      int r = JCublas2.cublasCreate(h);
      if (r != 0) return new Blas(null, "cublasCreate failed: " + CudaErrors.cublasName(r));
      return new Blas(h, null);
    } catch (LinkageError e) {   // UnsatisfiedLinkError, NoClassDefFoundError after a failed first try
      return new Blas(null, LIBRARY + " did not load (" + e.getMessage() + ")");
    }
  }

  /** The cuBLAS a backend with options {@code o} uses: null for Duel's kernel (forced, or cuBLAS missing: one log line). */
  static Blas choose(CudaDevice device, CudaOptions o) {
    if (o.gemm() == CudaOptions.Gemm.KERNELS) return null;
    Blas b = device.blas();
    if (b.available()) return b;
    if (o.gemm() == CudaOptions.Gemm.CUBLAS) {
      throw new CudaUnavailableException(device.mode.device, "duel.cuda.gemm=cublas, but " + b.reason()
          + ". Install cuBLAS 12 (libcublas.so.12 on LD_LIBRARY_PATH) or use duel.cuda.gemm=auto", null);
    }
    CudaLog.once("gemm", LIBRARY + " not loaded (" + b.reason() + "): matmul runs on Duel's SGEMM kernel");
    return null;
  }

  boolean available() {
    return handle != null;
  }

  /** Why cuBLAS is not used, or null. */
  String reason() {
    return reason;
  }

  String describe() {
    return available() ? "cuBLAS (" + LIBRARY + ")" : "cuBLAS not available: " + reason;
  }

  /**
   * Row-major, strided-batched: C_z = α·op(A_z)·op(B_z) + β·C_z for z < batch, X_z = X + z·strideX
   * (addresses and strides as the Backend's, in floats). Requires m, n, k, batch > 0.
   */
  synchronized void sgemm(CudaDevice device, boolean transA, boolean transB, int m, int n, int k, float alpha,
                          long a, int lda, long strideA, long b, int ldb, long strideB, float beta,
                          long c, int ldc, long strideC, int batch, String op) {
    device.ensureCurrent();
    int opA = transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
    int opB = transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
    Pointer al = Pointer.to(new float[] {alpha}), be = Pointer.to(new float[] {beta});
    int r;
    String call;
    if (batch == 1) {
      call = "cublasSgemm";
      r = JCublas2.cublasSgemm(handle, opB, opA, n, m, k, al, CudaDevice.pointer(b), ldb, CudaDevice.pointer(a), lda,
          be, CudaDevice.pointer(c), ldc);
    } else {
      call = "cublasSgemmStridedBatched";
      r = JCublas2.cublasSgemmStridedBatched(handle, opB, opA, n, m, k, al, CudaDevice.pointer(b), ldb, strideB,
          CudaDevice.pointer(a), lda, strideA, be, CudaDevice.pointer(c), ldc, strideC, batch);
    }
    if (r != 0) {
      throw new CudaOpException(op, call + " (column-major: " + (transB ? "T" : "N") + (transA ? "T" : "N") + ", m=" + n
          + ", n=" + m + ", k=" + k + ", lda=" + ldb + ", ldb=" + lda + ", ldc=" + ldc + ")", CudaErrors.cublasName(r),
          "", null);
    }
  }
}
