package dev.duel.engine.cuda;

import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;

/** cuBLAS through JCublas2, whose natives link {@code libcublas.so.12} by soname (see {@link Blas}). */
final class JCublasBlas extends Blas {
  static final String LIBRARY = "libcublas.so.12";

  private final cublasHandle handle;
  private final String origin;
  private final int version;

  private JCublasBlas(cublasHandle handle, String origin, int version) {
    this.handle = handle;
    this.origin = origin;
    this.version = version;
  }

  /** A handle on the current context, or an unavailable Blas saying why. {@code origin}: where .12 comes from. */
  static Blas create(String origin) {
    try {
      JCublas2.setExceptionsEnabled(false);
      cublasHandle h = new cublasHandle();
      int r = JCublas2.cublasCreate(h);
      if (r != 0) return unavailable(LIBRARY + " via JCublas: cublasCreate failed: " + CudaErrors.cublasName(r));
      int[] v = new int[1];
      if (JCublas2.cublasGetVersion(h, v) != 0) v[0] = 0;
      return new JCublasBlas(h, origin, v[0]);
    } catch (LinkageError e) {   // UnsatisfiedLinkError, NoClassDefFoundError after a failed first try
      return unavailable(LIBRARY + " did not load through JCublas (" + e.getMessage() + ")");
    }
  }

  @Override
  boolean available() {
    return true;
  }

  @Override
  String reason() {
    return null;
  }

  @Override
  String describe() {
    return "cuBLAS " + (version > 0 ? versionString(version) + " " : "") + "(" + LIBRARY + " via JCublas, " + origin + ")";
  }

  @Override
  synchronized void sgemm(CudaDevice device, boolean transA, boolean transB, int m, int n, int k, float alpha,
                          long a, int lda, long strideA, long b, int ldb, long strideB, float beta,
                          long c, int ldc, long strideC, int batch, String op) {
    device.ensureCurrent();
    int opA = transA ? OP_T : OP_N, opB = transB ? OP_T : OP_N;
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
    if (r != 0) throw failure(op, call, transA, transB, m, n, k, lda, ldb, ldc, CudaErrors.cublasName(r));
  }
}
