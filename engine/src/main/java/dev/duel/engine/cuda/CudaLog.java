package dev.duel.engine.cuda;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The backend's few log lines (System.Logger "dev.duel.engine.cuda", WARNING), each at most once per JVM. */
final class CudaLog {
  private static final System.Logger LOG = System.getLogger("dev.duel.engine.cuda");
  private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

  private CudaLog() {}

  /** Logs {@code line} the first time {@code key} is seen. */
  static void once(String key, String line) {
    if (LOGGED.add(key)) LOG.log(System.Logger.Level.WARNING, "cuda: " + line);
  }
}
