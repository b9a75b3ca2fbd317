package dev.duel.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * The backends every device-parameterised test runs on: {@code cpu} always, plus {@code cuda} when a GPU
 * is usable, else {@code cuda-emu} (one JVM cannot run both), when {@link Devices#get} can start them. An
 * absent device is reported once on stderr (its tests are skipped, not failed). Use as
 * {@code @ParameterizedTest @MethodSource("dev.duel.engine.TestDevices#all") void t(Backend be)}.
 */
public final class TestDevices {
  private static final List<Backend> AVAILABLE = probe();

  private TestDevices() {}

  /** The available backends, each named by its device name in the test report. */
  public static Stream<Named<Backend>> all() {
    return AVAILABLE.stream().map(b -> Named.of(b.name(), b));
  }

  /** The property that runs every device-parameterised case on cuda-emu, the slowest ones included. */
  public static final String EMU_FULL = "duel.test.emu.full";

  /**
   * Skips the calling case on {@code cuda-emu} unless {@code -Dduel.test.emu.full=true}: for the few
   * finite-difference checks that run thousands of forward passes, which the CPU emulation of the
   * kernels (tens of microseconds per launch) turns into minutes. {@code why} says what else covers it.
   */
  public static void assumeAffordable(Backend be, String why) {
    org.junit.jupiter.api.Assumptions.assumeFalse(be.name().equals("cuda-emu") && !Boolean.getBoolean(EMU_FULL),
        () -> "SKIPPED on cuda-emu (-D" + EMU_FULL + "=true runs it): " + why);
  }

  /** The available backends as a list. */
  public static List<Backend> list() {
    return AVAILABLE;
  }

  private static List<Backend> probe() {
    List<Backend> found = new ArrayList<>();
    found.add(Devices.cpu());
    // A JVM runs one CUDA device (JCuda binds libcuda.so.1 once): the real GPU when there is one, else cuda-emu.
    String[] order = dev.duel.engine.cuda.Cuda.isAvailable() ? new String[] {"cuda", "cuda-emu"}
        : new String[] {"cuda-emu", "cuda"};
    for (String name : order) {
      try {
        found.add(Devices.get(name));
      } catch (RuntimeException | LinkageError e) {
        System.err.println("[TestDevices] device '" + name + "' not available, its tests are SKIPPED: " + e.getMessage());
      }
    }
    return List.copyOf(found);
  }
}
