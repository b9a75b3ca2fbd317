package dev.duel.engine.cuda;

/**
 * cuBLAS for {@code Backend.gemm}, behind one {@link #sgemm} with two bindings: {@link JCublasBlas}
 * (JCublas2, which links {@code libcublas.so.12} by soname: the design's route when the dynamic linker has
 * it) and {@link FfmBlas} (Duel's FFM binding, for {@code libcublas.so.13}, for which no JCublas exists, and
 * for any cuBLAS found in a folder off the loader path, e.g. NVIDIA's pip wheels). {@link CudaLibraries}
 * decides which file; {@link #load} never throws: when nothing usable is found, {@link #available()} is
 * false and {@link #reason()} says what was searched and how to fix it.
 *
 * <p>Row-major through column-major: a row-major r×c matrix with pitch ld is, read column-major, its
 * c×r transpose with the same ld. So row-major C = α·op(A)·op(B) + β·C is column-major
 * Cᵀ = α·op(B)ᵀ·op(A)ᵀ + β·Cᵀ: cuBLAS gets (opB, opA, n, m, k, B, ldb, A, lda, C, ldc) — the operands
 * swapped, the transpose flags kept. Both bindings put all work on the legacy default stream (stream 0).
 */
abstract class Blas {
  static final int OP_N = 0, OP_T = 1;   // cublasOperation_t

  /** The cuBLAS of a device: cuda-emu uses its stand-in .12 unless cuBLAS settings point elsewhere. */
  static Blas load(DriverMode mode) {
    CudaLibraries.Env env = CudaLibraries.system();
    if (mode == DriverMode.EMULATED && !CudaLibraries.cublasConfigured(env)) return JCublasBlas.create("stand-in"
        + " libcublas.so.12 of cuda-emu");
    return load(CudaLibraries.cublas(env, mode == DriverMode.EMULATED), env);
  }

  /**
   * The binding for a search's result: JCublas when the dynamic linker has libcublas.so.12 (FFM on the same
   * library if JCublas's natives do not link), FFM for everything else. Call with the context current.
   */
  static Blas load(CudaLibraries.Search s, CudaLibraries.Env env) {
    CudaLibraries.Found f = s.found();
    if (f == null) return unavailable(s.reason());
    if (f.byLoader() && f.major() == 12) {
      Blas j = JCublasBlas.create("dynamic linker");
      if (j.available()) return j;
      Blas ffm = FfmBlas.open(f, env);
      return ffm.available() ? ffm : unavailable(j.reason() + "; FFM: " + ffm.reason());
    }
    return FfmBlas.open(f, env);
  }

  static Blas unavailable(String reason) {
    return new Unavailable(reason);
  }

  /** The cuBLAS a backend with options {@code o} uses: null for Duel's kernel (forced, or cuBLAS missing: one log line). */
  static Blas choose(CudaDevice device, CudaOptions o) {
    return o.gemm() == CudaOptions.Gemm.KERNELS ? null : choose(device.mode.device, device.blas(), o);
  }

  static Blas choose(String deviceName, Blas b, CudaOptions o) {
    if (o.gemm() == CudaOptions.Gemm.KERNELS) return null;
    if (b.available()) return b;
    if (o.gemm() == CudaOptions.Gemm.CUBLAS) {
      throw new CudaUnavailableException(deviceName, "duel.cuda.gemm=cublas, but " + b.reason()
          + ". Or use duel.cuda.gemm=auto (Duel's SGEMM kernel when cuBLAS is missing)", null);
    }
    CudaLog.once("gemm", "cuBLAS not loaded (" + b.reason() + "): matmul runs on Duel's SGEMM kernel");
    return null;
  }

  abstract boolean available();

  /** Why cuBLAS is not used, or null. */
  abstract String reason();

  /** e.g. "cuBLAS 13.0.2 (libcublas.so.13 via FFM, /…/nvidia/cu13/lib/libcublas.so.13)". */
  abstract String describe();

  /**
   * Row-major, strided-batched: C_z = α·op(A_z)·op(B_z) + β·C_z for z < batch, X_z = X + z·strideX
   * (addresses and strides as the Backend's, in floats). Requires m, n, k, batch > 0.
   */
  abstract void sgemm(CudaDevice device, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      long a, int lda, long strideA, long b, int ldb, long strideB, float beta,
                      long c, int ldc, long strideC, int batch, String op);

  /** "13.0.2" from cublasGetVersion's MAJOR·10000 + MINOR·100 + PATCH. */
  static String versionString(int v) {
    return v / 10000 + "." + v / 100 % 100 + "." + v % 100;
  }

  /** A failed cuBLAS status as the backend's error, with the column-major call as cuBLAS saw it. */
  static CudaOpException failure(String op, String call, boolean transA, boolean transB, int m, int n, int k, int lda,
                                 int ldb, int ldc, String status) {
    return new CudaOpException(op, call + " (column-major: " + (transB ? "T" : "N") + (transA ? "T" : "N") + ", m=" + n
        + ", n=" + m + ", k=" + k + ", lda=" + ldb + ", ldb=" + lda + ", ldc=" + ldc + ")", status, "", null);
  }

  private static final class Unavailable extends Blas {
    private final String reason;

    Unavailable(String reason) {
      this.reason = reason;
    }

    @Override
    boolean available() {
      return false;
    }

    @Override
    String reason() {
      return reason;
    }

    @Override
    String describe() {
      return "cuBLAS not available: " + reason;
    }

    @Override
    void sgemm(CudaDevice device, boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda,
               long strideA, long b, int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch,
               String op) {
      throw new IllegalStateException("cuBLAS is not available: " + reason);
    }
  }
}
