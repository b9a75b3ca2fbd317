package dev.duel.engine;

/**
 * A reference-counted buffer shared by a tensor and its views. The buffer goes back to its backend
 * when the last tensor using it is closed, so GPU memory is freed deterministically (not by the GC).
 */
final class Storage {
  /** Storages are numbered as they are made: {@link Autograd} tells the buffers its closures made from older ones. */
  private static final java.util.concurrent.atomic.AtomicLong MADE = new java.util.concurrent.atomic.AtomicLong();
  final long serial = MADE.getAndIncrement();
  final Buffer buffer;
  private int refs = 1;

  /** The serial the next storage made will have. */
  static long nextSerial() {
    return MADE.get();
  }

  Storage(Buffer buffer) {
    this.buffer = buffer;
  }

  synchronized void retain() {
    if (refs <= 0) throw new IllegalStateException("tensor storage used after it was freed");
    refs++;
  }

  synchronized void release() {
    if (refs <= 0) return;
    if (--refs == 0) buffer.close();
  }

  /** Whether another tensor (a view) holds this storage too. */
  synchronized boolean isShared() {
    return refs > 1;
  }

  synchronized boolean isFreed() {
    return refs <= 0;
  }
}
