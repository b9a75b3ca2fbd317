package dev.duel.engine.cuda;

/**
 * Which CUDA driver this JVM is bound to. JCuda's native library links {@code libcuda.so.1} by its
 * soname once per process, so a JVM runs either the real driver ({@code cuda}) or Duel's stand-in
 * ({@code cuda-emu}), never both. No JCuda class is touched here: deciding must not load a driver.
 */
enum DriverMode {
  REAL("cuda"), EMULATED("cuda-emu");

  final String device;

  DriverMode(String device) {
    this.device = device;
  }

  private static DriverMode bound;

  /** The mode this JVM is bound to, or null before the first CUDA device starts. */
  static synchronized DriverMode bound() {
    return bound;
  }

  /**
   * Binds this JVM to {@code mode}; a no-op when it already is.
   *
   * @throws IllegalStateException when the JVM is bound to the other mode
   */
  static synchronized void bind(DriverMode mode) {
    if (bound == null) {
      bound = mode;
      return;
    }
    if (bound != mode) throw conflict(mode);
  }

  static IllegalStateException conflict(DriverMode wanted) {
    DriverMode other = wanted == REAL ? EMULATED : REAL;
    return new IllegalStateException("device '" + wanted.device + "' cannot start: this JVM already runs device '"
        + other.device + "', and JCuda binds libcuda.so.1 once per process (the real driver and Duel's stand-in"
        + " cannot both be loaded). Use one of them per JVM: run a separate process for '" + wanted.device + "'.");
  }
}
