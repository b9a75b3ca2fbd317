package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * kill -9 for real, for the kill-resume tests: {@code duel train ARGS --out OUT --name killed} runs in a child JVM and
 * is killed with SIGKILL (Process.destroyForcibly) once it has written some checkpoints and run on a little, so the
 * kill lands mid-step or mid-write.
 */
final class KilledRun {
  private KilledRun() {}

  /** The killed run's folder (OUT/killed) and the newest checkpoint that verifies in it (at step ≥ 2). */
  record Result(Path run, Checkpoints.Checkpoint last) {}

  static Result kill(Path tmp, List<String> trainArgs, int checkpoints, int timeoutSeconds, int runOnMillis) throws Exception {
    Path out = tmp.resolve("runs");
    Path log = tmp.resolve("child.log");
    List<String> cmd = new ArrayList<>(List.of(javaBinary(), "--add-modules", "jdk.incubator.vector",
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.duel.gan.cli.Main", "train"));
    cmd.addAll(trainArgs);
    cmd.addAll(List.of("--out", out.toString(), "--name", "killed"));
    Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Path run = out.resolve("killed");
    try {
      long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
      while (Checkpoints.list(run.resolve("checkpoints")).size() < checkpoints) {
        if (!child.isAlive()) fail("the child exited with " + child.exitValue() + ":\n" + Files.readString(log));
        if (System.nanoTime() > deadline) fail("no " + checkpoints + " checkpoints within " + timeoutSeconds + " s:\n" + Files.readString(log));
        Thread.sleep(10);
      }
      Thread.sleep(runOnMillis);
    } finally {
      child.destroyForcibly();                              // SIGKILL on Unix
      child.waitFor();
    }
    Checkpoints.Checkpoint last = Checkpoints.newestComplete(run.resolve("checkpoints"), System.err);
    assertNotNull(last);
    assertTrue(last.step() >= 2, "resuming at step " + last.step());
    return new Result(run, last);
  }

  /**
   * Every step's {@code keys} in {@code got} (the killed child's lines up to step k, the resumed run's after it) equal
   * an uninterrupted run's, bit for bit, and there is one line a step.
   */
  static void assertSameSteps(List<Map<String, Object>> expected, List<Map<String, Object>> got, List<String> keys, long k) {
    assertEquals(expected.size(), got.size(), "one line per step: the child's lines after step " + k + " were dropped");
    for (int i = 0; i < expected.size(); i++) {
      for (String key : keys) {
        assertEquals(expected.get(i).get(key), got.get(i).get(key),
            "step " + (i + 1) + " " + key + (i < k ? " (logged by the killed child)" : " (resumed at " + k + ")"));
      }
    }
  }

  private static String javaBinary() {
    return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
