package dev.duel.engine.cuda;

/**
 * The GPU had no memory left for an allocation, even after the caching allocator returned every
 * cached block to the driver and retried once. The allocator stays usable: free tensors and go on.
 */
public final class CudaOutOfMemoryException extends CudaOpException {
  private static final long serialVersionUID = 1L;
  static final String HINT = "use a smaller batch or model, close tensors you no longer need (or run the step in a"
      + " MemoryScope), and check that no other process holds GPU memory (nvidia-smi)";

  private final long bytes;
  private final CudaAllocator.Stats stats;

  /** {@code error}: the driver's error name plus what is in use (built by the allocator). */
  CudaOutOfMemoryException(String op, long bytes, CudaAllocator.Stats stats, String error, Throwable cause) {
    super(op, "cuMemAlloc of " + CudaAllocator.human(bytes), error, HINT, cause);
    this.bytes = bytes;
    this.stats = stats;
  }

  /** The size that could not be allocated (rounded up to the allocator's size class). */
  public long bytes() {
    return bytes;
  }

  /** The allocator's statistics at the failure. */
  public CudaAllocator.Stats stats() {
    return stats;
  }

  @Override
  CudaOpException blame(String op) {
    if (!op().isEmpty()) return this;
    CudaOutOfMemoryException e = new CudaOutOfMemoryException(op, bytes, stats, error(), getCause());
    e.setStackTrace(getStackTrace());
    return e;
  }
}
