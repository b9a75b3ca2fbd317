package dev.duel.engine;

/** A backend's flat float32 memory. Freed by {@link #close()}, after which it must not be used. */
public interface Buffer extends AutoCloseable {
  /** Capacity in floats. */
  long size();

  Backend backend();

  @Override
  void close();
}
