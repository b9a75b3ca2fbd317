package dev.duel.gan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Devices;
import dev.duel.gan.train.TrainConfig;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The CLI's one device rule (DeviceOptions) and its one place for commands (this package). */
class DeviceOptionsTest {
  private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

  /** Every command that runs the engine, by qualified name. */
  private static final List<String> ENGINE_COMMANDS = List.of("duel train", "duel sample", "duel translate", "duel interpolate", "duel gradcheck",
      "duel eval", "duel demo game1d", "duel demo ring", "duel demo dirac", "duel classifier train", "duel classifier calibrate");

  @AfterEach
  void clearProperty() {
    System.clearProperty(Devices.PROPERTY);
  }

  private static List<CommandSpec> allCommands() {
    List<CommandSpec> out = new ArrayList<>();
    collect(Main.commandLine(new Main.Io(QUIET, QUIET, false)), out);
    return out;
  }

  private static void collect(CommandLine c, List<CommandSpec> out) {
    out.add(c.getCommandSpec());
    for (CommandLine sub : c.getSubcommands().values()) collect(sub, out);
  }

  @Test
  void everyEngineCommandTakesDeviceFromTheMixinAndNoOtherDeclaresIt() {
    List<String> withDevice = new ArrayList<>();
    for (CommandSpec spec : allCommands()) {
      assertEquals("dev.duel.gan.cli", spec.userObject().getClass().getPackageName(), spec.qualifiedName() + " lives in gan.cli");
      OptionSpec o = spec.findOption("--device");
      if (o == null) continue;
      withDevice.add(spec.qualifiedName());
      assertEquals(DeviceOptions.class, ((Field) o.userObject()).getDeclaringClass(), spec.qualifiedName() + "'s --device");
    }
    assertEquals(ENGINE_COMMANDS.stream().sorted().toList(), withDevice.stream().sorted().toList());
  }

  @Test
  void theNamedDeviceComesFromTheOptionThenTheEnvironmentThenTheDetectedDefault() {
    DeviceOptions d = new DeviceOptions();
    assertEquals(Devices.defaultName(), d.name());
    System.setProperty(Devices.PROPERTY, "cuda-emu");            // what DUEL_DEVICE does, settable in a test
    assertEquals("cuda-emu", d.name());
    assertEquals("-Dduel.device=cuda-emu", DeviceOptions.describeDefault());
    d.device = "cpu";
    assertEquals("cpu", d.name());
    assertTrue(d.given());
  }

  @Test
  void anUnknownDefaultDeviceIsAUsageErrorSayingWhereItCameFrom() {
    System.setProperty(Devices.PROPERTY, "tpu");
    CliTest.Result r = CliTest.duel("gradcheck", "--op", "matmul");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("-Dduel.device 'tpu' is not a device; choose one of cpu, cuda, cuda-emu"), r.err());
    r = CliTest.duel("gradcheck", "--device", "tpu");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--device 'tpu' is not a device"), r.err());
  }

  @Test
  void theDefaultDeviceReachesTheCommandsThatUsedToSayCpu() {
    System.setProperty(Devices.PROPERTY, "cpu");
    CliTest.Result r = CliTest.duel("gradcheck", "--op", "matmul");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("on cpu"), r.out());
  }

  @Test
  void trainHasOneOptionPerConfigKey() {
    CommandSpec train = Main.commandLine(new Main.Io(QUIET, QUIET, false)).getSubcommands().get("train").getCommandSpec();
    for (String key : TrainConfig.KEYS) assertTrue(train.findOption("--" + key) != null, "duel train --" + key);
  }
}
