package dev.duel.gan.cli;

import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The one device rule of the command line, mixed into every command that runs the engine
 * ({@code @Mixin DeviceOptions devices}): {@code --device NAME}, else the {@code DUEL_DEVICE}
 * environment variable (or {@code -Dduel.device}), else the detected default
 * ({@link Devices#DETECTED_DEFAULT}: Duel does not pick a GPU by itself). No command declares its own
 * {@code --device} or default.
 */
public final class DeviceOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--device", paramLabel = "NAME",
      description = "cpu, cuda or cuda-emu (default: $DUEL_DEVICE, else cpu)")
  String device;

  /** Whether {@code --device} was given on the command line. */
  boolean given() {
    return device != null;
  }

  /** The device's name by the rule above. */
  String name() {
    return device != null ? device.strip() : Devices.defaultName();
  }

  /**
   * The device, started. A name that is not a device is a usage error (exit 2) that says where it came
   * from; a device that does not start is a runtime failure with the backend's own message (exit 1).
   */
  Backend backend() {
    String n = name();
    if (!Devices.NAMES.contains(n.toLowerCase(Locale.ROOT))) {
      throw new ParameterException(mixee.commandLine(), source() + " '" + n + "' is not a device; choose one of "
          + String.join(", ", Devices.NAMES));
    }
    return Devices.get(n);
  }

  /** Where the name came from: "--device", "DUEL_DEVICE" or "-Dduel.device" (null for the detected default). */
  private String source() {
    if (device != null) return "--device";
    String p = System.getProperty(Devices.PROPERTY);
    if (p != null && !p.isBlank()) return "-D" + Devices.PROPERTY;
    String e = System.getenv(Devices.ENV);
    return e != null && !e.isBlank() ? Devices.ENV : "the default device";
  }

  /** The default device and why, for {@code duel info}: "DUEL_DEVICE=cuda-emu", "-Dduel.device=cpu" or "cpu". */
  static String describeDefault() {
    String p = System.getProperty(Devices.PROPERTY);
    if (p != null && !p.isBlank()) return "-D" + Devices.PROPERTY + "=" + p;
    String e = System.getenv(Devices.ENV);
    if (e != null && !e.isBlank()) return Devices.ENV + "=" + e;
    return Devices.DETECTED_DEFAULT;
  }
}
