package dev.duel.gan.dist;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code duel train --nproc N [--nnodes M --node-rank R --rendezvous HOST:PORT]}: torchrun's job for Duel. It
 * starts N worker JVMs on this node (the same class path and duel.* settings, the same {@code train}
 * arguments) with {@link WorkerEnv}'s variables; local rank i gets GPU i (CUDA_VISIBLE_DEVICES; on cuda-emu all
 * share the emulated device). Node 0's launcher also runs the {@link RendezvousServer} (with one node: on
 * 127.0.0.1 and a free port). Then it watches its workers: when one exits with a failure, it names that rank
 * and stops the others (SIGTERM, then SIGKILL after {@value #GRACE_MS} ms), so a job never hangs on a dead
 * rank; when the launcher itself is stopped (Ctrl-C, SIGTERM) it passes SIGTERM on, and the workers stop
 * together after the step in progress with a checkpoint.
 */
public final class Launcher {
  static final long GRACE_MS = 15_000;

  /** The launch: world geometry, the rendezvous, and what the workers run. */
  public record Plan(int nproc, int nnodes, int nodeRank, String rendezvous, long timeoutMs, String device,
                     String runName, List<String> trainArgs) {
    int world() {
      return nproc * nnodes;
    }
  }

  private final Plan plan;
  private final PrintStream err;
  private volatile boolean stopping;        // the launcher itself was stopped: the workers' exits are expected

  public Launcher(Plan plan, PrintStream err) {
    this.plan = plan;
    this.err = err;
  }

  /** Runs the job on this node; returns the exit status (0: every local rank finished). */
  public int run() throws IOException, InterruptedException {
    RendezvousServer server = null;
    String rendezvous = plan.rendezvous();
    if (plan.nodeRank() == 0) {
      InetSocketAddress bind = rendezvous == null ? new InetSocketAddress("127.0.0.1", 0)
          : new InetSocketAddress(HostPort.parse(rendezvous).port());          // every interface: other nodes connect
      server = new RendezvousServer(bind, plan.world(), plan.timeoutMs()).start();
      if (rendezvous == null) rendezvous = "127.0.0.1:" + server.port();
    }
    List<Process> procs = new ArrayList<>();
    List<Integer> ranks = new ArrayList<>();
    Thread forward = new Thread(() -> {
      stopping = true;
      stopAll(procs, "the launcher was stopped");
    });
    try {
      for (int local = 0; local < plan.nproc(); local++) {
        int rank = plan.nodeRank() * plan.nproc() + local;
        ProcessBuilder pb = new ProcessBuilder(workerCommand()).inheritIO();
        Map<String, String> env = pb.environment();
        env.put(WorkerEnv.RANK, String.valueOf(rank));
        env.put(WorkerEnv.WORLD, String.valueOf(plan.world()));
        env.put(WorkerEnv.LOCAL_RANK, String.valueOf(local));
        env.put(WorkerEnv.RENDEZVOUS, rendezvous);
        env.put(WorkerEnv.RUN_NAME, plan.runName());
        env.put(WorkerEnv.LAUNCHER_PID, String.valueOf(ProcessHandle.current().pid()));
        String gpu = gpuFor(local, System.getenv("CUDA_VISIBLE_DEVICES"));
        if (gpu != null) env.put("CUDA_VISIBLE_DEVICES", gpu);
        synchronized (procs) {
          procs.add(pb.start());
          ranks.add(rank);
        }
      }
      Runtime.getRuntime().addShutdownHook(forward);
      return watch(procs, ranks);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(forward);
      } catch (IllegalStateException | IllegalArgumentException e) {
        // shutting down already (the hook runs), or it was never added
      }
      stopAll(procs, null);
      if (server != null) server.close();
    }
  }

  /** CUDA_VISIBLE_DEVICES for local rank i on a GPU: the i-th of the launcher's list, else "i"; null on cuda-emu. */
  String gpuFor(int local, String visible) {
    if (!plan.device().equals("cuda")) return null;
    if (visible == null || visible.isBlank()) return String.valueOf(local);
    String[] ids = visible.split(",");
    if (local >= ids.length) {
      throw new IllegalArgumentException("--nproc " + plan.nproc() + " needs " + plan.nproc() + " GPUs, but CUDA_VISIBLE_DEVICES="
          + visible + " lists " + ids.length);
    }
    return ids[local].strip();
  }

  /** Waits for the workers; the first failure is named and stops the rest. */
  private int watch(List<Process> procs, List<Integer> ranks) throws InterruptedException {
    int status = 0;
    boolean[] seen = new boolean[procs.size()];
    long killAt = Long.MAX_VALUE;
    int running = procs.size();
    while (running > 0) {
      // A rank killed by a signal is the cause; its peers then fail in NCCL. When both are found dead in one
      // pass, name the killed one first.
      List<Integer> order = new java.util.ArrayList<>();
      for (int i = 0; i < procs.size(); i++) if (!procs.get(i).isAlive() && procs.get(i).exitValue() > 128) order.add(i);
      for (int i = 0; i < procs.size(); i++) if (!order.contains(i)) order.add(i);
      for (int i : order) {
        Process p = procs.get(i);
        if (seen[i] || p.isAlive()) continue;
        seen[i] = true;
        running--;
        int code = p.exitValue();
        if (code != 0 && status == 0 && stopping) {
          status = code;
        } else if (code != 0 && status == 0) {
          status = code;
          err.println("duel train: rank " + ranks.get(i) + " (pid " + p.pid() + ") exited with status " + describe(code)
              + (running > 0 ? "; stopping the other ranks" : ""));
          for (Process q : procs) if (q.isAlive()) q.destroy();              // SIGTERM: stop after this step
          killAt = System.currentTimeMillis() + GRACE_MS;
        }
      }
      if (System.currentTimeMillis() > killAt) {
        for (int i = 0; i < procs.size(); i++) {
          if (procs.get(i).isAlive()) {
            err.println("duel train: rank " + ranks.get(i) + " did not stop within " + GRACE_MS / 1000 + " s: killing it");
            procs.get(i).destroyForcibly();
          }
        }
        killAt = Long.MAX_VALUE;
      }
      Thread.sleep(50);
    }
    return status;
  }

  static String describe(int code) {
    return code > 128 && code < 160 ? code + " (signal " + (code - 128) + (code == 137 ? ", SIGKILL" : code == 143 ? ", SIGTERM"
        : code == 130 ? ", SIGINT" : "") + ")" : String.valueOf(code);
  }

  /** SIGTERM to every live worker, then waits for them (they checkpoint and exit); SIGKILL after the grace. */
  private void stopAll(List<Process> procs, String why) {
    List<Process> live;
    synchronized (procs) {
      live = procs.stream().filter(Process::isAlive).toList();
    }
    if (live.isEmpty()) return;
    if (why != null) err.println("duel train: " + why + ": stopping " + live.size() + " rank" + (live.size() == 1 ? "" : "s"));
    for (Process p : live) p.destroy();
    long until = System.currentTimeMillis() + (why != null ? 120_000 : GRACE_MS);
    for (Process p : live) {
      try {
        long left = until - System.currentTimeMillis();
        if (left <= 0 || !p.waitFor(left, java.util.concurrent.TimeUnit.MILLISECONDS)) p.destroyForcibly();
      } catch (InterruptedException e) {
        p.destroyForcibly();
      }
    }
  }

  /**
   * This JVM's java, the heap size, native access and the vector module, the class path and every duel.*
   * system property, then the CLI's main class and {@code train} with the launch's arguments.
   */
  List<String> workerCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + Math.max(256, Runtime.getRuntime().maxMemory() >> 20) + "m");
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector");
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-XX:+UseParallelGC");
    for (String k : System.getProperties().stringPropertyNames().stream().sorted().toList()) {
      if (k.startsWith("duel.")) cmd.add("-D" + k + "=" + System.getProperty(k));
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.duel.gan.cli.Main");
    cmd.add("train");
    cmd.addAll(plan.trainArgs());
    return cmd;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%d node%s × %d process%s", plan.nnodes(), plan.nnodes() == 1 ? "" : "s", plan.nproc(),
        plan.nproc() == 1 ? "" : "es");
  }
}
