package dev.duel.kernels;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host emulation of CUDA (the {@code cuda-emu} device), three native libraries in one directory:
 * <ul>
 *   <li>{@code libcuda.so.1}: a stand-in CUDA driver; JCuda's natives bind to it by its soname;</li>
 *   <li>{@code libcublas.so.12}: a stand-in cuBLAS (host SGEMM with cuBLAS's column-major semantics);</li>
 *   <li>{@code libduel_kernels_emu.so}: Duel's kernels compiled for the CPU, which the stand-in driver runs
 *       when a module loaded from {@link KernelBinaries#fatbin()} is launched (it finds this file beside
 *       itself).</li>
 * </ul>
 * Call {@link #load()} before the first use of any JCuda class: the dynamic linker then satisfies JCuda's
 * {@code libcuda.so.1} (and JCublas's {@code libcublas.so.12}) with these instead of a real driver.
 *
 * @param directory where the three files are
 */
public record EmulationLibraries(Path directory) {

  public static final String DRIVER = "libcuda.so.1";
  public static final String CUBLAS = "libcublas.so.12";
  public static final String KERNELS = "libduel_kernels_emu.so";
  /** The stand-in NCCL (optional: multi-rank runs on cuda-emu), loaded through the engine's FFM binding. */
  public static final String NCCL = "libnccl.so.2";

  private static Path loaded;
  private static FakeCuda driverControls;   // of the loaded driver: lastError() for diagnostics

  public EmulationLibraries {
    for (String f : new String[] {DRIVER, CUBLAS, KERNELS}) {
      if (!Files.isRegularFile(directory.resolve(f))) {
        throw new IllegalStateException("CUDA emulation: " + directory.resolve(f) + " is missing; build it with "
            + "kernels/build.sh native (needs g++ on x86-64 Linux) or point -D" + KernelBinaries.EMU_DIR_PROPERTY
            + " at a directory holding " + DRIVER + ", " + CUBLAS + " and " + KERNELS);
      }
    }
  }

  public Path driver() { return directory.resolve(DRIVER); }

  public Path cublas() { return directory.resolve(CUBLAS); }

  public Path kernels() { return directory.resolve(KERNELS); }

  /** The stand-in libnccl.so.2 beside the driver (it may be absent in an older build). */
  public Path nccl() { return directory.resolve(NCCL); }

  /**
   * Loads the stand-in driver and cuBLAS into this JVM (once; later calls with the same directory do
   * nothing). Must run before JCuda loads its natives, or JCuda binds to whatever libcuda.so.1 the system
   * has (or fails to load without one).
   *
   * @throws IllegalStateException when a different emulation directory was loaded already
   */
  public void load() {
    synchronized (EmulationLibraries.class) {
      if (loaded != null) {
        if (!loaded.equals(directory.toAbsolutePath())) {
          throw new IllegalStateException("CUDA emulation: " + loaded + " is loaded already; cannot also load " + directory);
        }
        return;
      }
      System.load(driver().toAbsolutePath().toString());
      System.load(cublas().toAbsolutePath().toString());
      loaded = directory.toAbsolutePath();
    }
  }

  /**
   * {@link #load()}, then points the stand-in driver at the emulated kernels beside it
   * ({@code libduel_kernels_emu.so}), so that a module loaded from {@link KernelBinaries#fatbin()} runs
   * them. This and {@link #lastError()} are all a backend needs; the test controls are {@link #control()}.
   *
   * @return 0, or the CUresult of a kernel library that failed to load ({@link #lastError()} says why)
   */
  public int start() {
    load();
    return controls().setKernelLibraries(kernels());
  }

  /** The stand-in driver's last error message ("" if none), e.g. why a copy was refused: the detail of a failed call. */
  public String lastError() {
    return controls().lastError();
  }

  private FakeCuda controls() {
    synchronized (EmulationLibraries.class) {
      if (driverControls == null) driverControls = FakeCuda.open(driver());
      return driverControls;
    }
  }

  /**
   * The stand-in driver's test controls (failing allocations, counting memory); loads the libraries first.
   * For tests: a backend uses only {@link #start()} and {@link #lastError()}.
   */
  public FakeCuda control() {
    load();
    return controls();
  }
}
