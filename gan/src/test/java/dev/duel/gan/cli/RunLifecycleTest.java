package dev.duel.gan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.duel.gan.train.Checkpoints;
import dev.duel.gan.train.MetricsLog;
import dev.duel.gan.train.RunLock;
import dev.duel.gan.train.TinyData;
import dev.duel.nn.state.AtomicFiles;
import dev.duel.nn.state.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run you can always continue (issue 16): real signals to a real `duel train` process, the run lock,
 * a run stopped before its first checkpoint, checkpoints that verify but do not load, paths as typed.
 */
class RunLifecycleTest {
  @TempDir
  Path tmp;

  private static final List<String> TINY = List.of("--model", "mlp", "--width", "4", "--latent", "8", "--batch", "8");

  private List<String> train(Path out, String name, String... more) {
    List<String> a = new ArrayList<>(List.of("train"));
    a.addAll(TINY);
    a.addAll(List.of("--data", TinyData.folder().toString(), "--out", out.toString(), "--name", name));
    a.addAll(List.of(more));
    return a;
  }

  private Process child(List<String> args, Path log) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaBinary(), "--add-modules", "jdk.incubator.vector",
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.duel.gan.cli.Main"));
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Waits until the child has logged at least {@code steps} steps. */
  private static void awaitSteps(Process child, Path metrics, int steps, Path log) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!Files.exists(metrics) || Files.readAllLines(metrics).size() < steps) {
      if (!child.isAlive()) fail("the child exited with " + child.exitValue() + ":\n" + Files.readString(log));
      if (System.nanoTime() > deadline) fail("no " + steps + " steps within 120 s:\n" + Files.readString(log));
      Thread.sleep(10);
    }
  }

  private static long lastLoggedStep(Path metrics) throws IOException {
    List<String> lines = Files.readAllLines(metrics);
    return (Long) Json.parseObject(lines.getLast()).get("step");
  }

  private void stopWithSignal(String signal, int expectedExit) throws Exception {
    Path out = tmp.resolve("runs"), log = tmp.resolve(signal + ".log");
    Process p = child(train(out, "sig", "--limit", "5", "--epochs", "100000", "--checkpoint-every", "100000"), log);
    Path metrics = out.resolve("sig/metrics.jsonl");
    try {
      awaitSteps(p, metrics, 4, log);

      // A second trainer on the same run is refused, naming the live one's PID.
      CliTest.Result second = CliTest.duel(train(out, "sig", "--resume", "--limit", "5", "--epochs", "100000").toArray(String[]::new));
      assertEquals(1, second.code(), second.err());
      assertTrue(second.err().contains("in use by another duel train (PID " + p.pid() + ")"), second.err());

      if (signal.equals("INT")) {
        assumeFalse(ignores(p.pid(), 2), "SIGINT is ignored in this environment (a background job): the JVM keeps it ignored");
      }
      new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
      if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) fail("no exit within 60 s of SIG" + signal);
    } finally {
      p.destroyForcibly();
    }
    String text = Files.readString(log);
    assertEquals(expectedExit, p.exitValue(), text);
    long last = lastLoggedStep(metrics);
    assertTrue(last >= 4, text);
    Path ckpt = out.resolve("sig/checkpoints/step-" + last);
    Checkpoints.verify(ckpt);                                  // the final checkpoint is complete, at the last step
    assertTrue(text.contains("stopped by SIG" + signal + " at step " + last), text);
    assertTrue(text.contains("duel train --resume --out " + out + " --name sig"), text);

    // Continue: loses nothing (the next step is last + 1), and the lock was released with the process.
    CliTest.Result r = CliTest.duel(train(out, "sig", "--resume", "--limit", "5", "--epochs", Long.toString(last / 5 + 2)).toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("resumed    from " + ckpt + " (step " + last), r.out());
  }

  @Test
  void sigtermWritesAFinalCheckpointAndExits143() throws Exception {
    stopWithSignal("TERM", 143);
  }

  @Test
  void sigintWritesAFinalCheckpointAndExits130() throws Exception {
    stopWithSignal("INT", 130);
  }

  /** True when the process ignores signal {@code sig} (its SigIgn mask in /proc). */
  private static boolean ignores(long pid, int sig) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("SigIgn:")) return (Long.parseUnsignedLong(line.substring(7).strip(), 16) >> (sig - 1) & 1) != 0;
    }
    return false;
  }

  @Test
  void aRunKilledAtStep3BeforeItsFirstCheckpointResumesFromStep0() throws Exception {
    Path out = tmp.resolve("runs"), log = tmp.resolve("kill.log");
    Process p = child(train(out, "early", "--limit", "5", "--epochs", "100000", "--checkpoint-every", "100000"), log);
    try {
      awaitSteps(p, out.resolve("early/metrics.jsonl"), 3, log);
    } finally {
      p.destroyForcibly();                                  // SIGKILL: no handler runs
      p.waitFor();
    }
    assertEquals(List.of(out.resolve("early/checkpoints/step-0")), Checkpoints.list(out.resolve("early/checkpoints")));
    RunLock.acquire(out.resolve("early")).close();          // the dead process's lock is gone

    CliTest.Result named = CliTest.duel(train(out, "early", "--limit", "5", "--epochs", "1").toArray(String[]::new));
    assertEquals(2, named.code());
    assertTrue(named.err().contains("pass --resume"), named.err());

    CliTest.Result r = CliTest.duel(train(out, "early", "--resume", "--limit", "5", "--epochs", "1").toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("(step 0 of 5)"), r.out());
    assertEquals(5, Files.readAllLines(out.resolve("early/metrics.jsonl")).size(), "the killed run's lines were dropped");
  }

  @Test
  void aFolderWithoutAnyCheckpointIsResumedOrRestartedUnderItsName() throws Exception {
    Path out = tmp.resolve("runs");
    assertEquals(0, CliTest.duel(train(out, "x", "--limit", "2", "--epochs", "1").toArray(String[]::new)).code());
    AtomicFiles.deleteTree(out.resolve("x/checkpoints"));   // as if stopped before step 0 was saved

    CliTest.Result resumed = CliTest.duel(train(out, "x", "--resume", "--limit", "2", "--epochs", "1").toArray(String[]::new));
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.out().contains("has no checkpoint yet") && resumed.out().contains("starting it from step 0"), resumed.out());

    AtomicFiles.deleteTree(out.resolve("x/checkpoints"));
    CliTest.Result again = CliTest.duel(train(out, "x", "--limit", "2", "--epochs", "1").toArray(String[]::new));
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("starting it over under its name"), again.out());
    assertEquals(2, Files.readAllLines(out.resolve("x/metrics.jsonl")).size());

    // Unnamed: a folder without a checkpoint is reused, not skipped to mlp-2.
    AtomicFiles.deleteTree(out.resolve("x/checkpoints"));
    assertEquals("x", TrainCommand.freeName(out, "x"));
  }

  @Test
  void theLockRefusesASecondHolderAndIsFreedOnClose() throws Exception {
    Path run = tmp.resolve("run");
    try (RunLock l = RunLock.acquire(run)) {
      RunLock.Held e = assertThrows(RunLock.Held.class, () -> RunLock.acquire(run));
      assertTrue(e.getMessage().contains("PID " + ProcessHandle.current().pid()), e.getMessage());
    }
    RunLock.acquire(run).close();
  }

  @Test
  void resumeFallsBackPastCheckpointsThatVerifyButDoNotLoad() throws Exception {
    Path out = tmp.resolve("runs");
    CliTest.Result r0 = CliTest.duel(train(out, "bad", "--limit", "6", "--epochs", "1", "--checkpoint-every", "2",
        "--keep-checkpoints", "10").toArray(String[]::new));
    assertEquals(0, r0.code(), r0.err());
    Path cps = out.resolve("bad/checkpoints");
    // step-6: a header length beyond the file; step-4: D's tensors in G's file (wrong names and shapes);
    // step-2: a dtype the loader refuses. Each with its SHA-256 updated, so the checksums match.
    Path g6 = cps.resolve("step-6/g.safetensors");
    byte[] b = Files.readAllBytes(g6);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, b.length * 2L);
    rewrite(cps.resolve("step-6"), "g.safetensors", b);
    rewrite(cps.resolve("step-4"), "g.safetensors", Files.readAllBytes(cps.resolve("step-4/d.safetensors")));
    byte[] g2 = Files.readAllBytes(cps.resolve("step-2/g.safetensors"));
    String s = new String(g2, java.nio.charset.StandardCharsets.ISO_8859_1).replaceFirst("\"F32\"", "\"C64\"");
    rewrite(cps.resolve("step-2"), "g.safetensors", s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

    CliTest.Result r = CliTest.duel(train(out, "bad", "--resume", "--limit", "6", "--epochs", "2").toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    for (int step : new int[] {6, 4, 2}) {
      assertTrue(r.err().contains("skipping checkpoint " + cps.resolve("step-" + step)), r.err());
    }
    assertTrue(r.out().contains("resumed    from " + cps.resolve("step-0") + " (step 0"), r.out());
  }

  private static void rewrite(Path folder, String file, byte[] bytes) throws IOException {
    Files.write(folder.resolve(file), bytes);
    Path state = folder.resolve(Checkpoints.STATE);
    Map<String, Object> m = Json.parseObject(Files.readString(state));
    @SuppressWarnings("unchecked") Map<String, Object> files = (Map<String, Object>) m.get("files");
    files.put(file, AtomicFiles.sha256(folder.resolve(file)));
    Files.writeString(state, Json.writePretty(m));
  }

  @Test
  void relativePathsResolveAgainstTheCallersFolder() throws Exception {
    Path out = tmp.resolve("runs");
    assertEquals(0, CliTest.duel(train(out, "p", "--limit", "2", "--epochs", "1").toArray(String[]::new)).code());
    Path user = tmp.resolve("user");
    Files.createDirectories(user.resolve("sub"));
    String before = System.getProperty("duel.cwd");
    System.setProperty("duel.cwd", tmp.toString());
    try {
      CliTest.Result r = CliTest.duel("sample", "runs/p", "--n", "4", "--out", "user/sub/x.png");
      assertEquals(0, r.code(), r.err());
      assertTrue(Files.isRegularFile(user.resolve("sub/x.png")));
      assertTrue(r.out().contains(user.resolve("sub/x.png").toString()), r.out());
      CliTest.Result d = CliTest.duel("sample", "runs/p/checkpoints/step-2", "--n", "4");
      assertEquals(0, d.code(), d.err());
      assertTrue(Files.isRegularFile(out.resolve("p/samples.png")), "the default goes into the run folder");
      CliTest.Result i = CliTest.duel("interpolate", "runs/p", "--steps", "2");
      assertEquals(0, i.code(), i.err());
      assertTrue(Files.isRegularFile(out.resolve("p/interpolation.png")));
      // duel train --out relative to the caller, too
      List<String> a = new ArrayList<>(List.of("train"));
      a.addAll(TINY);
      a.addAll(List.of("--data", TinyData.folder().toString(), "--out", "user/runs", "--name", "q", "--limit", "1", "--epochs", "1"));
      assertEquals(0, CliTest.duel(a.toArray(String[]::new)).code());
      assertTrue(Files.isDirectory(user.resolve("runs/q/checkpoints/step-1")));
    } finally {
      if (before == null) System.clearProperty("duel.cwd"); else System.setProperty("duel.cwd", before);
    }
    assertFalse(Files.exists(Path.of("eval.json")));
  }

  @Test
  void aFullDiskNamesTheFile() throws Exception {
    assumeFalse(!Files.exists(Path.of("/dev/full")), "no /dev/full");
    try (MetricsLog log = MetricsLog.open(Path.of("/dev/full"))) {
      IOException e = assertThrows(IOException.class, () -> {
        for (int i = 0; i < 10_000; i++) log.append(Map.of("step", (long) i));
        log.force();
      });
      assertTrue(e.getMessage().contains("/dev/full") && e.getMessage().contains("free space"), e.getMessage());
    }
  }

  @Test
  void theProgressBarBlanksWhatALongerLineLeft() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    dev.duel.gan.train.Progress p = new dev.duel.gan.train.Progress(new java.io.PrintStream(bytes, true), true);
    p.redraw("g_loss: 3.04483");
    p.redraw("g_loss: 3.0448");
    String screen = render(bytes.toString());
    assertEquals("g_loss: 3.0448", screen.strip(), "what a terminal shows");
  }

  /** A terminal line after carriage returns and backspaces. */
  private static String render(String s) {
    StringBuilder line = new StringBuilder();
    int col = 0;
    for (char c : s.toCharArray()) {
      if (c == '\r') col = 0;
      else if (c == '\b') col = Math.max(0, col - 1);
      else {
        if (col < line.length()) line.setCharAt(col, c); else line.append(c);
        col++;
      }
    }
    return line.toString();
  }

  @Test
  void trainHelpListsTheLosses() {
    CliTest.Result r = CliTest.duel("train", "--help");
    assertTrue(r.out().contains("non-saturating") && r.out().contains("hinge"), r.out());
  }

  private static String javaBinary() {
    return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
