package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.duel.gan.cli.Main;
import dev.duel.nn.state.TensorData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `duel train --nproc N` on cuda-emu with Duel's stand-in NCCL, end to end: worker JVMs, the rendezvous, the
 * averaged gradients. mlp has no batch norm, so N ranks on shards of B/N must compute what one process
 * computes on the global batch B (the same rows, the same z: --simulate-ranks N), up to float rounding: the
 * per-rank means averaged, (1/N)·Σ_r mean_r, are summed in another order than the mean over B. The tolerance
 * after {@value #STEPS} Adam steps: every weight within {@value #TOLERANCE} of its tensor's largest magnitude.
 */
class DataParallelRunTest {
  static final int STEPS = 3;
  static final double TOLERANCE = 1e-5;
  /** A tiny mlp: width 8, latent 8, global batch 12 (divides by 2 and 3), 3 steps. */
  private static final List<String> TINY = List.of("--model", "mlp", "--width", "8", "--latent", "8", "--batch", "12",
      "--device", "cuda-emu", "--seed", "7");

  @TempDir
  Path tmp;

  @BeforeAll
  static void standInBuilt() {
    String dir = System.getProperty("duel.emu.dir");
    assumeTrue(dir != null && Files.isRegularFile(Path.of(dir, "libnccl.so.2")), "the stand-in libnccl.so.2 is not built (no g++?)");
  }

  @Test
  void twoAndThreeRanksEqualTheOneProcessRunOnTheSameGlobalBatches() throws Exception {
    for (int ranks : new int[] {2, 3}) {
      String name = "dp" + ranks;
      Run dp = duel(args(name, "--nproc", "" + ranks, "--epochs", "1", "--limit", "" + STEPS));
      assertEquals(0, dp.exit, dp.output);
      assertTrue(dp.output.contains("replicas: G and D identical on all " + ranks + " ranks (bit for bit) after step " + STEPS),
          dp.output);
      assertTrue(dp.output.contains("stand-in NCCL"), dp.output);
      Run ref = inProcess(args("ref" + ranks, "--simulate-ranks", "" + ranks, "--epochs", "1", "--limit", "" + STEPS));
      assertEquals(0, ref.exit, ref.output);

      for (String file : List.of("g.safetensors", "d.safetensors")) {
        Map<String, TensorData> a = weights(name, file), b = weights("ref" + ranks, file);
        assertEquals(b.keySet(), a.keySet());
        for (String k : b.keySet()) {
          float[] x = a.get(k).data(), y = b.get(k).data();
          double scale = 0, worst = 0;
          for (float v : y) scale = Math.max(scale, Math.abs(v));
          for (int i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
          assertTrue(worst <= TOLERANCE * scale, ranks + " ranks, " + file + " " + k + ": max |Δ| " + worst + " > "
              + TOLERANCE + " × " + scale);
        }
      }
      // the logged losses are the global batch's (the ranks' averaged): the same, to rounding
      List<Map<String, Object>> m = ResumeTest.readMetrics(tmp.resolve("runs/" + name + "/metrics.jsonl"));
      List<Map<String, Object>> r = ResumeTest.readMetrics(tmp.resolve("runs/ref" + ranks + "/metrics.jsonl"));
      assertEquals(STEPS, m.size());
      for (int i = 0; i < STEPS; i++) {
        for (String key : List.of("d_loss", "g_loss", "d_real", "d_fake")) {
          double u = ((Number) m.get(i).get(key)).doubleValue(), v = ((Number) r.get(i).get(key)).doubleValue();
          assertEquals(v, u, 1e-5 * Math.max(1, Math.abs(v)), "step " + (i + 1) + " " + key);
        }
      }
    }
  }

  @Test
  void dcgan28TrainsOnTwoRanksWithPerRankBatchNormAndIdenticalReplicas() throws Exception {
    // batch norm is per rank (as DDP), so no one-process equivalence here: the replicas must still be identical
    List<String> a = new ArrayList<>(args("dc2", "--nproc", "2", "--epochs", "1", "--limit", "2"));
    a.set(a.indexOf("mlp"), "dcgan28");
    Run dp = duel(a);
    assertEquals(0, dp.exit, dp.output);
    assertTrue(dp.output.contains("replicas: G and D identical on all 2 ranks (bit for bit) after step 2"), dp.output);
    assertEquals(2, ResumeTest.readMetrics(tmp.resolve("runs/dc2/metrics.jsonl")).size());
  }

  @Test
  void aKilledJobResumesBitIdenticallyWithTheSameWorldSize() throws Exception {
    // the uninterrupted reference: 2 ranks, 4 epochs of 3 steps
    Run whole = duel(args("whole", "--nproc", "2", "--epochs", "4", "--limit", "3", "--checkpoint-every", "1"));
    assertEquals(0, whole.exit, whole.output);

    Path log = tmp.resolve("killed.log");
    Process job = start(args("killed", "--nproc", "2", "--epochs", "4", "--limit", "3", "--checkpoint-every", "1",
        "--keep-checkpoints", "100"), log);
    Path checkpoints = tmp.resolve("runs/killed/checkpoints");
    List<ProcessHandle> workers;
    try {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (Checkpoints.list(checkpoints).size() < 3) {                // step-0, step-1, step-2 …
        if (!job.isAlive()) fail("the job exited with " + job.exitValue() + ":\n" + Files.readString(log));
        if (System.nanoTime() > deadline) fail("no checkpoint within 120 s:\n" + Files.readString(log));
        Thread.sleep(10);
      }
      workers = job.toHandle().children().toList();
      assertEquals(2, workers.size());
    } finally {
      job.destroyForcibly();                                            // kill -9 of the launcher
      job.waitFor();
    }
    // its workers notice (their rendezvous lifeline and the launcher's pid) and stop: no orphan trains on
    for (ProcessHandle w : workers) {
      w.onExit().get(60, TimeUnit.SECONDS);
      assertTrue(!w.isAlive(), "worker " + w.pid() + " outlived the launcher");
    }
    Run resumed = duel(List.of("--resume", "--name", "killed", "--out", tmp.resolve("runs").toString(), "--nproc", "2",
        "--data", TinyData.folder().toString()));
    assertEquals(0, resumed.exit, resumed.output);
    assertTrue(resumed.output.contains("resumed    from"), resumed.output);

    for (String file : List.of("g.safetensors", "d.safetensors", "opt_g.safetensors", "opt_d.safetensors")) {
      Map<String, TensorData> a = weights("killed", file), b = weights("whole", file);
      for (String k : b.keySet()) assertArrayEquals(b.get(k).data(), a.get(k).data(), file + " " + k);
    }
    List<Map<String, Object>> got = ResumeTest.readMetrics(tmp.resolve("runs/killed/metrics.jsonl"));
    List<Map<String, Object>> want = ResumeTest.readMetrics(tmp.resolve("runs/whole/metrics.jsonl"));
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) {
      for (String key : ResumeTest.EXACT) assertEquals(want.get(i).get(key), got.get(i).get(key), "step " + (i + 1) + " " + key);
    }
  }

  @Test
  void aDeadRankIsNamedAndStopsTheJob() throws Exception {
    Path log = tmp.resolve("dead.log");
    Process job = start(args("dead", "--nproc", "2", "--epochs", "1000", "--limit", "3"), log);
    try {
      Path metrics = tmp.resolve("runs/dead/metrics.jsonl");
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (!Files.exists(metrics) || Files.size(metrics) == 0) {
        if (!job.isAlive()) fail("the job exited with " + job.exitValue() + ":\n" + Files.readString(log));
        if (System.nanoTime() > deadline) fail("no step within 120 s:\n" + Files.readString(log));
        Thread.sleep(20);
      }
      ProcessHandle rank1 = job.toHandle().children().filter(h -> rankOf(h) == 1).findFirst().orElseThrow();
      rank1.destroyForcibly();                                          // kill -9 of rank 1
      assertTrue(job.waitFor(90, TimeUnit.SECONDS), "the job did not stop after rank 1 died:\n" + Files.readString(log));
      String out = Files.readString(log);
      assertNotEquals(0, job.exitValue(), out);
      assertTrue(out.contains("rank 1 (pid " + rank1.pid() + ") exited with status 137 (signal 9, SIGKILL)"), out);
      assertTrue(out.contains("rank 0") && out.contains("rank 1"), out);
    } finally {
      job.destroyForcibly();
    }
  }

  @Test
  void badLaunchesAreClearErrors() throws Exception {
    Run odd = inProcess(args("odd", "--nproc", "5", "--epochs", "1", "--limit", "1"));
    assertEquals(2, odd.exit, odd.output);
    assertTrue(odd.output.contains("--batch 12 is the global batch and must divide by the 5 ranks"), odd.output);
    Run cpu = inProcess(List.of("--model", "mlp", "--device", "cpu", "--nproc", "2", "--out", tmp.toString()));
    assertEquals(2, cpu.exit, cpu.output);
    assertTrue(cpu.output.contains("needs --device cuda (one GPU per process) or cuda-emu"), cpu.output);

    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    long t0 = System.nanoTime();
    Run alone = duel(args("alone", "--nproc", "1", "--nnodes", "2", "--node-rank", "0", "--rendezvous", "127.0.0.1:" + port,
        "--rendezvous-timeout", "25", "--epochs", "1", "--limit", "1"));   // long enough for rank 0's JVM on a loaded machine
    assertNotEquals(0, alone.exit, alone.output);
    assertTrue(alone.output.contains("timed out after 25 s: rank [1] of 2 did not join"), alone.output);
    assertTrue(System.nanoTime() - t0 < 90e9, "the time-out took too long");
  }

  @Test
  void twoNodesOnOneMachineTrainLikeTwoLocalRanks() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String rdv = "127.0.0.1:" + port;
    Path log1 = tmp.resolve("node1.log");
    Process node1 = start(args("nodes", "--nproc", "1", "--nnodes", "2", "--node-rank", "1", "--rendezvous", rdv,
        "--epochs", "1", "--limit", "" + STEPS), log1);
    Run node0 = duel(args("nodes", "--nproc", "1", "--nnodes", "2", "--node-rank", "0", "--rendezvous", rdv,
        "--epochs", "1", "--limit", "" + STEPS));
    assertTrue(node1.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, node0.exit, node0.output);
    assertEquals(0, node1.exitValue(), Files.readString(log1));
    Run local = duel(args("local", "--nproc", "2", "--epochs", "1", "--limit", "" + STEPS));
    assertEquals(0, local.exit, local.output);
    for (String file : List.of("g.safetensors", "d.safetensors")) {
      Map<String, TensorData> a = weights("nodes", file), b = weights("local", file);
      for (String k : b.keySet()) assertArrayEquals(b.get(k).data(), a.get(k).data(), file + " " + k);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private record Run(int exit, String output) {}

  private List<String> args(String name, String... more) {
    List<String> a = new ArrayList<>(TINY);
    a.addAll(List.of("--data", TinyData.folder().toString(), "--out", tmp.resolve("runs").toString(), "--name", name));
    a.addAll(List.of(more));
    return a;
  }

  private Map<String, TensorData> weights(String run, String file) throws IOException {
    Checkpoints.Checkpoint c = Checkpoints.newestComplete(tmp.resolve("runs/" + run + "/checkpoints"), System.err);
    assertNotNull(c, "no checkpoint in " + run);
    return c.tensors(file);
  }

  /** `duel train ARGS` in a child JVM (the launcher), its output in a file. */
  private Process start(List<String> args, Path log) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
    for (String p : new String[] {"duel.emu.dir", "duel.emu.cudnn"}) {
      if (System.getProperty(p) != null) cmd.add("-D" + p + "=" + System.getProperty(p));
    }
    cmd.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), "dev.duel.gan.cli.Main", "train"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("FAKE_CUDA_QUIET", "1");
    return pb.start();
  }

  private Run duel(List<String> args) throws Exception {
    Path log = Files.createTempFile(tmp, "duel", ".log");
    Process p = start(args, log);
    if (!p.waitFor(240, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("duel train did not finish in 240 s:\n" + Files.readString(log));
    }
    return new Run(p.exitValue(), Files.readString(log));
  }

  /** `duel train ARGS` in this JVM (cuda-emu runs here too). */
  private static Run inProcess(List<String> args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
    List<String> a = new ArrayList<>(List.of("train"));
    a.addAll(args);
    int code = Main.run(a.toArray(String[]::new), new Main.Io(ps, ps, false));
    return new Run(code, buf.toString(StandardCharsets.UTF_8));
  }

  /** A worker's DUEL_RANK, from /proc/PID/environ (-1 when unreadable). */
  private static int rankOf(ProcessHandle h) {
    try {
      for (String kv : Files.readString(Path.of("/proc/" + h.pid() + "/environ"), StandardCharsets.ISO_8859_1).split("\0")) {
        if (kv.startsWith("DUEL_RANK=")) return Integer.parseInt(kv.substring(10));
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
