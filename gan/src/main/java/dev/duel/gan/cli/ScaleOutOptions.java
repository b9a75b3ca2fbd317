package dev.duel.gan.cli;

import picocli.CommandLine.Option;

/**
 * {@code duel train}'s data-parallel options (docs/scale-out.md): the torchrun-like launch, and the one-process
 * simulation of W ranks that a data-parallel run is checked against.
 */
final class ScaleOutOptions {
  @Option(names = "--nproc", paramLabel = "N",
      description = "data parallel: N worker processes on this node, one GPU each, gradients averaged with NCCL"
          + " (--device cuda or cuda-emu); --batch is the global batch, divided among the ranks (default: 0 = one process)")
  int nproc;

  @Option(names = "--nnodes", paramLabel = "M", description = "nodes in the job, each running --nproc workers (default: 1)")
  int nnodes = 1;

  @Option(names = "--node-rank", paramLabel = "R", description = "this node's index, 0 … M-1; node 0 hosts the rendezvous (default: 0)")
  int nodeRank;

  @Option(names = "--rendezvous", paramLabel = "HOST:PORT",
      description = "where node 0 hands out NCCL's unique id (needed with --nnodes > 1; one node: a free local port)")
  String rendezvous;

  @Option(names = "--rendezvous-timeout", paramLabel = "S",
      description = "seconds for every rank to join before the job fails, naming the missing ranks (default: 300)")
  int rendezvousTimeout = 300;

  @Option(names = "--simulate-ranks", paramLabel = "N",
      description = "train in one process on exactly the global batches and noise that --nproc N would use (no NCCL):"
          + " the reference a data-parallel run is compared with")
  int simulateRanks;

  /** Usage checks; {@code worker}: this JVM is a rank the launcher started. */
  boolean check(boolean worker) {
    if (nproc < 0 || nnodes < 1 || nodeRank < 0 || nodeRank >= nnodes || simulateRanks < 0 || rendezvousTimeout < 1) {
      throw new IllegalArgumentException("--nproc and --simulate-ranks must be ≥ 0, --nnodes ≥ 1, --node-rank 0 … --nnodes − 1,"
          + " --rendezvous-timeout ≥ 1");
    }
    if (nproc == 0 && (nnodes > 1 || nodeRank > 0 || rendezvous != null)) {
      throw new IllegalArgumentException("--nnodes, --node-rank and --rendezvous launch workers: give --nproc too");
    }
    if (nnodes > 1 && rendezvous == null) {
      throw new IllegalArgumentException("--nnodes " + nnodes + " needs --rendezvous HOST:PORT (node 0's address, the same on every node)");
    }
    if (simulateRanks > 0 && nproc > 0) {
      throw new IllegalArgumentException("--simulate-ranks runs the ranks in one process; it does not go with --nproc");
    }
    return true;
  }

  /** True when this JVM starts workers (it is not one). */
  boolean launches(boolean worker) {
    return !worker && nproc > 0;
  }

  int world() {
    return nproc * nnodes;
  }

  /** --batch is global and must divide by the world size. */
  boolean checkBatch(int batch) {
    if (batch % world() != 0) {
      throw new IllegalArgumentException("--batch " + batch + " is the global batch and must divide by the " + world()
          + " ranks (--nproc " + nproc + (nnodes > 1 ? " × --nnodes " + nnodes : "") + "); use a multiple of " + world());
    }
    return true;
  }

  /** " --nproc N" (and the node options) for the "Continue with:" line of a data-parallel run; "" otherwise. */
  String relaunchArgs() {
    if (nproc == 0) return "";
    return " --nproc " + nproc + (nnodes > 1 ? " --nnodes " + nnodes + " --node-rank " + nodeRank + " --rendezvous " + rendezvous : "");
  }
}
