package dev.duel.engine.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread pool of the CPU backend: {@link #threads()} threads in all (the caller plus
 * {@code threads() − 1} daemon workers), and a low-overhead parallel-for over index ranges.
 *
 * <p>Size: {@code Runtime.availableProcessors()}, overridden by the system property
 * {@code duel.threads} or else the environment variable {@code DUEL_THREADS} (a positive integer;
 * 1 turns parallelism off).
 *
 * <p>How a call runs: {@code parallelFor(n, grain, body)} cuts {@code [0, n)} into equal chunks of at least
 * {@code grain} indices (at most {@code 4·threads()} chunks, so that a core slowed by other load
 * takes fewer of them), the caller and the woken workers claim chunks from one atomic counter, and
 * the call returns when every chunk has run. The caller always works too, so a call on a busy or
 * one-thread pool simply runs inline.
 *
 * <p>Nesting and concurrency: a call made from inside a running body (on any pool thread), or from
 * another thread while the pool is busy, runs its whole range inline on the calling thread. That is
 * always correct and never deadlocks; it only gives up parallelism for the inner call.
 *
 * <p>Exceptions: the first exception thrown by a body is rethrown to the caller (wrapped in a
 * RuntimeException when checked) after the other chunks have finished; the remaining unclaimed
 * chunks are skipped.
 */
public final class CpuPool {
  private CpuPool() {}

  /** The body of a parallel loop: processes indices {@code from} (inclusive) to {@code to} (exclusive). */
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to);
  }

  private static final int THREADS = resolveThreads();
  /** Chunks per thread at most: more chunks balance load on a shared machine, fewer cost less. */
  private static final int CHUNKS_PER_THREAD = 4;
  /** Spin iterations before a waiting thread parks (≈ tens of microseconds). */
  private static final int SPINS = 1 << 14;

  private static final AtomicBoolean BUSY = new AtomicBoolean();
  private static final Worker[] WORKERS = startWorkers(THREADS - 1);
  /** The job being run; workers wait for {@code job.epoch} to change. */
  private static volatile Job current;

  /** Number of threads that run a parallel loop (caller included), at least 1. */
  public static int threads() {
    return THREADS;
  }

  /**
   * Whether a parallel loop started now on this thread would run inline: the pool has one thread, or
   * a loop is already running (this call is nested in a body, or another thread holds the pool). A
   * caller that splits work differently when it runs alone (e.g. a GEMM, which then needs no column
   * groups that each repack A) asks this first; the answer can go stale, which costs only speed.
   */
  public static boolean runsInline() {
    return THREADS == 1 || BUSY.get();
  }

  /**
   * Runs {@code body} over {@code [0, n)} split into chunks of at least {@code grain} indices, in
   * parallel. Returns when all of it has run. {@code n <= 0} does nothing.
   *
   * @param grain the smallest chunk worth a thread (≥ 1): pick it so one chunk is at least a few
   *              microseconds of work
   */
  public static void parallelFor(int n, int grain, RangeBody body) {
    if (n <= 0) return;
    if (grain < 1) throw new IllegalArgumentException("CpuPool.parallelFor: grain must be >= 1, got " + grain);
    long maxChunks = Math.min((long) THREADS * CHUNKS_PER_THREAD, n / grain);
    run(body, n, (int) Math.max(1, maxChunks));
  }

  /**
   * {@link #parallelFor} over exactly {@code tasks} single-index chunks: body.run(t, t + 1) for every
   * t, for coarse work items whose order the caller has already arranged (e.g. GEMM blocks).
   */
  public static void parallelTasks(int tasks, RangeBody body) {
    if (tasks <= 0) return;
    run(body, tasks, tasks);
  }

  /** Runs [0, n) as {@code chunks} chunks on the pool, or inline when one chunk or the pool is taken. */
  private static void run(RangeBody body, int n, int chunks) {
    if (chunks <= 1 || THREADS == 1 || !BUSY.compareAndSet(false, true)) {
      body.run(0, n);
      return;
    }
    try {
      Job job = new Job(body, n, chunks, Thread.currentThread());
      current = job;
      for (Worker w : WORKERS) w.wake();
      job.work();
      job.awaitDone();
      current = null;
      job.rethrow();
    } finally {
      BUSY.set(false);
    }
  }

  /** One parallel loop: chunk c covers [c·n/chunks, (c+1)·n/chunks). */
  private static final class Job {
    private static final AtomicInteger EPOCHS = new AtomicInteger();
    final int epoch = EPOCHS.incrementAndGet();
    final RangeBody body;
    final int n;
    final int chunks;
    final Thread caller;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger remaining;
    volatile Throwable error;

    Job(RangeBody body, int n, int chunks, Thread caller) {
      this.body = body;
      this.n = n;
      this.chunks = chunks;
      this.caller = caller;
      this.remaining = new AtomicInteger(chunks);
    }

    /** Claims and runs chunks until none is left. */
    void work() {
      int c;
      while ((c = next.getAndIncrement()) < chunks) {
        try {
          if (error == null) {
            int from = (int) ((long) c * n / chunks);
            int to = (int) ((long) (c + 1) * n / chunks);
            body.run(from, to);
          }
        } catch (Throwable t) {
          if (error == null) error = t;
        } finally {
          if (remaining.decrementAndGet() == 0) LockSupport.unpark(caller);
        }
      }
    }

    void awaitDone() {
      for (int i = 0; remaining.get() > 0; i++) {
        if (i < SPINS) Thread.onSpinWait();
        else LockSupport.park(this);
      }
    }

    void rethrow() {
      Throwable t = error;
      if (t == null) return;
      if (t instanceof RuntimeException re) throw re;
      if (t instanceof Error e) throw e;
      throw new RuntimeException("CpuPool: a parallel body failed", t);
    }
  }

  private static final class Worker extends Thread {
    private volatile boolean parked;
    private int seenEpoch;

    Worker(int index) {
      super("duel-cpu-" + index);
      setDaemon(true);
    }

    void wake() {
      if (parked) LockSupport.unpark(this);
    }

    @Override
    public void run() {
      while (true) {
        Job job = awaitJob();
        seenEpoch = job.epoch;
        job.work();
      }
    }

    private Job awaitJob() {
      for (int i = 0; ; i++) {
        Job job = current;
        if (job != null && job.epoch != seenEpoch) return job;
        if (i < SPINS) {
          Thread.onSpinWait();
        } else {
          parked = true;
          job = current; // re-check after publishing 'parked', so a wake() in between is not lost
          if (job == null || job.epoch == seenEpoch) LockSupport.park(this);
          parked = false;
          i = 0;
        }
      }
    }
  }

  private static Worker[] startWorkers(int count) {
    Worker[] ws = new Worker[count];
    for (int i = 0; i < count; i++) {
      ws[i] = new Worker(i + 1);
      ws[i].start();
    }
    return ws;
  }

  private static int resolveThreads() {
    String prop = System.getProperty("duel.threads");
    String env = System.getenv("DUEL_THREADS");
    String given = prop != null ? prop : env;
    if (given == null || given.isBlank()) return Math.max(1, Runtime.getRuntime().availableProcessors());
    try {
      int t = Integer.parseInt(given.trim());
      if (t >= 1) return t;
    } catch (NumberFormatException ignored) {
      // fall through to the error below
    }
    throw new IllegalArgumentException("CpuPool: " + (prop != null ? "-Dduel.threads" : "DUEL_THREADS")
        + "=" + given + " is not a positive integer; set it to the number of threads to use, e.g. 2");
  }
}
