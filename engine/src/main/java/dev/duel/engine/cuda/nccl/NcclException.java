package dev.duel.engine.cuda.nccl;

/**
 * A failed NCCL call: which rank, which call (the collective and its size), NCCL's result code and name, its
 * error string and, where the library keeps one, its last message ({@code ncclGetLastError}).
 * {@link #remote()} is true for ncclRemoteError and ncclSystemError (a peer died, the network failed, a
 * time-out): the job cannot go on, the communicator should be aborted.
 */
public final class NcclException extends RuntimeException {
  private final int rank;
  private final String call;
  private final int result;

  public NcclException(int rank, String call, int result, String detail) {
    super("NCCL " + call + (rank >= 0 ? " on rank " + rank : "") + " failed: " + NcclResult.name(result)
        + (detail == null || detail.isBlank() ? "" : ": " + detail));
    this.rank = rank;
    this.call = call;
    this.result = result;
  }

  /** The rank that made the call, or -1 before it had one (ncclGetUniqueId). */
  public int rank() { return rank; }

  public String call() { return call; }

  /** NCCL's ncclResult_t. */
  public int result() { return result; }

  /** A peer or the system failed (ncclRemoteError, ncclSystemError): abort, do not retry. */
  public boolean remote() {
    return result == NcclResult.REMOTE_ERROR || result == NcclResult.SYSTEM_ERROR;
  }
}
