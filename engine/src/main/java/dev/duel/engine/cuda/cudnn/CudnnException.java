package dev.duel.engine.cuda.cudnn;

/**
 * A cuDNN call returned a status other than CUDNN_STATUS_SUCCESS. The message names the call, the
 * status, cuDNN's own last error text where it gives one, the shapes involved and a hint.
 */
public final class CudnnException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String call;
  private final int status;

  public CudnnException(String call, int status, String detail) {
    super(message(call, status, detail));
    this.call = call;
    this.status = status;
  }

  private static String message(String call, int status, String detail) {
    StringBuilder sb = new StringBuilder(call).append(" failed: ").append(CudnnStatus.name(status))
        .append(" (").append(status).append(')');
    if (detail != null && !detail.isBlank()) sb.append(": ").append(detail.strip());
    String hint = CudnnStatus.hint(status);
    if (!hint.isEmpty()) sb.append(". Fix: ").append(hint);
    return sb.toString();
  }

  /** The cuDNN function (or Duel facade step) that failed, e.g. "cudnnConvolutionForward". */
  public String call() { return call; }

  /** The raw {@code cudnnStatus_t}. */
  public int status() { return status; }

  /** e.g. "CUDNN_STATUS_BAD_PARAM". */
  public String statusName() { return CudnnStatus.name(status); }
}
