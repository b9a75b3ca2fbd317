package dev.duel.engine.cuda.cudnn;

import java.util.Map;

/** Names of cuDNN 9's {@code cudnnStatus_t} codes (cudnn_graph.h) and a hint for the common ones. */
public final class CudnnStatus {
  private CudnnStatus() {}

  public static final int SUCCESS = 0;
  public static final int NOT_INITIALIZED = 1001;
  public static final int BAD_PARAM = 2000;
  public static final int NOT_SUPPORTED = 3000;
  public static final int INTERNAL_ERROR = 4000;
  public static final int ALLOC_FAILED = 4003;
  public static final int EXECUTION_FAILED = 5000;

  private static final Map<Integer, String> NAMES = Map.ofEntries(
      Map.entry(0, "CUDNN_STATUS_SUCCESS"),
      Map.entry(1001, "CUDNN_STATUS_NOT_INITIALIZED"),
      Map.entry(1002, "CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH"),
      Map.entry(1003, "CUDNN_STATUS_SERIALIZATION_VERSION_MISMATCH"),
      Map.entry(1004, "CUDNN_STATUS_DEPRECATED"),
      Map.entry(1005, "CUDNN_STATUS_LICENSE_ERROR"),
      Map.entry(1006, "CUDNN_STATUS_RUNTIME_IN_PROGRESS"),
      Map.entry(1007, "CUDNN_STATUS_RUNTIME_FP_OVERFLOW"),
      Map.entry(1008, "CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED"),
      Map.entry(2000, "CUDNN_STATUS_BAD_PARAM"),
      Map.entry(2001, "CUDNN_STATUS_INVALID_VALUE"),
      Map.entry(2002, "CUDNN_STATUS_BAD_PARAM_NULL_POINTER"),
      Map.entry(2003, "CUDNN_STATUS_BAD_PARAM_MISALIGNED_POINTER"),
      Map.entry(2004, "CUDNN_STATUS_BAD_PARAM_NOT_FINALIZED"),
      Map.entry(2005, "CUDNN_STATUS_BAD_PARAM_OUT_OF_BOUND"),
      Map.entry(2006, "CUDNN_STATUS_BAD_PARAM_SIZE_INSUFFICIENT"),
      Map.entry(2007, "CUDNN_STATUS_BAD_PARAM_STREAM_MISMATCH"),
      Map.entry(2008, "CUDNN_STATUS_BAD_PARAM_SHAPE_MISMATCH"),
      Map.entry(3000, "CUDNN_STATUS_NOT_SUPPORTED"),
      Map.entry(3002, "CUDNN_STATUS_NOT_SUPPORTED_SHAPE"),
      Map.entry(3003, "CUDNN_STATUS_NOT_SUPPORTED_DATA_TYPE"),
      Map.entry(3004, "CUDNN_STATUS_NOT_SUPPORTED_LAYOUT"),
      Map.entry(3005, "CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDA_DRIVER"),
      Map.entry(3006, "CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDART"),
      Map.entry(3007, "CUDNN_STATUS_NOT_SUPPORTED_ARCH_MISMATCH"),
      Map.entry(3008, "CUDNN_STATUS_NOT_SUPPORTED_RUNTIME_PREREQUISITE_MISSING"),
      Map.entry(3009, "CUDNN_STATUS_NOT_SUPPORTED_SUBLIBRARY_UNAVAILABLE"),
      Map.entry(3010, "CUDNN_STATUS_NOT_SUPPORTED_SHARED_MEMORY_INSUFFICIENT"),
      Map.entry(3011, "CUDNN_STATUS_NOT_SUPPORTED_PADDING"),
      Map.entry(4000, "CUDNN_STATUS_INTERNAL_ERROR"),
      Map.entry(4001, "CUDNN_STATUS_INTERNAL_ERROR_COMPILATION_FAILED"),
      Map.entry(4002, "CUDNN_STATUS_INTERNAL_ERROR_UNEXPECTED_VALUE"),
      Map.entry(4003, "CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED"),
      Map.entry(4004, "CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED"),
      Map.entry(4005, "CUDNN_STATUS_INTERNAL_ERROR_BAD_LAUNCH_PARAM"),
      Map.entry(5000, "CUDNN_STATUS_EXECUTION_FAILED"),
      Map.entry(5001, "CUDNN_STATUS_EXECUTION_FAILED_CUDA_DRIVER"),
      Map.entry(5002, "CUDNN_STATUS_EXECUTION_FAILED_CUBLAS"),
      Map.entry(5003, "CUDNN_STATUS_EXECUTION_FAILED_CUDART"));

  /** "CUDNN_STATUS_BAD_PARAM" for 2000; "CUDNN_STATUS_(n)" for a code this table does not know. */
  public static String name(int status) {
    return NAMES.getOrDefault(status, "CUDNN_STATUS_(" + status + ")");
  }

  /** What the user can do about a status, by its category (cuDNN 9 codes are category·1000 + detail). */
  static String hint(int status) {
    return switch (status / 1000 * 1000) {
      case 1000 -> "cuDNN could not initialise: check that a CUDA context is current and the driver matches"
          + " cuDNN's CUDA version, or run with Duel's own kernels";
      case 2000 -> "the descriptors or arguments do not fit together: check the shapes above";
      case 3000 -> "this cuDNN does not support the configuration: run with Duel's own kernels instead";
      case 4000 -> "cuDNN failed internally (often out of memory): free memory or use a smaller batch";
      case 5000 -> "the GPU work failed: rerun with synchronous launches to find the failing op";
      default -> "";
    };
  }
}
