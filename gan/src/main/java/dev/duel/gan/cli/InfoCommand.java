package dev.duel.gan.cli;

import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.engine.cpu.CpuModel;
import dev.duel.gan.data.FashionMnist;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import picocli.CommandLine.Command;

/** {@code duel info}: what this machine offers Duel: devices, libraries, versions, cores, SIMD width. */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Show the devices Duel finds (starting each one), the libraries they load, versions, CPU cores, "
        + "the JDK and the Vector API's preferred species.",
    footer = {"", "Example:", "  duel info"})
final class InfoCommand implements Callable<Integer> {
  private final Main.Io io;

  InfoCommand(Main.Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    var p = io.out();
    p.println("duel " + Main.version());
    p.println(String.format(Locale.ROOT, "  java        %s (%s), %s", Runtime.version(), System.getProperty("java.vendor"),
        System.getProperty("java.home")));
    p.println(String.format(Locale.ROOT, "  os          %s %s (%s)", System.getProperty("os.name"), System.getProperty("os.version"),
        System.getProperty("os.arch")));
    p.println(String.format(Locale.ROOT, "  cpu         %s, %d cores available; common pool parallelism %d",
        CpuModel.HOST.describe(), Runtime.getRuntime().availableProcessors(), ForkJoinPool.getCommonPoolParallelism()));
    p.println(String.format(Locale.ROOT, "  heap        %.1f GiB max, %s", Runtime.getRuntime().maxMemory() / (double) (1L << 30),
        hugePages()));
    p.println("  vector api  " + vectorSpecies());
    p.println("  default     " + DeviceOptions.describeDefault());
    p.println("devices");
    for (String name : Devices.NAMES) p.println(String.format(Locale.ROOT, "  %-10s  %s", name, probe(name)));
    p.println("data");
    try {
      Path f = FashionMnist.locate(null);
      p.println("  fashion-mnist  " + f);
    } catch (Exception e) {
      p.println("  fashion-mnist  not found: " + Main.describe(e));
    }
    return 0;
  }

  /** "ok (...)" or "unavailable: <the backend's own message>". */
  private static String probe(String name) {
    try {
      Backend b = Devices.get(name);
      String desc = b.toString();
      boolean plain = desc.startsWith(b.getClass().getName() + "@");
      return "ok (" + b.getClass().getName() + (plain ? "" : ": " + desc) + ")";
    } catch (Throwable e) {
      return "unavailable: " + Main.describe(e);
    }
  }

  /**
   * FloatVector.SPECIES_PREFERRED and the CPU kernels' choices, or why they cannot be read: a CPU setting refused
   * while a kernel class initialises (e.g. -Dduel.sgemm.rows=9; an ExceptionInInitializerError is a LinkageError
   * too), else the incubator module not added.
   */
  private static String vectorSpecies() {
    try {
      return VectorProbe.describe();
    } catch (ExceptionInInitializerError e) {
      return "unavailable: " + Main.describe(e.getCause() != null ? e.getCause() : e);
    } catch (LinkageError e) {
      return "not enabled (run java with --add-modules jdk.incubator.vector; the duel launcher does)";
    }
  }

  /** Kept apart so that InfoCommand loads without the incubator module. */
  private static final class VectorProbe {
    static String describe() {
      var s = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
      return String.format(Locale.ROOT, "FloatVector preferred species %d bits (%d floats)%n  sgemm       %s%n  conv        %s",
          s.vectorBitSize(), s.length(), dev.duel.engine.cpu.Sgemm.describe(), dev.duel.engine.cpu.Conv2dCpu.describe());
    }
  }

  /**
   * Whether the heap asks for transparent huge pages (./duel passes -XX:+UseTransparentHugePages where THP
   * is madvise). Read through jdk.management, which a trimmed runtime (the GPU kit's jlink image) lacks.
   */
  private static String hugePages() {
    if (ModuleLayer.boot().findModule("jdk.management").isEmpty()) return "huge pages unknown (no jdk.management in this runtime)";
    try {
      var vm = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      return vm != null && "true".equals(vm.getVMOption("UseTransparentHugePages").getValue())
          ? "transparent huge pages on" : "transparent huge pages off";
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      return "huge pages unknown (" + e + ")";
    }
  }
}
