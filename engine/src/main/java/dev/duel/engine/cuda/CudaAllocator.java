package dev.duel.engine.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A caching device allocator (the idea of PyTorch's CUDACachingAllocator, without streams): freed
 * blocks go to a free list of their size class and are handed out again instead of calling
 * {@code cuMemFree}/{@code cuMemAlloc}, which synchronise the device and cost tens of microseconds. A
 * training loop in steady state therefore allocates no new device memory after its first step.
 *
 * <p><b>Size classes.</b> Up to 1 MiB: multiples of 512 B. Above: multiples of a quarter of the
 * request's power of two (1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4 MiB, ...), so rounding wastes less than
 * 25%. A block is reused only for its own class.
 *
 * <p><b>Ordering.</b> Every op runs on the one (legacy default) stream, so a block freed while kernels
 * that use it are still queued can be handed out at once: work queued later runs after them.
 *
 * <p><b>Out of memory.</b> When the driver refuses an allocation, every cached block is freed and the
 * allocation retried once; if it fails again a {@link CudaOutOfMemoryException} names the op, the
 * size and what is in use, and the allocator stays usable. Thread-safe.
 */
public final class CudaAllocator {

  /** The driver calls the allocator makes (cuMemAlloc, cuMemFree, cuMemGetInfo), pluggable for tests. */
  interface DeviceMemory {
    /** A block of {@code bytes} (256-byte aligned); throws {@link OutOfDeviceMemory} when the device is full. */
    long allocate(long bytes);

    void free(long address);

    /** Waits for all queued work (before cached blocks go back to the driver). */
    default void sync() {}

    /** {free, total} bytes of the device, or null when unknown. */
    long[] info();
  }

  /** The driver said CUDA_ERROR_OUT_OF_MEMORY (or its like); {@code error} is its name and message. */
  static final class OutOfDeviceMemory extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OutOfDeviceMemory(String error) {
      super(error, null, false, false);
    }
  }

  /** One block handed out: its address and its size class in bytes. */
  record Block(long address, long bytes) {}

  /**
   * The allocator's counters.
   *
   * @param bytesInUse        bytes of the blocks handed out and not yet freed (size-class bytes)
   * @param bytesCached       bytes parked on the free lists
   * @param peakBytesInUse    the largest bytesInUse so far
   * @param blocksInUse       blocks handed out and not yet freed
   * @param requests          allocations asked for (of more than 0 bytes)
   * @param cacheHits         of those, served from a free list
   * @param deviceAllocations cuMemAlloc calls that succeeded
   * @param deviceFrees       cuMemFree calls
   * @param cacheFlushes      times the whole cache was returned to the driver (out of memory, or emptyCache)
   * @param reclaimed         buffers nobody closed, returned when the garbage collector found them
   */
  public record Stats(long bytesInUse, long bytesCached, long peakBytesInUse, long blocksInUse, long requests,
                      long cacheHits, long deviceAllocations, long deviceFrees, long cacheFlushes, long reclaimed) {
    /** Device memory held: in use plus cached. */
    public long bytesReserved() {
      return bytesInUse + bytesCached;
    }

    public String describe() {
      return "allocator: " + human(bytesInUse) + " in use in " + blocksInUse + " blocks (peak " + human(peakBytesInUse)
          + "), " + human(bytesCached) + " cached, " + requests + " requests, " + cacheHits + " cache hits, "
          + deviceAllocations + " cuMemAlloc";
    }
  }

  static final long SMALL = 1L << 20;
  static final long SMALL_QUANTUM = 512;

  private final DeviceMemory memory;
  private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
  private long bytesInUse, bytesCached, peak, blocksInUse, requests, hits, deviceAllocations, deviceFrees, flushes,
      reclaimed;

  CudaAllocator(DeviceMemory memory) {
    this.memory = memory;
  }

  /** The size class of a request: 512-byte multiples up to 1 MiB, then quarter powers of two. */
  static long sizeClass(long bytes) {
    if (bytes <= 0) return 0;
    if (bytes <= SMALL) return (bytes + SMALL_QUANTUM - 1) / SMALL_QUANTUM * SMALL_QUANTUM;
    long quarter = Long.highestOneBit(bytes - 1) / 4;
    return (bytes + quarter - 1) / quarter * quarter;
  }

  /**
   * A block of at least {@code bytes}; its contents are undefined. {@code op} names the caller for the
   * out-of-memory message.
   *
   * @throws CudaOutOfMemoryException when the device is full even with the cache returned
   */
  public synchronized Block allocate(long bytes, String op) {
    if (bytes < 0) throw new IllegalArgumentException(op + ": negative allocation of " + bytes + " bytes");
    if (bytes == 0) return new Block(0, 0);
    long cls = sizeClass(bytes);
    requests++;
    ArrayDeque<Long> list = free.get(cls);
    long address;
    if (list != null && !list.isEmpty()) {
      address = list.pop();
      bytesCached -= cls;
      hits++;
    } else {
      address = fromDevice(cls, op);
    }
    bytesInUse += cls;
    blocksInUse++;
    peak = Math.max(peak, bytesInUse);
    return new Block(address, cls);
  }

  private long fromDevice(long cls, String op) {
    try {
      long a = memory.allocate(cls);
      deviceAllocations++;
      return a;
    } catch (OutOfDeviceMemory first) {
      if (bytesCached > 0) {
        releaseCache();
        try {
          long a = memory.allocate(cls);
          deviceAllocations++;
          return a;
        } catch (OutOfDeviceMemory second) {
          throw outOfMemory(op, cls, second);
        }
      }
      throw outOfMemory(op, cls, first);
    }
  }

  private CudaOutOfMemoryException outOfMemory(String op, long cls, OutOfDeviceMemory e) {
    long[] info = null;
    try {
      info = memory.info();
    } catch (RuntimeException ignored) {
      // the message is still useful without the driver's view
    }
    String error = e.getMessage() + " (" + stats().describe()
        + (info != null ? "; the driver reports " + human(info[0]) + " free of " + human(info[1]) : "") + ")";
    return new CudaOutOfMemoryException(op, cls, stats(), error, e);
  }

  /** Returns a block to its free list (never to the driver: see {@link #emptyCache()}). */
  synchronized void release(Block b) {
    if (b.bytes() == 0) return;
    bytesInUse -= b.bytes();
    blocksInUse--;
    free.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).push(b.address());
    bytesCached += b.bytes();
  }

  /** {@link #release} of a buffer the garbage collector found unclosed. */
  synchronized void reclaim(Block b) {
    reclaimed++;
    release(b);
  }

  /** Returns every cached block to the driver (cuMemFree); blocks in use are untouched. */
  public synchronized void emptyCache() {
    releaseCache();
  }

  private void releaseCache() {
    flushes++;
    if (bytesCached > 0) memory.sync();   // queued kernels may still use blocks freed into the cache
    for (Map.Entry<Long, ArrayDeque<Long>> e : free.entrySet()) {
      for (Long a : e.getValue()) {
        memory.free(a);
        deviceFrees++;
        bytesCached -= e.getKey();
      }
      e.getValue().clear();
    }
    free.clear();
  }

  public synchronized Stats stats() {
    return new Stats(bytesInUse, bytesCached, peak, blocksInUse, requests, hits, deviceAllocations, deviceFrees, flushes,
        reclaimed);
  }

  /** 1536 -> "1.5 KiB". */
  static String human(long bytes) {
    if (bytes < 1024) return bytes + " B";
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
