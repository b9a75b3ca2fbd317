package dev.duel.engine.cuda;

import dev.duel.engine.cuda.cudnn.CudnnConvOptions;
import java.util.Locale;

/**
 * The CUDA backend's settings: a system property, else an environment variable, else the default.
 *
 * <table>
 *   <tr><th>property</th><th>environment</th><th>values</th><th>default</th></tr>
 *   <tr><td>duel.cuda.gemm</td><td>DUEL_CUDA_GEMM</td><td>auto, cublas, kernels</td><td>auto</td></tr>
 *   <tr><td>duel.cuda.conv</td><td>DUEL_CUDA_CONV</td><td>auto, cudnn, kernels (conv and batch norm)</td><td>auto</td></tr>
 *   <tr><td>duel.cuda.sync</td><td>DUEL_CUDA_SYNC</td><td>true/1: synchronise after every op</td><td>false</td></tr>
 *   <tr><td>duel.cuda.cudnn.search</td><td>DUEL_CUDA_CUDNN_SEARCH</td><td>measured, heuristic</td><td>measured</td></tr>
 *   <tr><td>duel.cublas.path, duel.cudnn.path, duel.cuda.libdirs</td><td>DUEL_CUBLAS_PATH, DUEL_CUDNN_PATH,
 *       DUEL_CUDA_LIBDIRS</td><td>where the libraries are (see {@link CudaLibraries})</td><td>searched</td></tr>
 * </table>
 */
final class CudaSettings {
  static final String GEMM = "duel.cuda.gemm";
  static final String CONV = "duel.cuda.conv";
  static final String SYNC = "duel.cuda.sync";
  static final String CUDNN_SEARCH = "duel.cuda.cudnn.search";

  private CudaSettings() {}

  static String get(String property) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) v = System.getenv(property.toUpperCase(Locale.ROOT).replace('.', '_'));
    return v == null || v.isBlank() ? null : v.strip().toLowerCase(Locale.ROOT);
  }

  static <E extends Enum<E>> E choice(String property, Class<E> type, E fallback) {
    String v = get(property);
    if (v == null) return fallback;
    for (E e : type.getEnumConstants()) {
      if (e.name().toLowerCase(Locale.ROOT).equals(v)) return e;
    }
    StringBuilder allowed = new StringBuilder();
    for (E e : type.getEnumConstants()) allowed.append(allowed.isEmpty() ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
    throw new IllegalArgumentException(property + " (or " + property.toUpperCase(Locale.ROOT).replace('.', '_') + ") = '"
        + v + "' is not one of " + allowed);
  }

  static boolean flag(String property) {
    String v = get(property);
    return v != null && (v.equals("true") || v.equals("1") || v.equals("yes") || v.equals("on"));
  }

  /** cuDNN's algorithm choice: measured (cudnnFind*Ex, once per shape) unless duel.cuda.cudnn.search=heuristic. */
  static CudnnConvOptions convOptions() {
    return CudnnConvOptions.defaults().withSearch(choice(CUDNN_SEARCH, CudnnConvOptions.AlgoSearch.class,
        CudnnConvOptions.AlgoSearch.MEASURED));
  }
}
