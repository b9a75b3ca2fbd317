package dev.duel.engine.cuda.nccl;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One rank's NCCL communicator (ncclComm_t): all-reduce and broadcast on device addresses, the async error,
 * abort and destroy. Calls are enqueued on {@code stream} (0: the legacy default stream); an error names this
 * rank, the collective with its count and type, and NCCL's message. Not thread-safe: one thread per rank.
 */
public final class NcclComm implements AutoCloseable {
  private final NcclLibrary lib;
  private MemorySegment comm;
  private final int rank, nranks;

  NcclComm(NcclLibrary lib, MemorySegment comm, int rank, int nranks) {
    this.lib = lib;
    this.comm = comm;
    this.rank = rank;
    this.nranks = nranks;
  }

  public int rank() { return rank; }

  public int size() { return nranks; }

  public NcclLibrary library() { return lib; }

  /** ncclAllReduce: recv[i] = send[i] of rank 0 ∘ … ∘ send[i] of rank n−1, on every rank; send == recv is in place. */
  public void allReduce(long send, long recv, long count, NcclDataType type, NcclRedOp op, long stream) {
    int r;
    try {
      r = (int) lib.allReduce.invokeExact(MemorySegment.ofAddress(send), MemorySegment.ofAddress(recv), count, type.code,
          op.code, live("ncclAllReduce"), MemorySegment.ofAddress(stream));
    } catch (Throwable t) {
      throw new IllegalStateException("ncclAllReduce: " + t, t);
    }
    lib.check(r, rank, "ncclAllReduce(" + count + " × " + type + ", " + op + ")", comm);
  }

  /** ncclBroadcast: recv = root's send, on every rank (send is read on the root only). */
  public void broadcast(long send, long recv, long count, NcclDataType type, int root, long stream) {
    int r;
    try {
      r = (int) lib.broadcast.invokeExact(MemorySegment.ofAddress(send), MemorySegment.ofAddress(recv), count, type.code,
          root, live("ncclBroadcast"), MemorySegment.ofAddress(stream));
    } catch (Throwable t) {
      throw new IllegalStateException("ncclBroadcast: " + t, t);
    }
    lib.check(r, rank, "ncclBroadcast(" + count + " × " + type + ", root " + root + ")", comm);
  }

  /** ncclCommGetAsyncError: ncclSuccess, ncclInProgress, or the error that broke the communicator. */
  public int asyncError() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_INT);
      int r = (int) lib.commGetAsyncError.invokeExact(live("ncclCommGetAsyncError"), out);
      lib.check(r, rank, "ncclCommGetAsyncError", comm);
      return out.get(JAVA_INT, 0);
    } catch (NcclException | IllegalStateException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("ncclCommGetAsyncError: " + t, t);
    }
  }

  /** ncclCommAbort: frees the communicator at once and makes the peers' pending and later calls fail. Idempotent. */
  public void abort() {
    if (comm == null) return;
    MemorySegment c = comm;
    comm = null;
    try {
      int r = (int) lib.commAbort.invokeExact(c);
      if (r != NcclResult.SUCCESS) throw new NcclException(rank, "ncclCommAbort", r, lib.errorString(r));
    } catch (NcclException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("ncclCommAbort: " + t, t);
    }
  }

  /** ncclCommDestroy (after the enqueued work). Idempotent; nothing after an abort. */
  @Override
  public void close() {
    if (comm == null) return;
    MemorySegment c = comm;
    comm = null;
    try {
      int r = (int) lib.commDestroy.invokeExact(c);
      if (r != NcclResult.SUCCESS) throw new NcclException(rank, "ncclCommDestroy", r, lib.errorString(r));
    } catch (NcclException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("ncclCommDestroy: " + t, t);
    }
  }

  private MemorySegment live(String call) {
    if (comm == null) throw new IllegalStateException(call + " on rank " + rank + ": the communicator was closed or aborted");
    return comm;
  }
}
