package dev.duel.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * The backends every device-parameterised test runs on: {@code cpu} always, plus {@code cuda-emu} and
 * {@code cuda} when {@link Devices#get} can start them. An absent device is reported once on stderr
 * (its tests are skipped, not failed). Use as
 * {@code @ParameterizedTest @MethodSource("dev.duel.engine.TestDevices#all") void t(Backend be)}.
 */
public final class TestDevices {
  private static final List<Backend> AVAILABLE = probe();

  private TestDevices() {}

  /** The available backends, each named by its device name in the test report. */
  public static Stream<Named<Backend>> all() {
    return AVAILABLE.stream().map(b -> Named.of(b.name(), b));
  }

  /** The available backends as a list. */
  public static List<Backend> list() {
    return AVAILABLE;
  }

  private static List<Backend> probe() {
    List<Backend> found = new ArrayList<>();
    found.add(Devices.cpu());
    for (String name : new String[] {"cuda-emu", "cuda"}) {
      try {
        found.add(Devices.get(name));
      } catch (RuntimeException | LinkageError e) {
        System.err.println("[TestDevices] device '" + name + "' not available, its tests are SKIPPED: " + e.getMessage());
      }
    }
    return List.copyOf(found);
  }
}
