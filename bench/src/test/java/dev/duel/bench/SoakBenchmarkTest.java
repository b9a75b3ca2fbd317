package dev.duel.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The soak's verdict: (max − min) / first ≤ 5% after the warm-up; a count growing from 0 is not flat. */
class SoakBenchmarkTest {
  private static boolean flat(long... values) {
    return SoakBenchmark.verdict(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "x", values);
  }

  @Test
  void spreadWithinFivePercentOfTheFirstSampleIsFlat() {
    assertTrue(flat(1000, 1049, 1000, 1020));
    assertTrue(flat(1000, 950, 1000));
    assertFalse(flat(1000, 1040, 960));            // 8% spread
    assertFalse(flat(1000, 1010, 1030, 1060));     // a slow climb
    assertTrue(flat(0, 0, 0));
    assertFalse(flat(0, 0, 3));                    // buffers starting to leak
    assertFalse(flat());                           // no sample after the warm-up: no verdict
  }

  @Test
  void rssIsReadFromProc() throws IOException {
    long kib = SoakBenchmark.rssKiB();
    assertTrue(kib > 1024 && kib < 64L << 20, kib + " KiB");
  }
}
