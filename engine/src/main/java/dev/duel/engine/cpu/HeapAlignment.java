package dev.duel.engine.cpu;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Where a float array sits relative to a cache line, so that a packed GEMM panel can start on one.
 *
 * <p>Why: a 64-byte vector load from an address that is not a multiple of 64 touches two cache lines (a
 * split load, two L1 accesses). The micro-kernel loads two such vectors of its B panel every k step; with the
 * panels on a line boundary the 2048² product ran 6–8% faster on one core of the AVX-512 Intel of
 * docs/benchmarks.md (session 18). Java does not say where an array is, and under the parallel collector a
 * large array may start at any multiple of 8 bytes, different from JVM to JVM, which made the GEMM's speed
 * depend on the JVM it ran in.
 *
 * <p>How: the array is passed to libc's {@code memset} with a length of 0 through a critical downcall, which
 * hands native code the heap address of the array's first element, and memset returns its pointer argument.
 * Nothing is written. The address holds until the collector next moves the array; a panel packed and read
 * at an offset computed once stays correct whatever happens after (the offset is only an index), it may just
 * lose the alignment. The lookup takes 3.5–7 ns once compiled (26 ns before; an ad-hoc loop on the AVX-512
 * Intel, session 19), and is done once per packed buffer per product.
 *
 * <p>Without native access for this module (no {@code --enable-native-access}; the launcher and the tests
 * give it) or without a C library, {@link #floatsToLine} answers 0: the panels start where the array starts,
 * as before, and no warning is printed.
 */
final class HeapAlignment {
  private HeapAlignment() {}

  /** The cache line, and the alignment sought: one AVX-512 vector. */
  static final int LINE_BYTES = 64;
  /** Floats of slack a buffer needs so that {@link #floatsToLine} always leaves room: one line. */
  static final int SLACK_FLOATS = LINE_BYTES / Float.BYTES;

  private static final MethodHandle MEMSET = memset();

  /** Whether addresses are known ({@link #floatsToLine} can be non-zero): for {@code duel info}. */
  static boolean available() {
    return MEMSET != null;
  }

  /**
   * The smallest i ≥ 0 such that a[i] starts a cache line now (0 ≤ i < {@link #SLACK_FLOATS}), or 0 when the
   * address cannot be known.
   */
  static int floatsToLine(float[] a) {
    if (MEMSET == null || a.length == 0) return 0;
    long address;
    try {
      address = ((MemorySegment) MEMSET.invokeExact(MemorySegment.ofArray(a), 0, 0L)).address();
    } catch (Throwable t) {
      return 0;
    }
    return floatsToLine(address);
  }

  /** Floats from a float at {@code address} to the next line boundary (0 on one, or when no float lands on one). */
  static int floatsToLine(long address) {
    long past = address & (LINE_BYTES - 1);
    return past == 0 || (past & (Float.BYTES - 1)) != 0 ? 0 : (int) ((LINE_BYTES - past) / Float.BYTES);
  }

  private static MethodHandle memset() {
    try {
      if (!HeapAlignment.class.getModule().isNativeAccessEnabled()) return null;
      Linker linker = Linker.nativeLinker();
      MethodHandle h = linker.defaultLookup().find("memset").map(symbol -> linker.downcallHandle(symbol,
          FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
          Linker.Option.critical(true))).orElse(null);
      if (h != null) {
        // A heap segment must reach native code as its address; if it does not, know nothing.
        MemorySegment r = (MemorySegment) h.invokeExact(MemorySegment.ofArray(new float[SLACK_FLOATS]), 0, 0L);
        if (r.address() == 0) return null;
      }
      return h;
    } catch (Throwable t) {
      return null;
    }
  }
}
