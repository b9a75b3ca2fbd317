package dev.duel.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link HeapAlignment}: the offset arithmetic, and that the tests' JVM (native access on) knows addresses. */
class HeapAlignmentTest {
  @Test
  void floatsToTheNextLine() {
    assertEquals(0, HeapAlignment.floatsToLine(0L));
    assertEquals(0, HeapAlignment.floatsToLine(64L * 1001));
    assertEquals(12, HeapAlignment.floatsToLine(64L * 7 + 16), "an array's first float 16 bytes past a line");
    assertEquals(14, HeapAlignment.floatsToLine(64L * 7 + 8));
    assertEquals(1, HeapAlignment.floatsToLine(64L * 7 + 60));
    assertEquals(0, HeapAlignment.floatsToLine(64L * 7 + 2), "no float starts on a line: stay where it is");
  }

  @Test
  void addressesAreKnownWithNativeAccessAndTheOffsetFitsTheSlack() {
    // The build's test JVM has --enable-native-access=ALL-UNNAMED, as the launcher does.
    assertTrue(HeapAlignment.available(), "memset's critical downcall should be available on Linux with native access");
    boolean someNonZero = false;
    for (int size : new int[] {1, 17, 1000, 1 << 16, 1 << 22}) {
      for (int i = 0; i < 8; i++) {
        float[] a = new float[size + i];
        int off = HeapAlignment.floatsToLine(a);
        assertTrue(off >= 0 && off < HeapAlignment.SLACK_FLOATS, "offset " + off + " for " + a.length + " floats");
        assertEquals(0, off % 2, "Java arrays start on 8 bytes, so the offset is a whole number of float pairs");
        someNonZero |= off != 0;
      }
    }
    // An array's first element is 16 bytes past an 8-aligned object start: not every one can sit on a line.
    assertTrue(someNonZero, "40 arrays all starting on a cache line: the address is not being read");
  }
}
