package dev.duel.engine.cuda;

import dev.duel.engine.cuda.cudnn.CudnnException;
import dev.duel.engine.cuda.cudnn.CudnnStatus;

/**
 * When a backend's convolution and batch norm go to cuDNN and when to Duel's kernels. With
 * {@code conv = auto}: a failure before cuDNN has ever succeeded switches cuDNN off for the JVM (one log
 * line); CUDNN_STATUS_NOT_SUPPORTED for one call runs that call on the kernels (one log line per op);
 * any other failure is a {@link CudaOpException}. With {@code conv = cudnn} every failure is an error.
 */
final class DnnPolicy {
  private final Dnn dnn;          // null: the kernels always
  private final CudaOptions options;

  DnnPolicy(Dnn dnn, CudaOptions options) {
    this.dnn = dnn;
    this.options = options;
  }

  /** cuDNN is in use (present, and not switched off by a failure on first use). */
  boolean active() {
    return dnn != null && dnn.available();
  }

  /** Runs {@code call} on cuDNN when active; false when the kernels must run instead. */
  boolean run(String op, Object shape, Runnable call) {
    if (!active()) return false;
    try {
      call.run();
      return true;
    } catch (CudnnException e) {
      boolean auto = options.conv() == CudaOptions.Conv.AUTO;
      if (auto && !dnn.used()) {
        dnn.disable("it failed on first use: " + e.getMessage());
        CudaLog.once("conv-first-use", "libcudnn.so.9 failed on first use (" + op + " " + shape + ": " + e.getMessage()
            + "): conv2d and batch norm run on Duel's kernels from now on");
        return false;
      }
      if (auto && e.status() == CudnnStatus.NOT_SUPPORTED) {
        CudaLog.once("conv-unsupported-" + op, "cuDNN cannot run " + op + " " + shape + " (" + e.getMessage()
            + "): Duel's kernels run such calls");
        return false;
      }
      throw new CudaOpException(op + " " + shape, e.call(), e.statusName() + " (" + e.getMessage() + ")", "", e);
    }
  }
}
