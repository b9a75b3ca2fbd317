package dev.duel.engine.cuda.nccl;

/** NCCL's ncclResult_t values (nccl.h.in) and their names. */
public final class NcclResult {
  public static final int SUCCESS = 0, UNHANDLED_CUDA_ERROR = 1, SYSTEM_ERROR = 2, INTERNAL_ERROR = 3,
      INVALID_ARGUMENT = 4, INVALID_USAGE = 5, REMOTE_ERROR = 6, IN_PROGRESS = 7, TIMEOUT = 8;

  private static final String[] NAMES = {"ncclSuccess", "ncclUnhandledCudaError", "ncclSystemError",
      "ncclInternalError", "ncclInvalidArgument", "ncclInvalidUsage", "ncclRemoteError", "ncclInProgress",
      "ncclTimeout"};

  private NcclResult() {}

  public static String name(int r) {
    return r >= 0 && r < NAMES.length ? NAMES[r] : "ncclResult " + r;
  }
}
