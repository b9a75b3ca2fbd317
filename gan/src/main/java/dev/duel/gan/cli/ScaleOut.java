package dev.duel.gan.cli;

import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.engine.cuda.NcclCommunicator;
import dev.duel.engine.cuda.NcclLibraries;
import dev.duel.gan.dist.Launcher;
import dev.duel.gan.dist.RendezvousClient;
import dev.duel.gan.dist.WorkerEnv;
import dev.duel.gan.train.DataParallel;
import dev.duel.gan.train.RunTrainer;
import dev.duel.gan.train.StepStats;
import dev.duel.gan.train.Trainer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The data-parallel side of {@code duel train}: launching workers ({@link Launcher}), and in a worker, joining
 * the world (rendezvous, NCCL communicator, the lifelines that stop this rank when another rank or the launcher
 * dies) and finishing it (DONE, or FAIL with the reason).
 */
final class ScaleOut {
  private final ScaleOutOptions options;
  private final WorkerEnv worker;
  private final Main.Io io;
  private DataParallel par;
  private RendezvousClient lifeline;
  private NcclCommunicator comm;
  private volatile boolean failing;          // this rank's own run failed: it reports that itself

  ScaleOut(ScaleOutOptions options, WorkerEnv worker, Main.Io io) {
    this.options = options;
    this.worker = worker;
    this.io = io;
  }

  /** Rank 0 (and a plain run) prints the header, the progress and the closing lines; other ranks only errors. */
  /** Whether this process is a rank of a data-parallel job (started by the launcher, or simulating ranks). */
  boolean dataParallel() {
    return worker != null || options.simulateRanks > 0;
  }

  boolean printsProgress() {
    return worker == null || worker.rank() == 0;
  }

  /** Starts this node's workers and waits for them; returns the job's exit status. */
  int launch(String device, String runName, List<String> originalArgs) throws IOException {
    checkDevice(device);
    int at = originalArgs.indexOf("train");
    List<String> args = new ArrayList<>(at >= 0 ? originalArgs.subList(at + 1, originalArgs.size()) : originalArgs);
    Launcher.Plan plan = new Launcher.Plan(options.nproc, options.nnodes, options.nodeRank, options.rendezvous,
        options.rendezvousTimeout * 1000L, device, runName, args);
    io.out().println(String.format(Locale.ROOT, "duel train: data parallel, %d rank%s (%d node%s × %d), run %s; rank 0 reports",
        options.world(), options.world() == 1 ? "" : "s", options.nnodes, options.nnodes == 1 ? "" : "s", options.nproc, runName));
    io.out().flush();
    try {
      return new Launcher(plan, io.err()).run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  /** NCCL runs on cuda and cuda-emu only. */
  static boolean checkDevice(String device) {
    if (!device.equals("cuda") && !device.equals("cuda-emu")) {
      throw new IllegalArgumentException("--nproc trains data-parallel over NCCL, which needs --device cuda (one GPU per"
          + " process) or cuda-emu (the emulated GPU and Duel's stand-in NCCL), not " + device);
    }
    return true;
  }

  /**
   * How this process shares the work: one rank of the world (rendezvous + NCCL, once), the simulation of
   * --simulate-ranks, or a plain single process.
   */
  DataParallel join(String device) throws IOException {
    if (par != null) return par;
    if (worker == null) {
      par = options.simulateRanks > 0 ? DataParallel.simulated(options.simulateRanks) : DataParallel.single();
      return par;
    }
    if (!device.equals("cuda") && !device.equals("cuda-emu")) {
      throw new IllegalArgumentException("rank " + worker.rank() + ": data-parallel training needs --device cuda or cuda-emu, not " + device);
    }
    long timeout = options.rendezvousTimeout * 1000L;
    lifeline = RendezvousClient.join(worker.rendezvous(), worker.rank(), worker.worldSize(),
        () -> NcclLibraries.uniqueId(device), timeout);
    Backend backend = Devices.get(device);
    comm = NcclCommunicator.open(backend, lifeline.uniqueId(), worker.worldSize(), worker.rank());
    lifeline.watch(why -> stop("stopping: " + why));
    if (worker.launcherPid() > 0) {
      ProcessHandle.of(worker.launcherPid()).ifPresentOrElse(
          h -> h.onExit().thenRun(() -> stop("stopping: the launcher (pid " + worker.launcherPid() + ") went away")),
          () -> stop("stopping: the launcher (pid " + worker.launcherPid() + ") is gone"));
    }
    par = DataParallel.rank(comm);
    return par;
  }

  /** Another rank or the launcher failed: abort NCCL (so no collective waits on) and end this process now. */
  private void stop(String why) {
    // Ranks fail together when they share the cause (a NaN loss is the same averaged value everywhere): give this
    // rank's own failure 2 s to be reported before the other rank's news ends the process.
    try {
      Thread.sleep(2000);
    } catch (InterruptedException ignored) {
      // stop now
    }
    if (failing) return;
    io.err().println("duel train: rank " + worker.rank() + ": " + why);
    io.err().flush();
    try {
      if (comm != null) comm.abort();
    } catch (RuntimeException ignored) {
      // going down anyway
    }
    Runtime.getRuntime().halt(1);
  }

  /** "  ranks      2 (NCCL: Duel's stand-in NCCL 2.27.3 (…)), this is rank 0; global batch 64 = 2 × 32" and the like. */
  String describe() {
    if (par == null || par.world() == 1) return null;
    if (comm == null) {
      return "  ranks      " + par.world() + " simulated in this process (--simulate-ranks): the global batches and noise of"
          + " --nproc " + par.world() + ", no communication";
    }
    return "  ranks      " + par.world() + " over " + comm.describe() + "; gradients averaged every step, rank 0 writes";
  }

  /** Trains; in a worker, tells the rendezvous DONE, or FAIL with the reason (the other ranks then stop, naming this one). */
  StepStats run(RunTrainer trainer) throws IOException {
    if (lifeline == null) return trainer.train();
    try {
      StepStats s = trainer.train();
      lifeline.done();
      comm.close();
      return s;
    } catch (IOException | RuntimeException e) {
      failing = true;
      lifeline.fail(Main.describe(e));
      throw new IllegalStateException("rank " + worker.rank() + " of " + worker.worldSize() + ": " + Main.describe(e), e);
    }
  }
}
