package dev.duel.engine.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Is there a GPU Duel can use? Answers without JCuda (whose native library cannot be unloaded or
 * retried once it failed to link): the driver {@code libcuda.so.1} is opened with the FFM API and asked
 * for its version, its devices and their compute capability. Never throws.
 *
 * <p>A GPU is usable when libcuda.so.1 loads, {@code cuDriverGetVersion} ≥ {@value #MIN_DRIVER_VERSION}
 * (nvcc 13 emits PTX ISA 9.0 and cubins that need a CUDA 13 driver, NVIDIA R580 or newer),
 * {@code cuInit} succeeds, there is at least one device, and device 0 has compute capability ≥ 7.5
 * (the fatbin's oldest SASS is sm_75).
 */
public final class Cuda {
  /** cuDriverGetVersion of a CUDA 13.0 driver. */
  public static final int MIN_DRIVER_VERSION = 13000;
  /** The oldest compute capability (major·10 + minor) the fatbin runs on. */
  public static final int MIN_COMPUTE_CAPABILITY = 75;
  static final String DRIVER = "libcuda.so.1";
  private static final String FIX = " Use --device cpu (or --device cuda-emu, Duel's emulated GPU, to test the CUDA code path).";

  /**
   * What the probe found.
   *
   * @param reason        null when usable, else one sentence saying what is missing and what to do
   * @param driverVersion cuDriverGetVersion (e.g. 13000), 0 when unknown
   * @param devices       cuDeviceGetCount, 0 when unknown
   * @param name          device 0's name, "" when unknown
   * @param capability    device 0's compute capability as major·10 + minor, 0 when unknown
   * @param totalMemory   device 0's memory in bytes, 0 when unknown
   */
  public record Probe(String reason, int driverVersion, int devices, String name, int capability, long totalMemory) {
    public boolean available() {
      return reason == null;
    }

    /** One line for logs and {@code duel info}. */
    public String describe() {
      if (!available()) return "cuda: not available: " + reason;
      return "cuda: " + name + " (compute capability " + capability / 10 + "." + capability % 10 + ", "
          + totalMemory / (1 << 20) + " MiB), driver " + versionString(driverVersion) + ", " + devices + " device(s)";
    }
  }

  private static volatile Probe cached;

  private Cuda() {}

  /** True when the real driver and a usable GPU are present. Never throws. */
  public static boolean isAvailable() {
    return probe().available();
  }

  /** Why {@code cuda} cannot run here (names what is missing and suggests {@code --device cpu}), or null. */
  public static String unavailableReason() {
    return probe().reason();
  }

  /** The probe of the system's {@code libcuda.so.1}, run once per JVM. */
  public static Probe probe() {
    if (DriverMode.bound() == DriverMode.EMULATED) {
      return new Probe("this JVM runs the emulated GPU (cuda-emu), whose stand-in libcuda.so.1 is loaded in place of"
          + " the real driver; start a separate JVM for device 'cuda'.", 0, 0, "", 0, 0);
    }
    Probe p = cached;
    if (p == null) {
      synchronized (Cuda.class) {
        p = cached;
        if (p == null) cached = p = probe(DRIVER);
      }
    }
    return p;
  }

  /** True when a probe found (and so loaded) the real driver in this JVM. */
  static boolean driverLoaded() {
    Probe p = cached;
    return p != null && p.available();
  }

  /** Probes the named driver library (a soname or a path). Never throws; keeps a usable driver loaded. */
  static Probe probe(String library) {
    Arena arena = Arena.ofShared();
    try {
      SymbolLookup lib;
      try {
        lib = SymbolLookup.libraryLookup(library, arena);
      } catch (IllegalArgumentException e) {
        arena.close();
        return new Probe("no NVIDIA driver: " + library + " was not found by the dynamic linker (install the NVIDIA"
            + " driver R580 or newer; in a container, run it with the GPU exposed, e.g. docker --gpus all)." + FIX,
            0, 0, "", 0, 0);
      }
      Probe p = query(lib);
      if (!p.available()) arena.close();   // a usable driver stays loaded: JCuda binds the same library next
      return p;
    } catch (Throwable t) {
      if (arena.scope().isAlive()) arena.close();
      return new Probe("probing " + library + " failed: " + t + "." + FIX, 0, 0, "", 0, 0);
    }
  }

  private static Probe query(SymbolLookup lib) throws Throwable {
    Linker linker = Linker.nativeLinker();
    MethodHandle driverVersion = fn(linker, lib, "cuDriverGetVersion", ADDRESS);
    MethodHandle init = fn(linker, lib, "cuInit", JAVA_INT);
    MethodHandle count = fn(linker, lib, "cuDeviceGetCount", ADDRESS);
    MethodHandle get = fn(linker, lib, "cuDeviceGet", ADDRESS, JAVA_INT);
    MethodHandle attribute = fn(linker, lib, "cuDeviceGetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
    MethodHandle getName = fn(linker, lib, "cuDeviceGetName", ADDRESS, JAVA_INT, JAVA_INT);
    MethodHandle totalMem = linker.downcallHandle(lib.find("cuDeviceTotalMem_v2").orElseThrow(),
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    try (Arena a = Arena.ofConfined()) {
      MemorySegment i = a.allocate(JAVA_INT), l = a.allocate(JAVA_LONG), name = a.allocate(256);
      int r = (int) driverVersion.invokeExact(i);
      int version = r == 0 ? i.get(JAVA_INT, 0) : 0;
      String reason = checkDriver(r, version);
      if (reason != null) return new Probe(reason, version, 0, "", 0, 0);
      r = (int) init.invokeExact(0);
      if (r != 0) return new Probe(initFailure(r), version, 0, "", 0, 0);
      r = (int) count.invokeExact(i);
      int devices = r == 0 ? i.get(JAVA_INT, 0) : 0;
      if (devices <= 0) {
        return new Probe("the NVIDIA driver (" + versionString(version) + ") sees no GPU" + (r != 0 ? " ("
            + CudaErrors.name(r) + ")" : "") + "; check nvidia-smi and CUDA_VISIBLE_DEVICES." + FIX, version, 0, "", 0, 0);
      }
      check((int) get.invokeExact(i, 0), "cuDeviceGet");
      int dev = i.get(JAVA_INT, 0);
      check((int) attribute.invokeExact(i, 75, dev), "cuDeviceGetAttribute(COMPUTE_CAPABILITY_MAJOR)");
      int major = i.get(JAVA_INT, 0);
      check((int) attribute.invokeExact(i, 76, dev), "cuDeviceGetAttribute(COMPUTE_CAPABILITY_MINOR)");
      int cc = major * 10 + i.get(JAVA_INT, 0);
      check((int) getName.invokeExact(name, 256, dev), "cuDeviceGetName");
      String deviceName = name.getString(0);
      check((int) totalMem.invokeExact(l, dev), "cuDeviceTotalMem");
      long mem = l.get(JAVA_LONG, 0);
      String why = checkCapability(deviceName, cc);
      return new Probe(why, version, devices, deviceName, cc, mem);
    }
  }

  /** The verdict on cuDriverGetVersion's result; null when the driver is new enough. */
  static String checkDriver(int result, int version) {
    if (result != 0) {
      return "the NVIDIA driver did not report its version (" + CudaErrors.name(result) + ")." + FIX;
    }
    if (version < MIN_DRIVER_VERSION) {
      return "the NVIDIA driver supports CUDA " + versionString(version) + " (cuDriverGetVersion = " + version
          + "), but Duel's kernels are built by nvcc 13 and need a CUDA 13 driver (R580 or newer): update the"
          + " NVIDIA driver." + FIX;
    }
    return null;
  }

  /** The verdict on device 0's compute capability (major·10 + minor); null when the fatbin runs on it. */
  static String checkCapability(String device, int capability) {
    if (capability >= MIN_COMPUTE_CAPABILITY) return null;
    return "GPU " + device + " has compute capability " + capability / 10 + "." + capability % 10
        + ", but Duel's kernels need 7.5 (Turing) or newer." + FIX;
  }

  private static String initFailure(int r) {
    String hint = switch (r) {
      case 100 -> "no CUDA-capable GPU is visible (check nvidia-smi and CUDA_VISIBLE_DEVICES)";
      case 34 -> "libcuda.so.1 is the CUDA toolkit's stub, not a driver (install the NVIDIA driver)";
      case 35 -> "the driver is older than the CUDA runtime it serves (update the NVIDIA driver)";
      case 999 -> "the driver failed to initialise (is the nvidia kernel module loaded? see dmesg)";
      default -> "see nvidia-smi";
    };
    return "cuInit failed with " + CudaErrors.name(r) + ": " + hint + "." + FIX;
  }

  private static void check(int r, String call) {
    if (r != 0) throw new IllegalStateException(call + " failed with " + CudaErrors.name(r));
  }

  private static MethodHandle fn(Linker linker, SymbolLookup lib, String name, java.lang.foreign.MemoryLayout... args) {
    MemorySegment f = lib.find(name).orElseThrow(() -> new IllegalStateException(DRIVER + " lacks " + name));
    return linker.downcallHandle(f, FunctionDescriptor.of(JAVA_INT, args));
  }

  /** 13000 -> "13.0". */
  static String versionString(int v) {
    return v / 1000 + "." + v % 1000 / 10;
  }
}
