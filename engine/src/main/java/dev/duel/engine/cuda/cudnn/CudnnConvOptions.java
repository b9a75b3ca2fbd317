package dev.duel.engine.cuda.cudnn;

/**
 * How {@link CudnnConv} chooses algorithms.
 *
 * @param search              HEURISTIC: cuDNN's ranking (cudnnGet*Algorithm_v7), no trial runs;
 *                            MEASURED: time the candidates once per shape on the real buffers
 *                            (cudnnFind*AlgorithmEx), like PyTorch's {@code cudnn.benchmark = True}
 * @param workspaceLimitBytes no algorithm needing more workspace than this is chosen
 * @param deterministic       only algorithms cuDNN reports as deterministic (bit-identical reruns)
 * @param mathType            {@link CudnnEnums#FMA_MATH} (the default) keeps convolutions in FP32 FMA
 *                            arithmetic. {@link CudnnEnums#DEFAULT_MATH} lets cuDNN use TF32 tensor
 *                            cores on Ampere and newer: faster, but products keep a 10-bit mantissa, so
 *                            results drift ~1e-3 relative from the CPU backend and Duel's 1e-4 parity
 *                            tests would fail. Offered for benchmarking only.
 */
public record CudnnConvOptions(AlgoSearch search, long workspaceLimitBytes, boolean deterministic, int mathType) {

  public enum AlgoSearch { HEURISTIC, MEASURED }

  /** 256 MiB: above what cuDNN's GEMM/FFT-tiling algorithms need at the dcgan28 shapes. */
  public static final long DEFAULT_WORKSPACE_LIMIT = 256L << 20;

  public CudnnConvOptions {
    if (search == null) throw new IllegalArgumentException("CudnnConvOptions: search must not be null");
    if (workspaceLimitBytes < 0) {
      throw new IllegalArgumentException("CudnnConvOptions: workspaceLimitBytes " + workspaceLimitBytes + " < 0");
    }
    if (mathType != CudnnEnums.FMA_MATH && mathType != CudnnEnums.DEFAULT_MATH) {
      throw new IllegalArgumentException("CudnnConvOptions: mathType must be FMA_MATH (3) or DEFAULT_MATH (0), was "
          + mathType);
    }
  }

  /** MEASURED, 256 MiB, any determinism, FP32 (FMA_MATH). */
  public static CudnnConvOptions defaults() {
    return new CudnnConvOptions(AlgoSearch.MEASURED, DEFAULT_WORKSPACE_LIMIT, false, CudnnEnums.FMA_MATH);
  }

  public CudnnConvOptions withSearch(AlgoSearch s) {
    return new CudnnConvOptions(s, workspaceLimitBytes, deterministic, mathType);
  }

  public CudnnConvOptions withWorkspaceLimit(long bytes) {
    return new CudnnConvOptions(search, bytes, deterministic, mathType);
  }

  public CudnnConvOptions withDeterministic(boolean d) {
    return new CudnnConvOptions(search, workspaceLimitBytes, d, mathType);
  }

  /**
   * Whether an algorithm from cuDNN's lists may be used under these options. With {@code strictMath},
   * an FMA_MATH request also refuses entries cuDNN labels as tensor-op (TF32) math; the convolution
   * descriptor itself always keeps {@link #mathType}, which is what cuDNN obeys when it runs.
   */
  boolean accepts(AlgoPerf perf, boolean strictMath) {
    if (!perf.ok() || perf.memory() > workspaceLimitBytes) return false;
    if (deterministic && !perf.deterministic()) return false;
    return !strictMath || mathType != CudnnEnums.FMA_MATH
        || perf.mathType() == CudnnEnums.FMA_MATH || perf.mathType() == CudnnEnums.DEFAULT_MATH;
  }
}
