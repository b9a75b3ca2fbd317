package dev.duel.engine.cuda;

import dev.duel.engine.Backend;
import dev.duel.engine.Buffer;
import dev.duel.engine.Devices;
import dev.duel.kernels.EmulationLibraries;
import dev.duel.kernels.FakeCuda;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;

/**
 * The CUDA device these tests compare with the CPU backend: {@code cuda} where a usable GPU is found
 * (Cuda.isAvailable()), else {@code cuda-emu}. Two backends over it: {@code library} (cuBLAS and
 * cuDNN, the stand-ins under emulation) and {@code kernels} (Duel's SGEMM, im2col and batchnorm
 * kernels). When neither device can start (no GPU, emulation not built), the tests skip with the reason.
 * A JVM runs one of the two devices; tests that need the emulator's controls call {@link #assumeEmulated()}.
 */
final class TestCuda {
  private static CudaBackend library, kernels;
  private static String unavailable;

  private TestCuda() {}

  /** "cuda" when a GPU is usable here, else "cuda-emu". */
  static String deviceName() {
    return Cuda.isAvailable() ? "cuda" : "cuda-emu";
  }

  private static synchronized void start() {
    if (library != null || unavailable != null) return;
    String name = deviceName();
    try {
      library = CudaBackends.get(name, CudaOptions.defaults());
      kernels = CudaBackends.get(name, CudaOptions.kernelsOnly());
    } catch (IllegalStateException e) {   // CudaUnavailableException, or the other device runs in this JVM
      unavailable = e.getMessage();
    }
  }

  /** cuBLAS and cuDNN where they load (under emulation both stand-ins must be in use). */
  static CudaBackend library() {
    start();
    Assumptions.assumeTrue(unavailable == null, () -> "CUDA tests SKIPPED: " + unavailable);
    if (fake(library) != null) {
      if (Files.isRegularFile(fakeCudnn()) && !library.convPath().equals("cudnn")) {
        throw new AssertionError("the stand-in cuDNN at " + fakeCudnn() + " exists but is not used: " + library.describe());
      }
      if (!library.gemmPath().equals("cublas")) throw new AssertionError("stand-in cuBLAS not used: " + library.describe());
    }
    return library;
  }

  /** Every op on Duel's kernels. */
  static CudaBackend kernels() {
    start();
    Assumptions.assumeTrue(unavailable == null, () -> "CUDA tests SKIPPED: " + unavailable);
    return kernels;
  }

  /** Skips the caller unless the device under test is cuda-emu (it needs the stand-in driver's controls). */
  static void assumeEmulated() {
    Assumptions.assumeTrue(fake(kernels()) != null, "needs cuda-emu's stand-in driver; this JVM runs a GPU");
  }

  /**
   * The stand-in driver's test controls (failing allocations, counting memory and launches) under
   * cuda-emu, null on a real GPU. Test code only: the backend itself holds just the emulation's loader.
   */
  static FakeCuda fake(CudaBackend be) {
    EmulationLibraries emu = be.device().emulation;
    return emu == null ? null : emu.control();
  }

  /** Both backends, named for the test report. */
  static Stream<Named<CudaBackend>> both() {
    return Stream.of(Named.of("library", library()), Named.of("kernels", kernels()));
  }

  static Path fakeCudnn() {
    String p = System.getProperty("duel.emu.cudnn");
    return Path.of(p == null ? "target/native/libcudnn.so.9" : p);
  }

  static Backend cpu() {
    return Devices.cpu();
  }

  /** A buffer of {@code be} holding {@code data}. */
  static Buffer of(Backend be, float[] data) {
    Buffer b = be.allocate(data.length);
    be.upload(data, 0, b, 0, data.length);
    return b;
  }

  static float[] get(Backend be, Buffer b) {
    float[] out = new float[(int) b.size()];
    be.download(b, 0, out, 0, out.length);
    return out;
  }
}
