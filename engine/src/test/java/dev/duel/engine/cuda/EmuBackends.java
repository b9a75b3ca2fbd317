package dev.duel.engine.cuda;

import dev.duel.engine.Backend;
import dev.duel.engine.Buffer;
import dev.duel.engine.Devices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;

/**
 * The cuda-emu backends the tests compare with the CPU backend: {@code library} (the stand-in cuBLAS
 * and cuDNN) and {@code kernels} (Duel's SGEMM, im2col and batchnorm kernels). When the emulation
 * libraries were not built (no g++), the tests using them are skipped with the reason.
 */
final class EmuBackends {
  private static CudaBackend library, kernels;
  private static String unavailable;

  private EmuBackends() {}

  private static synchronized void start() {
    if (library != null || unavailable != null) return;
    try {
      library = CudaBackends.get("cuda-emu", CudaOptions.defaults());
      kernels = CudaBackends.get("cuda-emu", CudaOptions.kernelsOnly());
    } catch (CudaUnavailableException e) {
      unavailable = e.getMessage();
    }
  }

  /** cuda-emu over the stand-in cuBLAS and cuDNN; both must be in use when the stand-in cuDNN was built. */
  static CudaBackend library() {
    start();
    Assumptions.assumeTrue(unavailable == null, () -> "cuda-emu SKIPPED: " + unavailable);
    if (Files.isRegularFile(fakeCudnn()) && !library.convPath().equals("cudnn")) {
      throw new AssertionError("the stand-in cuDNN at " + fakeCudnn() + " exists but is not used: " + library.describe());
    }
    if (!library.gemmPath().equals("cublas")) throw new AssertionError("stand-in cuBLAS not used: " + library.describe());
    return library;
  }

  /** cuda-emu with every op on Duel's kernels. */
  static CudaBackend kernels() {
    start();
    Assumptions.assumeTrue(unavailable == null, () -> "cuda-emu SKIPPED: " + unavailable);
    return kernels;
  }

  /** Both, named for the test report. */
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
