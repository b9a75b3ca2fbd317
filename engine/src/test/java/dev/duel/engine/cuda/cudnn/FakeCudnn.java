package dev.duel.engine.cuda.cudnn;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Locates and loads the stand-in libcudnn.so.9 that the engine's test build compiles. */
final class FakeCudnn {
  private FakeCudnn() {}

  /** Set by surefire (engine/pom.xml); falls back to the path the build writes. */
  static Path path() {
    String p = System.getProperty("duel.test.fakeCudnn");
    return Path.of(p != null && !p.isBlank() ? p : "target/native/libcudnn.so.9").toAbsolutePath();
  }

  /** Skips the calling test, with the reason, when the stand-in was not built. */
  static void assumeBuilt() {
    Path lib = path();
    Assumptions.assumeTrue(Files.isRegularFile(lib), () -> "stand-in cuDNN not built at " + lib
        + " (needs g++ on Linux; see the output of kernels/src/main/cpp/fakecudnn/build.sh in the build log)");
  }

  /** The stand-in, loaded through {@code duel.cudnn.path}'s code path; skips the test when it was not built. */
  static Cudnn loadOrSkip() {
    assumeBuilt();
    return load();
  }

  /** The stand-in, or null when it was not built (for {@code @BeforeAll}; pair with {@link #assumeBuilt}). */
  static Cudnn loadIfBuilt() {
    return Files.isRegularFile(path()) ? load() : null;
  }

  private static Cudnn load() {
    Cudnn cudnn = Cudnn.load(path().toString());
    if (!cudnn.isAvailable()) throw new AssertionError("stand-in did not load: " + cudnn.unavailableReason());
    return cudnn;
  }
}
