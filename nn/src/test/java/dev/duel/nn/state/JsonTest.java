package dev.duel.nn.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void parsesEveryKindOfValue() {
    Object v = Json.parse(" {\"a\": [1, -2, 3.5, -0.0, 1e3, 2E-2, true, false, null], \"b\": {\"c\": \"x\\\"y\\\\z\\n\\u00e9\\ud83d\\ude00\"},"
        + " \"big\": 123456789012345678901234567890, \"min\": -9223372036854775808} ");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(List.of("a", "b", "big", "min"), new ArrayList<>(m.keySet()), "file order is kept");
    List<?> a = (List<?>) m.get("a");
    assertEquals(Arrays.asList(1L, -2L, 3.5, -0.0, 1000.0, 0.02, true, false, null), a);
    assertEquals("x\"y\\z\né\uD83D\uDE00", ((Map<?, ?>) m.get("b")).get("c"));
    assertEquals(1.2345678901234568e29, m.get("big"), "an integer beyond long becomes a double");
    assertEquals(Long.MIN_VALUE, m.get("min"));
  }

  @Test
  void roundTripsCompactAndPretty() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", 1234L);
    m.put("loss", 0.6931471805599453);
    m.put("tiny", 1e-300);
    m.put("f", 0.1f);
    m.put("name", "a\tb\u0001c\u2028/é😀");
    m.put("list", List.of(1L, List.of(), Map.of()));
    m.put("shape", new int[] {2, 3});
    m.put("none", null);
    m.put("yes", true);
    for (String text : List.of(Json.write(m), Json.writePretty(m))) {
      Map<String, Object> back = Json.parseObject(text);
      assertEquals(1234L, back.get("step"));
      assertEquals(0.6931471805599453, back.get("loss"), "doubles survive bit for bit");
      assertEquals(1e-300, back.get("tiny"));
      assertEquals(0.1f, ((Double) back.get("f")).floatValue(), "a float is written with its own shortest repr");
      assertEquals("0.1", Json.write(0.1f));
      assertEquals(m.get("name"), back.get("name"));
      assertEquals(List.of(1L, List.of(), Map.of()), back.get("list"));
      assertEquals(List.of(2L, 3L), back.get("shape"));
      assertTrue(back.containsKey("none") && back.get("none") == null);
      assertEquals(true, back.get("yes"));
    }
    Map<String, Object> small = new LinkedHashMap<>();
    small.put("a", List.of(1, 2.5));
    small.put("b", "\u0001\"");
    assertEquals("{\"a\":[1,2.5],\"b\":\"\\u0001\\\"\"}", Json.write(small));
    assertTrue(Json.writePretty(m).contains("\n  \"step\": 1234,\n"));
  }

  @Test
  void refusesMalformedText() {
    String[] bad = {"", " ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]", "01", "-", "1.", ".5", "1e", "+1",
        "NaN", "Infinity", "[1]x", "tru", "nul", "\"abc", "\"a\u0001\"", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00x\"",
        "{\"a\":1,\"a\":2}", "// c\n1", "[1] [2]", "1e999", "'a'"};
    for (String s : bad) {
      Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse(s), () -> "accepted " + s);
      assertTrue(e.getMessage().startsWith("invalid JSON at line") || e.getMessage().contains("number out of range"), e.getMessage());
    }
    Json.JsonException dup = assertThrows(Json.JsonException.class, () -> Json.parse("{\"w\": 1,\n \"w\": 2}"));
    assertTrue(dup.getMessage().contains("duplicate key \"w\"") && dup.getMessage().contains("line 2, column 2"), dup.getMessage());
  }

  @Test
  void boundsDepthAndSize() {
    String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
    assertTrue(assertThrows(Json.JsonException.class, () -> Json.parse(deep)).getMessage().contains("nesting deeper"));
    String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    Json.parse(ok);
    assertTrue(assertThrows(Json.JsonException.class, () -> Json.parse("[1,2,3]", 6)).getMessage().contains("exceeds the limit"));
  }

  @Test
  void refusesUnwritableValues() {
    assertThrows(Json.JsonException.class, () -> Json.write(Double.NaN));
    assertThrows(Json.JsonException.class, () -> Json.write(List.of(Float.POSITIVE_INFINITY)));
    assertThrows(Json.JsonException.class, () -> Json.write(Map.of(1, 2)));
    assertThrows(Json.JsonException.class, () -> Json.write(new Object()));
    assertThrows(Json.JsonException.class, () -> Json.write("\uD800"));
    assertThrows(Json.JsonException.class, () -> Json.parseObject("[1]"));
  }
}
