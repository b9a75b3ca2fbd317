package dev.duel.engine.cpu;

import dev.duel.engine.Backend;
import dev.duel.engine.Buffer;

/** A CPU buffer: a Java float array, returned to the backend's pool when closed. */
public final class CpuBuffer implements Buffer {
  final float[] data;
  private final CpuBackend backend;
  private boolean closed;

  CpuBuffer(CpuBackend backend, float[] data) {
    this.backend = backend;
    this.data = data;
  }

  /** The backing array (for CPU-only fast paths and tests). */
  public float[] array() {
    if (closed) throw new IllegalStateException("CPU buffer used after close");
    return data;
  }

  @Override
  public long size() {
    return data.length;
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    backend.recycle(data);
  }
}
