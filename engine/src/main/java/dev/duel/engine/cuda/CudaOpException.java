package dev.duel.engine.cuda;

/**
 * A CUDA driver, cuBLAS or cuDNN call failed. The message names the Backend op and its shapes, the
 * failing call (for a launch: kernel, grid and block), the library's error name and a hint. Errors of
 * asynchronous work surface at the next synchronising call and are blamed on it; run with
 * {@code -Dduel.cuda.sync=true} (or {@code DUEL_CUDA_SYNC=1}) to synchronise after every op.
 */
public class CudaOpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String op;
  private final String call;
  private final String error;
  private final String hint;

  public CudaOpException(String op, String call, String error, String hint, Throwable cause) {
    super(message(op, call, error, hint), cause);
    this.op = op;
    this.call = call;
    this.error = error;
    this.hint = hint;
  }

  private static String message(String op, String call, String error, String hint) {
    StringBuilder sb = new StringBuilder("cuda: ");
    if (op != null && !op.isEmpty()) sb.append(op).append(": ");
    sb.append(call).append(" failed: ").append(error);
    if (hint != null && !hint.isEmpty()) sb.append(". Fix: ").append(hint);
    return sb.toString();
  }

  /** The Backend op with its shapes, e.g. "gemm(transA=false, transB=true, m=3, n=5, k=7, batch=1)"; "" if unknown. */
  public String op() {
    return op == null ? "" : op;
  }

  /** The failing library call, e.g. "cuLaunchKernel duel_unary_fwd_f32 grid (4,1,1) block (256,1,1)". */
  public String call() {
    return call;
  }

  /** The library's error name, e.g. "CUDA_ERROR_ILLEGAL_ADDRESS" or "CUBLAS_STATUS_INVALID_VALUE". */
  public String error() {
    return error;
  }

  public String hint() {
    return hint == null ? "" : hint;
  }

  /** This failure blamed on {@code op} (the Backend method that made the call); unchanged if it names one already. */
  CudaOpException blame(String op) {
    if (this.op != null && !this.op.isEmpty()) return this;
    CudaOpException e = new CudaOpException(op, call, error, hint, getCause());
    e.setStackTrace(getStackTrace());
    return e;
  }
}
