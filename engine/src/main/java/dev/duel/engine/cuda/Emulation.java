package dev.duel.engine.cuda;

import dev.duel.engine.cuda.cudnn.Cudnn;
import dev.duel.kernels.EmulationLibraries;
import dev.duel.kernels.KernelBinaries;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code cuda-emu} device's libraries: Duel's stand-in {@code libcuda.so.1} and
 * {@code libcublas.so.12} (with the kernels compiled for the CPU) from the kernels module, loaded with
 * {@code System.load} before any JCuda class links its natives, so JCuda binds to them by soname; and
 * the stand-in {@code libcudnn.so.9}, found by {@link #cudnnPath()}.
 */
final class Emulation {
  /** System property naming the stand-in libcudnn.so.9 for cuda-emu. */
  static final String CUDNN_PROPERTY = "duel.emu.cudnn";
  static final String CUDNN_ENV = "DUEL_EMU_CUDNN";

  private static EmulationLibraries libraries;

  private Emulation() {}

  /**
   * Loads the stand-in driver and cuBLAS (once per JVM) and points the driver at the emulated kernels.
   * The emulation's test controls ({@code FakeCuda}) are not the backend's business: tests reach them
   * through {@link EmulationLibraries#control()}.
   *
   * @return the loaded libraries ({@link EmulationLibraries#lastError()} details a failed driver call)
   * @throws CudaUnavailableException when the emulation libraries are not built or not on the classpath
   */
  static synchronized EmulationLibraries load() {
    if (libraries != null) return libraries;
    EmulationLibraries emu;
    try {
      emu = KernelBinaries.emulation();
    } catch (RuntimeException e) {
      throw new CudaUnavailableException("cuda-emu", e.getMessage() + ". Use --device cpu.", e);
    }
    if (Cuda.driverLoaded()) throw DriverMode.conflict(DriverMode.EMULATED);
    DriverMode.bind(DriverMode.EMULATED);
    try {
      int r = emu.start();
      if (r != 0) {
        throw new CudaUnavailableException("cuda-emu", "the stand-in driver could not load the emulated kernels "
            + emu.kernels() + " (" + CudaErrors.name(r) + ": " + emu.lastError() + ")", null);
      }
      libraries = emu;
      return emu;
    } catch (UnsatisfiedLinkError e) {
      throw new CudaUnavailableException("cuda-emu", "the emulation libraries in " + emu.directory()
          + " did not load (" + e.getMessage() + "); rebuild them with kernels/build.sh native", e);
    }
  }

  /**
   * The stand-in cuDNN: {@code -Dduel.emu.cudnn} or {@code DUEL_EMU_CUDNN}, else {@code -Dduel.cudnn.path},
   * else {@code libcudnn.so.9} beside the emulated driver; null when none exists (conv and batchnorm then
   * run on Duel's kernels).
   */
  static synchronized Path cudnnPath() {
    for (String p : new String[] {System.getProperty(CUDNN_PROPERTY), System.getenv(CUDNN_ENV),
        System.getProperty(Cudnn.PATH_PROPERTY)}) {
      if (p != null && !p.isBlank()) return Path.of(p.strip());
    }
    if (libraries != null) {
      Path beside = libraries.directory().resolve(Cudnn.LIBRARY);
      if (Files.isRegularFile(beside)) return beside;
    }
    return null;
  }
}
