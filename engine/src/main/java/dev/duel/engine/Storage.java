package dev.duel.engine;

/**
 * A reference-counted buffer shared by a tensor and its views. The buffer goes back to its backend
 * when the last tensor using it is closed, so GPU memory is freed deterministically (not by the GC).
 */
final class Storage {
  final Buffer buffer;
  private int refs = 1;

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

  synchronized boolean isFreed() {
    return refs <= 0;
  }
}
