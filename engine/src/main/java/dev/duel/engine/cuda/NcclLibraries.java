package dev.duel.engine.cuda;

import dev.duel.engine.cuda.nccl.NcclLibrary;
import dev.duel.kernels.EmulationLibraries;
import dev.duel.kernels.KernelBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which libnccl.so.2 a device uses, loaded once per JVM. {@code cuda}: the search of {@link CudaLibraries}
 * (-Dduel.nccl.path / DUEL_NCCL_PATH, DUEL_CUDA_LIBDIRS, the dynamic linker, CUDA_HOME, the
 * nvidia-nccl-cu12/-cu13 wheels of python3). {@code cuda-emu}: Duel's stand-in, -Dduel.emu.nccl /
 * DUEL_EMU_NCCL, else libnccl.so.2 beside the stand-in driver. Neither starts a device.
 */
public final class NcclLibraries {
  static final String EMU_PROPERTY = "duel.emu.nccl", EMU_ENV = "DUEL_EMU_NCCL";

  private static NcclLibrary real, emulated;

  private NcclLibraries() {}

  /**
   * The NCCL of {@code device} ("cuda" or "cuda-emu"), loaded on first use.
   *
   * @throws IllegalStateException naming where it looked and the fix when there is none
   */
  public static synchronized NcclLibrary forDevice(String device) {
    boolean emu = switch (device.toLowerCase(Locale.ROOT).trim()) {
      case "cuda-emu" -> true;
      case "cuda" -> false;
      default -> throw new IllegalArgumentException("data-parallel training runs on NCCL, which needs --device cuda or"
          + " cuda-emu, not " + device);
    };
    if (emu) {
      if (emulated == null) {
        Path p = emulatedPath();
        if (p == null || !Files.isRegularFile(p)) {
          throw new IllegalStateException("cuda-emu: the stand-in " + NcclLibrary.SONAME + " was not found ("
              + (p == null ? "no emulation libraries" : p + " is missing") + "); rebuild the kernels module"
              + " (./mvnw -pl kernels package) or set -D" + EMU_PROPERTY + " / " + EMU_ENV);
        }
        emulated = NcclLibrary.open(p, "Duel's stand-in for cuda-emu");
      }
      return emulated;
    }
    if (real == null) {
      CudaLibraries.Search s = CudaLibraries.nccl(CudaLibraries.system(), false);
      if (s.found() == null) throw new IllegalStateException(s.reason());
      real = NcclLibrary.open(s.found().file(), s.found().where());
    }
    return real;
  }

  /** ncclGetUniqueId of {@code device}'s NCCL: made by rank 0, handed to every rank by the rendezvous. */
  public static byte[] uniqueId(String device) {
    return forDevice(device).uniqueId();
  }

  /** -Dduel.emu.nccl / DUEL_EMU_NCCL, else beside the emulation libraries; null when there are none. */
  static Path emulatedPath() {
    for (String p : new String[] {System.getProperty(EMU_PROPERTY), System.getenv(EMU_ENV)}) {
      if (p != null && !p.isBlank()) return Path.of(p.strip());
    }
    try {
      return KernelBinaries.findEmulation().map(e -> e.directory().resolve(EmulationLibraries.NCCL)).orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
