package dev.duel.engine.cuda;

import dev.duel.engine.Backend;
import java.util.Locale;

/**
 * The entry point {@link dev.duel.engine.Devices} calls (reflectively) for {@code cuda} and
 * {@code cuda-emu}: one {@link CudaBackend} per device name with the options of
 * {@link CudaOptions#fromSettings()}, and further backends over the same device with other options.
 */
public final class CudaBackends {
  private static CudaBackend real, emulated;

  private CudaBackends() {}

  /**
   * The backend for {@code cuda} (the system's GPU) or {@code cuda-emu} (Duel's emulated GPU), started on
   * first use with the settings' options.
   *
   * @throws CudaUnavailableException when the device cannot start (the message says why and what to do)
   * @throws IllegalStateException    when the JVM already runs the other of the two
   */
  public static synchronized Backend get(String name) {
    DriverMode mode = mode(name);
    if (mode == DriverMode.EMULATED) {
      if (emulated == null) emulated = create(mode, CudaOptions.fromSettings());
      return emulated;
    }
    if (real == null) real = create(mode, CudaOptions.fromSettings());
    return real;
  }

  /** A backend over the same device with other options (e.g. both GEMM paths side by side). */
  public static CudaBackend get(String name, CudaOptions options) {
    return create(mode(name), options);
  }

  /**
   * Lines for {@code duel info}, starting nothing that is not started yet: the system GPU (the driver
   * probe), whether the emulation libraries are present, each started backend's libraries, and (unless this
   * JVM runs cuda-emu) the cuBLAS and cuDNN that {@code cuda} would load, or where they were looked for and
   * the fix ({@link #libraryLines}).
   */
  public static synchronized java.util.List<String> info() {
    java.util.List<String> lines = new java.util.ArrayList<>();
    lines.add(real != null ? real.describe() : Cuda.probe().describe());
    if (emulated != null) {
      lines.add(emulated.describe());
    } else {
      String emu;
      try {
        emu = dev.duel.kernels.KernelBinaries.findEmulation().map(e -> "cuda-emu: available (emulation libraries in "
            + e.directory() + ")").orElse("cuda-emu: not available: the emulation libraries are not on the classpath"
            + " (duel-kernels jar with classifier 'emu', or -Dduel.emu.dir)");
      } catch (RuntimeException e) {
        emu = "cuda-emu: not available: " + e.getMessage();
      }
      lines.add(emu);
    }
    // in a JVM that runs cuda-emu the stand-ins answer the loader probes: a search for `cuda` would describe them
    if (DriverMode.bound() != DriverMode.EMULATED) lines.addAll(libraryLines(CudaLibraries.system()));
    return lines;
  }

  /**
   * What {@code cuda} would load for cuBLAS and cuDNN, where from and through which binding; for a missing
   * library a second line with the fix. Probes the dynamic linker and asks python3 for its wheels; loads nothing
   * for good.
   */
  static java.util.List<String> libraryLines(CudaLibraries.Env env) {
    java.util.List<String> lines = new java.util.ArrayList<>();
    for (CudaLibraries.Search s : new CudaLibraries.Search[] {CudaLibraries.cublas(env, false),
        CudaLibraries.cudnn(env, false), CudaLibraries.nccl(env, false)}) {
      CudaLibraries.Found f = s.found();
      if (f == null) {
        lines.add("  " + s.library() + ": not found" + (s.problem() != null ? " (" + s.problem() + ")"
            : " (looked in: " + String.join("; ", s.looked()) + ")"));
        lines.add("    fix: " + s.fix());
        continue;
      }
      String binding = s.library().equals("cuBLAS")
          ? (f.byLoader() && f.major() == 12 ? " -> JCublas" : " -> Duel's FFM binding") : " -> Duel's FFM binding";
      String lt = "";
      if (s.library().equals("cuBLAS") && f.file() != null && f.major() > 0) {
        java.nio.file.Path p = CudaLibraries.companion(env, "libcublasLt.so." + f.major(), f.file().getParent());
        lt = p != null ? "; needs libcublasLt.so." + f.major() + ", loaded first from " + p
            : env.loadable("libcublasLt.so." + f.major()) ? "" : "; libcublasLt.so." + f.major() + " NOT found: "
            + CudaLibraries.CUBLAS_FIX;
      }
      lines.add("  " + s.library() + ": " + f.describe() + binding + lt);
    }
    return lines;
  }

  private static CudaBackend create(DriverMode mode, CudaOptions options) {
    if (DriverMode.bound() != null && DriverMode.bound() != mode) throw DriverMode.conflict(mode);
    return new CudaBackend(CudaDevice.get(mode), options);
  }

  private static DriverMode mode(String name) {
    return switch (name.toLowerCase(Locale.ROOT).trim()) {
      case "cuda" -> DriverMode.REAL;
      case "cuda-emu" -> DriverMode.EMULATED;
      default -> throw new IllegalArgumentException("CudaBackends: unknown device '" + name + "': use cuda or cuda-emu");
    };
  }
}
