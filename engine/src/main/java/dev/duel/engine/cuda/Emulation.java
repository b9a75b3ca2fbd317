package dev.duel.engine.cuda;

import dev.duel.engine.cuda.cudnn.Cudnn;
import dev.duel.kernels.EmulationLibraries;
import dev.duel.kernels.FakeCuda;
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

  private static FakeCuda control;
  private static EmulationLibraries libraries;

  private Emulation() {}

  /**
   * Loads the stand-in driver and cuBLAS (once per JVM) and points the driver at the emulated kernels.
   *
   * @throws CudaUnavailableException when the emulation libraries are not built or not on the classpath
   */
  static synchronized FakeCuda load() {
    if (control != null) return control;
    EmulationLibraries emu;
    try {
      emu = KernelBinaries.emulation();
    } catch (RuntimeException e) {
      throw new CudaUnavailableException("cuda-emu", e.getMessage() + ". Use --device cpu.", e);
    }
    if (Cuda.driverLoaded()) throw DriverMode.conflict(DriverMode.EMULATED);
    DriverMode.bind(DriverMode.EMULATED);
    try {
      emu.load();
      FakeCuda fake = emu.control();
      int r = fake.setKernelLibraries(emu.kernels());
      if (r != 0) {
        throw new CudaUnavailableException("cuda-emu", "the stand-in driver could not load the emulated kernels "
            + emu.kernels() + " (" + CudaErrors.name(r) + ": " + fake.lastError() + ")", null);
      }
      libraries = emu;
      control = fake;
      return fake;
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

  /** The stand-in driver's controls (failing allocations, counting memory), once loaded. */
  static synchronized FakeCuda control() {
    return control;
  }
}
