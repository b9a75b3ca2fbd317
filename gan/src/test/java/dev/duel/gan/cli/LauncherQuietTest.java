package dev.duel.gan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The launcher's stderr filter (duel_exec_quiet in bin/jdk25.sh, used by ./duel): the JVM's
 * "WARNING: Using incubator modules" line is dropped, every other stderr line is kept, the exit code is
 * the command's.
 */
class LauncherQuietTest {
  static final String WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";
  static final Path JDK25_SH = Path.of("..", "bin", "jdk25.sh").toAbsolutePath().normalize();

  record Result(int exit, String stdout, String stderr) {}

  /**
   * Runs COMMAND through duel_exec_quiet inside a pipeline whose last stage copies the filtered stderr.
   * The pipeline is needed: the JVM keeps the launcher's PID and the filter outlives it by a moment, and
   * Java's Process drains a child's pipes once the child exits, so a plain ProcessBuilder read can lose the
   * filter's late lines (CI saw an empty stderr). A shell pipeline waits for its last stage, which reads to
   * EOF, and EOF comes only after the filter has closed its end.
   */
  static Result quiet(String... command) throws IOException, InterruptedException {
    String script = ". \"$0\"; { (duel_exec_quiet \"$@\"); echo $? > \"$DUEL_TEST_RC\"; } 2>&1 1>&3 3>&- | cat >&2";
    Path rcFile = Files.createTempFile("duel-quiet-rc", ".txt");
    List<String> cmd = new ArrayList<>(List.of("bash", "-c", "exec 3>&1; " + script, JDK25_SH.toString()));
    cmd.addAll(List.of(command));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("DUEL_TEST_RC", rcFile.toString());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "the test's pipeline itself failed: " + err);
    try {
      return new Result(Integer.parseInt(Files.readString(rcFile).strip()), out, err);
    } finally {
      Files.deleteIfExists(rcFile);
    }
  }

  @Test
  void theRealJvmsWarningIsDroppedAndItsErrorsAndExitCodeKept() throws Exception {
    assertTrue(Files.isRegularFile(JDK25_SH), JDK25_SH.toString());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Result r = quiet(java, "--add-modules", "jdk.incubator.vector", "-cp", "/nonexistent", "NoSuchMain");
    assertFalse(r.stderr().contains(WARNING), r.stderr());
    assertTrue(r.stderr().contains("Could not find or load main class NoSuchMain"), r.stderr());
    assertEquals(1, r.exit());
    Result v = quiet(java, "--add-modules", "jdk.incubator.vector", "-version");
    assertFalse(v.stderr().contains(WARNING), v.stderr());
    assertTrue(v.stderr().contains(Runtime.version().feature() + "."), v.stderr());
    assertEquals(0, v.exit());
  }

  @Test
  void onlyThatExactLineIsDropped() throws Exception {
    Result r = quiet("bash", "-c", "echo out; echo '" + WARNING + "' >&2; echo 'note: " + WARNING + "' >&2; echo last >&2; exit 7");
    assertEquals("out\n", r.stdout());
    assertEquals("note: " + WARNING + "\nlast\n", r.stderr());
    assertEquals(7, r.exit());
  }
}
