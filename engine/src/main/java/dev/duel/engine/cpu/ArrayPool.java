package dev.duel.engine.cpu;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Recycles float arrays by exact length, so a training loop in steady state (the same shapes every
 * step, tensors freed by MemoryScope) allocates no new arrays. Arrays are zeroed when handed out, as
 * {@link dev.duel.engine.Backend#allocate} promises. Bounded: at most {@link #MAX_BYTES} are parked.
 */
public final class ArrayPool {
  static final long MAX_BYTES = 1L << 30;
  private static final int MIN_POOLED = 1024;
  private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
  private long parkedBytes;
  private long allocatedBytes;

  synchronized float[] take(int n) {
    float[] a = recycled(n);
    if (a == null) return fresh(n);
    Arrays.fill(a, 0f);
    return a;
  }

  /** An array of length n with unspecified contents: a recycled one as it was left, or a new one. */
  synchronized float[] takeForOverwrite(int n) {
    float[] a = recycled(n);
    return a != null ? a : fresh(n);
  }

  /** A parked array of length n, or null. */
  private float[] recycled(int n) {
    if (n < MIN_POOLED) return null;
    ArrayDeque<float[]> q = free.get(n);
    float[] a = q == null ? null : q.poll();
    if (a != null) parkedBytes -= 4L * n;
    return a;
  }

  private float[] fresh(int n) {
    allocatedBytes += 4L * n;
    return new float[n];
  }

  synchronized void give(float[] a) {
    if (a.length < MIN_POOLED || parkedBytes + 4L * a.length > MAX_BYTES) return;
    free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
    parkedBytes += 4L * a.length;
  }

  /** Bytes of new arrays allocated since start (pool misses), a measure of allocation in steady state. */
  public synchronized long allocatedBytes() {
    return allocatedBytes;
  }

  public synchronized long parkedBytes() {
    return parkedBytes;
  }
}
