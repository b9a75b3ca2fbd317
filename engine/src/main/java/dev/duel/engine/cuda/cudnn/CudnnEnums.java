package dev.duel.engine.cuda.cudnn;

/**
 * The enum values of cuDNN 9's legacy API that Duel passes, as in cudnn_graph.h, cudnn_ops.h and
 * cudnn_cnn.h (9.x; they are unchanged from cuDNN 8 for everything listed here).
 */
public final class CudnnEnums {
  private CudnnEnums() {}

  // cudnnDataType_t
  public static final int DATA_FLOAT = 0;
  public static final int DATA_DOUBLE = 1;
  public static final int DATA_HALF = 2;

  // cudnnTensorFormat_t
  public static final int TENSOR_NCHW = 0;
  public static final int TENSOR_NHWC = 1;

  // cudnnConvolutionMode_t
  public static final int CONVOLUTION = 0;
  public static final int CROSS_CORRELATION = 1;

  // cudnnMathType_t. DEFAULT_MATH lets cuDNN use TF32 tensor cores for FLOAT convolutions on
  // Ampere and newer (10-bit mantissa products); FMA_MATH restricts it to FP32 FMA instructions.
  public static final int DEFAULT_MATH = 0;
  public static final int TENSOR_OP_MATH = 1;
  public static final int TENSOR_OP_MATH_ALLOW_CONVERSION = 2;
  public static final int FMA_MATH = 3;

  // cudnnDeterminism_t
  public static final int NON_DETERMINISTIC = 0;
  public static final int DETERMINISTIC = 1;

  // cudnnBatchNormMode_t
  public static final int BATCHNORM_PER_ACTIVATION = 0;
  public static final int BATCHNORM_SPATIAL = 1;
  public static final int BATCHNORM_SPATIAL_PERSISTENT = 2;

  /** CUDNN_BN_MIN_EPSILON in cuDNN 9 (it was 1e-5 before cuDNN 7.5). */
  public static final double BN_MIN_EPSILON = 0.0;

  // cudnnConvolutionFwdAlgo_t
  public static final int FWD_ALGO_COUNT = 8;
  // cudnnConvolutionBwdDataAlgo_t
  public static final int BWD_DATA_ALGO_COUNT = 6;
  // cudnnConvolutionBwdFilterAlgo_t
  public static final int BWD_FILTER_ALGO_COUNT = 7;

  private static final String[] FWD_ALGOS = {"IMPLICIT_GEMM", "IMPLICIT_PRECOMP_GEMM", "GEMM", "DIRECT", "FFT",
      "FFT_TILING", "WINOGRAD", "WINOGRAD_NONFUSED"};
  private static final String[] BWD_DATA_ALGOS = {"ALGO_0", "ALGO_1", "FFT", "FFT_TILING", "WINOGRAD",
      "WINOGRAD_NONFUSED"};
  private static final String[] BWD_FILTER_ALGOS = {"ALGO_0", "ALGO_1", "FFT", "ALGO_3", "WINOGRAD",
      "WINOGRAD_NONFUSED", "FFT_TILING"};
  private static final String[] MATH_TYPES = {"DEFAULT_MATH", "TENSOR_OP_MATH", "TENSOR_OP_MATH_ALLOW_CONVERSION",
      "FMA_MATH"};

  /** The name of an algorithm of {@code direction}, e.g. "IMPLICIT_PRECOMP_GEMM". */
  public static String algoName(ConvDirection direction, int algo) {
    String[] names = switch (direction) {
      case FORWARD -> FWD_ALGOS;
      case BACKWARD_DATA -> BWD_DATA_ALGOS;
      case BACKWARD_FILTER -> BWD_FILTER_ALGOS;
    };
    return algo >= 0 && algo < names.length ? names[algo] : "ALGO(" + algo + ")";
  }

  public static String mathTypeName(int mathType) {
    return mathType >= 0 && mathType < MATH_TYPES.length ? MATH_TYPES[mathType] : "MATH(" + mathType + ")";
  }
}
