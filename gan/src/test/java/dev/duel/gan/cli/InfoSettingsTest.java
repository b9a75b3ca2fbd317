package dev.duel.gan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * `duel info` in a child JVM (a refused setting fails a kernel class's initialisation for the rest of the JVM, so
 * not in this one): a bad CPU setting is named, not mistaken for the Vector API missing.
 */
class InfoSettingsTest {
  private static String info(String... jvmOptions) throws Exception {
    String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new java.util.ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
    cmd.addAll(List.of(jvmOptions));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.duel.gan.cli.Main", "info"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  @Test
  void aRefusedKernelSettingIsNamedNotTakenForAMissingVectorApi() throws Exception {
    String bad = info("-Dduel.sgemm.rows=9");
    assertTrue(bad.contains("vector api  unavailable: -Dduel.sgemm.rows=9 is not 4, 8 or 12"), bad);
    String good = info();
    assertTrue(good.contains("vector api  FloatVector preferred species"), good);
  }
}
