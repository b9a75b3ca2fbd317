package dev.duel.nn.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link Json#parse(String, int)}, the parser under state.json, config files, metrics.jsonl and
 * safetensors headers. Contract: a value, or a {@link Json.JsonException} that says where and why;
 * any other throwable (and an OutOfMemoryError or a hang) is a finding. A parsed value must also write
 * back to JSON that parses to an equal value.
 *
 * <p>CI (./mvnw verify) replays the committed seeds in {@code JsonFuzzTestInputs/parse/}; fuzzing:
 * {@code JAZZER_FUZZ=1 ./mvnw -pl kernels,engine,nn verify -Dtest=JsonFuzzTest} (docs/reliability.md).
 */
class JsonFuzzTest {
  static final int MAX_CHARS = 1 << 16;

  @FuzzTest(maxDuration = "10m")
  void parse(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    Object v;
    try {
      v = Json.parse(text, MAX_CHARS);
    } catch (Json.JsonException e) {
      assertTrue(e.getMessage().startsWith("invalid JSON at line ") || e.getMessage().startsWith("JSON text of "), e.getMessage());
      return;
    }
    String written = Json.write(v);
    assertEquals(v, Json.parse(written), "write then parse changed the value: " + written);
    assertEquals(written, Json.write(Json.parse(Json.writePretty(v))), "the pretty form reads back differently");
  }

}
