package dev.duel.engine.cuda.cudnn;

/**
 * One {@code cudnnHandle_t}: created with cudnnCreate, destroyed by {@link #close()}.
 *
 * <p>On a real GPU, create it on a thread where the CUDA context that owns the device memory is
 * current, and use it (and the {@link CudnnConv} / {@link CudnnBatchNorm} built on it) only from such
 * a thread, one thread at a time: it is not thread-safe. Work is queued on the handle's stream
 * ({@link #setStream}; the legacy default stream until then).
 */
public final class CudnnHandle implements AutoCloseable {
  private final Cudnn cudnn;
  private final long handle;
  private boolean closed;

  /** @throws IllegalStateException when cuDNN is unavailable; CudnnException when cudnnCreate fails */
  public CudnnHandle(Cudnn cudnn) {
    this.cudnn = cudnn;
    this.handle = cudnn.create();
  }

  public Cudnn cudnn() { return cudnn; }

  /** The raw handle, for {@link Cudnn}'s thin calls. */
  public long address() {
    if (closed) throw new IllegalStateException("cuDNN handle already closed");
    return handle;
  }

  /** Queue this handle's work on {@code stream} (a CUstream's address; 0 = legacy default stream). */
  public void setStream(long stream) {
    cudnn.setStream(address(), stream);
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    cudnn.destroy(handle);
  }
}
