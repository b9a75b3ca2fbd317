package dev.duel.gan.cli;

import java.nio.file.Path;

/**
 * Paths as the user typed them. {@code ./duel} changes into the repository before starting Java, so the
 * JVM's working directory is not the user's; the launcher passes the caller's folder as
 * {@code -Dduel.cwd=DIR}, and every relative path of the command line (options, parameters, config
 * values, defaults) is resolved against it here. Without the property (Java started directly, the
 * tests) relative paths stay relative to the JVM's working directory.
 */
final class Cwd {
  static final String PROPERTY = "duel.cwd";

  private Cwd() {}

  /** {@code p} against the caller's folder; absolute paths are returned unchanged. */
  static Path resolve(Path p) {
    if (p == null || p.isAbsolute()) return p;
    String cwd = System.getProperty(PROPERTY, "");
    return cwd.isBlank() ? p : Path.of(cwd).resolve(p).normalize();
  }

  static Path resolve(String p) {
    return resolve(Path.of(p));
  }
}
