package dev.duel.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** {@link CpuPool}: every index exactly once, chunk sizes, nesting, concurrent callers, exceptions. */
class CpuPoolTest {

  @Test
  void everyIndexRunsExactlyOnce() {
    for (int n : new int[] {1, 2, 3, 7, 17, 33, 130, 1000, 100_003}) {
      for (int grain : new int[] {1, 3, 64, 1 << 20}) {
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        CpuPool.parallelFor(n, grain, (from, to) -> {
          assertTrue(from < to, "empty chunk " + from + ".." + to);
          for (int i = from; i < to; i++) hits.incrementAndGet(i);
        });
        for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "n=" + n + " grain=" + grain + " index " + i);
      }
    }
  }

  @Test
  void chunksAreAtLeastTheGrainExceptAWholeSmallRange() {
    AtomicInteger smallest = new AtomicInteger(Integer.MAX_VALUE);
    CpuPool.parallelFor(1000, 100, (from, to) -> smallest.accumulateAndGet(to - from, Math::min));
    assertTrue(smallest.get() >= 100, "chunk of " + smallest.get());
    AtomicInteger calls = new AtomicInteger();
    CpuPool.parallelFor(5, 100, (from, to) -> {
      calls.incrementAndGet();
      assertEquals(0, from);
      assertEquals(5, to);
    });
    assertEquals(1, calls.get());
  }

  @Test
  void tasksRunOncePerIndex() {
    AtomicIntegerArray hits = new AtomicIntegerArray(37);
    CpuPool.parallelTasks(37, (from, to) -> {
      for (int i = from; i < to; i++) hits.incrementAndGet(i);
    });
    for (int i = 0; i < 37; i++) assertEquals(1, hits.get(i));
  }

  @Test
  void nestedLoopsRunInlineAndComplete() {
    int outer = 8, inner = 1000;
    AtomicIntegerArray hits = new AtomicIntegerArray(outer * inner);
    CpuPool.parallelFor(outer, 1, (from, to) -> {
      for (int o = from; o < to; o++) {
        int base = o * inner;
        CpuPool.parallelFor(inner, 10, (f2, t2) -> {
          for (int i = f2; i < t2; i++) hits.incrementAndGet(base + i);
        });
      }
    });
    for (int i = 0; i < outer * inner; i++) assertEquals(1, hits.get(i), "index " + i);
  }

  @Test
  void concurrentCallersAllComplete() throws InterruptedException {
    int callers = 4, n = 50_000;
    AtomicIntegerArray hits = new AtomicIntegerArray(callers * n);
    Thread[] ts = new Thread[callers];
    for (int t = 0; t < callers; t++) {
      int base = t * n;
      ts[t] = new Thread(() -> {
        for (int rep = 0; rep < 20; rep++) {
          CpuPool.parallelFor(n, 100, (from, to) -> {
            for (int i = from; i < to; i++) hits.incrementAndGet(base + i);
          });
        }
      });
      ts[t].start();
    }
    for (Thread t : ts) t.join();
    for (int i = 0; i < callers * n; i++) assertEquals(20, hits.get(i), "index " + i);
  }

  @Test
  void theFirstExceptionReachesTheCallerAndThePoolStillWorks() {
    IllegalStateException boom = new IllegalStateException("boom");
    IllegalStateException got = assertThrows(IllegalStateException.class,
        () -> CpuPool.parallelFor(1000, 1, (from, to) -> {
          if (from == 0) throw boom;
        }));
    assertSame(boom, got);
    AtomicInteger sum = new AtomicInteger();
    CpuPool.parallelFor(1000, 1, (from, to) -> sum.addAndGet(to - from));
    assertEquals(1000, sum.get());
  }

  @Test
  void badGrainIsRejectedAndEmptyRangesDoNothing() {
    assertThrows(IllegalArgumentException.class, () -> CpuPool.parallelFor(10, 0, (f, t) -> { }));
    CpuPool.parallelFor(0, 1, (f, t) -> { throw new AssertionError("ran on an empty range"); });
    CpuPool.parallelTasks(0, (f, t) -> { throw new AssertionError("ran on no tasks"); });
    assertTrue(CpuPool.threads() >= 1);
  }
}
