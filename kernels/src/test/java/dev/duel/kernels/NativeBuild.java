package dev.duel.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Where the tests find the kernels module and its native build (kernels/build.sh maven made it). */
final class NativeBuild {
  private NativeBuild() {}

  /** The kernels module directory (system property duel.kernels.dir, set by the pom). */
  static Path moduleDir() {
    String d = System.getProperty("duel.kernels.dir");
    Path p = d != null ? Path.of(d) : Path.of("").toAbsolutePath();
    if (!Files.isRegularFile(p.resolve("build.sh")) && Files.isRegularFile(p.resolve("kernels/build.sh"))) p = p.resolve("kernels");
    return p;
  }

  static Path cudaDir() { return moduleDir().resolve("src/main/cuda"); }

  static Path nativeDir() { return moduleDir().resolve("target/native"); }

  /**
   * Skips the calling test, visibly, when the native build was skipped (no g++, not x86-64 Linux, or
   * -Dduel.native.skip=true); fails it when the build should be there and is not.
   */
  static void requireNative() {
    Path skipped = nativeDir().resolve("SKIPPED");
    if (Files.isRegularFile(skipped)) {
      Assumptions.abort("native build skipped: " + read(skipped).trim());
    }
    if (Boolean.getBoolean("duel.native.skip")) Assumptions.abort("native build disabled (-Dduel.native.skip=true)");
    if (!Files.isRegularFile(nativeDir().resolve("tests/kernel_tests"))) {
      fail("the native build is missing (" + nativeDir().resolve("tests/kernel_tests")
          + "): run the Maven build (generate-resources) or kernels/build.sh native");
    }
  }

  static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
