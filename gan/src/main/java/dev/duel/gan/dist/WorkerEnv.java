package dev.duel.gan.dist;

import java.util.Map;

/**
 * What the launcher ({@link Launcher}) tells each worker JVM, through its environment, as torchrun does with
 * RANK / WORLD_SIZE / LOCAL_RANK / MASTER_ADDR:
 * <pre>
 * DUEL_RANK          this worker's global rank, 0 … W−1 (node rank × nproc + local rank)
 * DUEL_WORLD_SIZE    W = nnodes × nproc
 * DUEL_LOCAL_RANK    its index on this node (its GPU: CUDA_VISIBLE_DEVICES is set to that device)
 * DUEL_RENDEZVOUS    HOST:PORT of the rendezvous that hands out NCCL's unique id
 * DUEL_RUN_NAME      the run's name, fixed by the launcher so that every rank trains the same run
 * DUEL_LAUNCHER_PID  the launcher's pid: a worker whose launcher is gone stops
 * </pre>
 */
public record WorkerEnv(int rank, int worldSize, int localRank, String rendezvous, String runName, long launcherPid) {
  public static final String RANK = "DUEL_RANK", WORLD = "DUEL_WORLD_SIZE", LOCAL_RANK = "DUEL_LOCAL_RANK",
      RENDEZVOUS = "DUEL_RENDEZVOUS", RUN_NAME = "DUEL_RUN_NAME", LAUNCHER_PID = "DUEL_LAUNCHER_PID";

  /** The worker's settings, or null when this JVM is not a worker (no DUEL_RANK). */
  public static WorkerEnv fromEnvironment() {
    return from(System.getenv());
  }

  static WorkerEnv from(Map<String, String> env) {
    String rank = env.get(RANK);
    if (rank == null || rank.isBlank()) return null;
    try {
      WorkerEnv w = new WorkerEnv(Integer.parseInt(rank.strip()), Integer.parseInt(env.getOrDefault(WORLD, "").strip()),
          Integer.parseInt(env.getOrDefault(LOCAL_RANK, "0").strip()), env.getOrDefault(RENDEZVOUS, ""),
          env.getOrDefault(RUN_NAME, ""), Long.parseLong(env.getOrDefault(LAUNCHER_PID, "0").strip()));
      if (w.worldSize < 1 || w.rank < 0 || w.rank >= w.worldSize || w.rendezvous.isBlank()) throw new NumberFormatException();
      return w;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("this is a duel train worker (" + RANK + "=" + rank + ") but " + WORLD + "="
          + env.get(WORLD) + ", " + RENDEZVOUS + "=" + env.get(RENDEZVOUS) + " do not make a world it belongs to;"
          + " start workers with duel train --nproc N, not by hand");
    }
  }
}
