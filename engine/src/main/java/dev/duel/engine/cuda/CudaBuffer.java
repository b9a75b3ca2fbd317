package dev.duel.engine.cuda;

import dev.duel.engine.Backend;
import dev.duel.engine.Buffer;
import java.lang.ref.Cleaner;

/**
 * A block of device memory holding {@code size} floats, from the {@link CudaAllocator}. {@link #close()}
 * returns it to the allocator's cache (idempotent); the engine's Storage refcounting and MemoryScope
 * close buffers deterministically. A buffer that is never closed is returned when the garbage
 * collector finds it (counted in {@link CudaAllocator.Stats#reclaimed()}): a leak, not a crash.
 */
final class CudaBuffer implements Buffer {
  private static final Cleaner CLEANER = Cleaner.create();
  /**
   * -Dduel.cuda.traceLeaks=true: each buffer remembers where it was allocated, and a buffer the garbage
   * collector reclaims prints that stack (once per allocation site) on stderr. Off by default: a stack
   * per allocation is slow.
   */
  private static final boolean TRACE_LEAKS = Boolean.getBoolean("duel.cuda.traceLeaks");
  private static final java.util.Set<String> REPORTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final CudaBackend backend;
  private final long size;
  private final long address;
  private final Release release;
  private final Cleaner.Cleanable cleanable;

  /** Returns the block once: from close() (explicit) or from the Cleaner (a buffer nobody closed). */
  private static final class Release implements Runnable {
    private final CudaAllocator allocator;
    private final CudaAllocator.Block block;
    private final Throwable origin;
    private volatile boolean explicit;

    Release(CudaAllocator allocator, CudaAllocator.Block block) {
      this.allocator = allocator;
      this.block = block;
      this.origin = TRACE_LEAKS ? new Throwable("a CUDA buffer of " + block.bytes() + " bytes, never closed, allocated") : null;
    }

    @Override
    public void run() {
      if (explicit) {
        allocator.release(block);
        return;
      }
      allocator.reclaim(block);
      if (origin != null) {
        java.io.StringWriter trace = new java.io.StringWriter();
        origin.printStackTrace(new java.io.PrintWriter(trace));
        String site = trace.toString().lines().skip(1).limit(12).reduce("", (a, b) -> a + b + "\n");
        if (REPORTED.add(site)) System.err.print("duel.cuda.traceLeaks: " + trace);
      }
    }
  }

  CudaBuffer(CudaBackend backend, CudaAllocator allocator, long size, CudaAllocator.Block block) {
    this.backend = backend;
    this.size = size;
    this.address = block.address();
    this.release = new Release(allocator, block);
    this.cleanable = block.bytes() == 0 ? null : CLEANER.register(this, release);
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public Backend backend() {
    return backend;
  }

  /** The device address of element {@code offset}. */
  long address(long offset) {
    if (closed) throw new IllegalStateException("cuda: a buffer of " + size + " floats was used after close()");
    return address + 4L * offset;
  }

  private volatile boolean closed;

  boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    if (cleanable != null) {
      release.explicit = true;
      cleanable.clean();
    }
  }

  @Override
  public String toString() {
    return "CudaBuffer[" + size + " floats at 0x" + Long.toHexString(address) + (closed ? ", closed]" : "]");
  }
}
