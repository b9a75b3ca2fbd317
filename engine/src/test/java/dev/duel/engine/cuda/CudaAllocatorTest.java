package dev.duel.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The caching allocator's policy on a simulated device (no CUDA needed). */
class CudaAllocatorTest {

  /** A device of {@code capacity} bytes that hands out increasing addresses and can be told to fail. */
  static final class SimulatedDevice implements CudaAllocator.DeviceMemory {
    final long capacity;
    final Map<Long, Long> live = new HashMap<>();
    long next = 1 << 20, used, allocCalls, freeCalls;
    int failNext;

    SimulatedDevice(long capacity) {
      this.capacity = capacity;
    }

    @Override
    public long allocate(long bytes) {
      allocCalls++;
      if (failNext > 0) {
        failNext--;
        throw new CudaAllocator.OutOfDeviceMemory("CUDA_ERROR_OUT_OF_MEMORY (simulated)");
      }
      if (used + bytes > capacity) throw new CudaAllocator.OutOfDeviceMemory("CUDA_ERROR_OUT_OF_MEMORY");
      long a = next;
      next += bytes + 256;
      live.put(a, bytes);
      used += bytes;
      return a;
    }

    @Override
    public void free(long address) {
      freeCalls++;
      Long b = live.remove(address);
      if (b == null) throw new AssertionError("double free of " + address);
      used -= b;
    }

    @Override
    public long[] info() {
      return new long[] {capacity - used, capacity};
    }
  }

  @Test
  void sizeClassesRoundTo512BytesThenToQuarterPowersOfTwo() {
    assertEquals(0, CudaAllocator.sizeClass(0));
    assertEquals(512, CudaAllocator.sizeClass(1));
    assertEquals(512, CudaAllocator.sizeClass(512));
    assertEquals(1024, CudaAllocator.sizeClass(513));
    assertEquals(1 << 20, CudaAllocator.sizeClass(1 << 20));
    assertEquals(5L << 18, CudaAllocator.sizeClass((1 << 20) + 1));          // 1.25 MiB
    assertEquals(3L << 20, CudaAllocator.sizeClass((5L << 19) + 1));         // 2.5 MiB + 1 -> 3 MiB
    assertEquals(4L << 20, CudaAllocator.sizeClass(4L << 20));
    for (long b = 1; b < (64L << 20); b = b * 3 + 7) {
      long c = CudaAllocator.sizeClass(b);
      assertTrue(c >= b && (b <= 512 || c < b * 1.25 + 512), b + " -> " + c);
    }
  }

  @Test
  void freedBlocksAreReusedByTheirSizeClassOnly() {
    SimulatedDevice dev = new SimulatedDevice(1L << 30);
    CudaAllocator alloc = new CudaAllocator(dev);
    CudaAllocator.Block a = alloc.allocate(1000, "test");
    CudaAllocator.Block b = alloc.allocate(3000, "test");
    alloc.release(a);
    CudaAllocator.Block c = alloc.allocate(900, "test");        // same class (1024): a's block
    assertEquals(a.address(), c.address());
    CudaAllocator.Block d = alloc.allocate(2000, "test");       // class 2048: a new block
    assertNotEquals(b.address(), d.address());
    CudaAllocator.Stats s = alloc.stats();
    assertEquals(4, s.requests());
    assertEquals(1, s.cacheHits());
    assertEquals(3, s.deviceAllocations());
    assertEquals(1024 + 3072 + 2048, s.bytesInUse());
    assertEquals(0, s.bytesCached());
    alloc.release(b);
    alloc.release(c);
    alloc.release(d);
    s = alloc.stats();
    assertEquals(0, s.bytesInUse());
    assertEquals(1024 + 3072 + 2048, s.bytesCached());
    assertEquals(1024 + 3072 + 2048, s.peakBytesInUse());
    alloc.emptyCache();
    assertEquals(0, alloc.stats().bytesCached());
    assertEquals(0, dev.used);
    assertEquals(3, dev.freeCalls);
  }

  @Test
  void outOfMemoryFlushesTheCacheAndRetriesOnce() {
    SimulatedDevice dev = new SimulatedDevice(8L << 20);
    CudaAllocator alloc = new CudaAllocator(dev);
    CudaAllocator.Block big = alloc.allocate(6L << 20, "test");
    alloc.release(big);                                          // 6 MiB cached
    CudaAllocator.Block other = alloc.allocate(5L << 20, "test"); // does not fit beside the cache: flush, retry
    assertEquals(1, alloc.stats().cacheFlushes());
    assertEquals(0, alloc.stats().bytesCached());
    alloc.release(other);
  }

  @Test
  void aFailureThatSurvivesTheRetryIsAClearExceptionAndTheAllocatorGoesOn() {
    SimulatedDevice dev = new SimulatedDevice(8L << 20);
    CudaAllocator alloc = new CudaAllocator(dev);
    CudaAllocator.Block kept = alloc.allocate(3L << 20, "weights");
    CudaAllocator.Block cached = alloc.allocate(1000, "scratch");
    alloc.release(cached);
    CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class,
        () -> alloc.allocate(6L << 20, "conv2d im2col columns"));
    String m = e.getMessage();
    assertTrue(m.contains("conv2d im2col columns"), m);          // the op
    assertTrue(m.contains("6.0 MiB"), m);                        // the size
    assertTrue(m.contains("3.0 MiB in use"), m);                 // what is in use
    assertTrue(m.contains("smaller batch"), m);                  // the hint
    assertTrue(m.contains("free of 8.0 MiB"), m);                // the driver's view
    assertEquals(6L << 20, e.bytes());
    assertEquals(3L << 20, e.stats().bytesInUse());
    // usable afterwards: a fitting request succeeds, frees and reuse still work
    CudaAllocator.Block ok = alloc.allocate(4L << 20, "after");
    alloc.release(ok);
    alloc.release(kept);
    assertEquals(0, alloc.stats().bytesInUse());
    dev.failNext = 1;   // one refusal with nothing cached: no retry, a clear error
    assertThrows(CudaOutOfMemoryException.class, () -> alloc.allocate(1L << 30, "too big"));
  }
}
