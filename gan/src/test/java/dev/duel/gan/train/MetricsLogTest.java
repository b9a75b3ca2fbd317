package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
  @TempDir
  Path tmp;

  @Test
  void resumeDropsLaterStepsAndATornLine() throws IOException {
    Path f = tmp.resolve("metrics.jsonl");
    try (MetricsLog log = MetricsLog.open(f)) {
      for (long s = 1; s <= 5; s++) log.append(line(s, 0.5f));
    }
    Files.writeString(f, Files.readString(f) + "{\"step\":6,\"d_lo", java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
    try (MetricsLog log = MetricsLog.resumeAt(f, 3)) {
      log.append(line(4, 0.25f));
    }
    List<String> lines = Files.readAllLines(f);
    assertEquals(List.of("{\"step\":1,\"d_loss\":0.5}", "{\"step\":2,\"d_loss\":0.5}", "{\"step\":3,\"d_loss\":0.5}",
        "{\"step\":4,\"d_loss\":0.25}"), lines);
  }

  @Test
  void nonFiniteValuesAreWrittenAsNull() throws IOException {
    Path f = tmp.resolve("m.jsonl");
    try (MetricsLog log = MetricsLog.open(f)) {
      log.append(line(1, Float.NaN));
    }
    assertEquals(List.of("{\"step\":1,\"d_loss\":null}"), Files.readAllLines(f));
  }

  private static Map<String, Object> line(long step, float d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", step);
    m.put("d_loss", d);
    return m;
  }
}
