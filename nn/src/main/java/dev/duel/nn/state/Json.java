package dev.duel.nn.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON (RFC 8259) parser and writer for safetensors headers, state.json, metrics.jsonl
 * and configs.
 *
 * <p>Parsed values: object → {@code LinkedHashMap<String,Object>} (file order kept), array →
 * {@code ArrayList<Object>}, string → String, number → Long when it has no fraction or exponent and fits
 * in a long, otherwise Double; true/false → Boolean; null → null.
 *
 * <p>Strict: no comments, no trailing commas, no leading zeros, no NaN/Infinity, no control characters
 * in strings, no lone surrogates, no duplicate keys, nothing after the value but whitespace. Bounded:
 * nesting depth ≤ {@link #MAX_DEPTH}, input length ≤ the caller's limit. Errors are
 * {@link JsonException}s that give the line and column.
 *
 * <p>Writing accepts Map (String keys), List/Collection, arrays of primitives and Object[], String,
 * Character, Boolean, null and every Number (Integer/Long/Short/Byte as integers; Float/Double finite
 * only, written with the shortest repr that reads back to the same value).
 */
public final class Json {
  /** Deepest nesting of arrays/objects accepted by the parser and the writer. */
  public static final int MAX_DEPTH = 256;
  /** Default input bound of {@link #parse(String)}: 64 MiB of characters. */
  public static final int DEFAULT_MAX_CHARS = 64 << 20;

  private Json() {}

  /** A malformed or out-of-bounds JSON text, or a value that cannot be written as JSON. */
  public static final class JsonException extends IllegalArgumentException {
    public JsonException(String message) { super(message); }
  }

  /** Parses one JSON value from {@code text} (at most {@link #DEFAULT_MAX_CHARS} characters). */
  public static Object parse(String text) {
    return parse(text, DEFAULT_MAX_CHARS);
  }

  /** Parses one JSON value from {@code text}, refusing texts longer than {@code maxChars}. */
  public static Object parse(String text, int maxChars) {
    if (text.length() > maxChars)
      throw new JsonException("JSON text of " + text.length() + " characters exceeds the limit of " + maxChars);
    Parser p = new Parser(text);
    p.skipWs();
    Object v = p.value(0);
    p.skipWs();
    if (p.pos < text.length()) throw p.error("unexpected text after the JSON value");
    return v;
  }

  /** Parses a JSON object; anything else is refused. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) throw new JsonException("expected a JSON object, found " + typeName(v));
    return (Map<String, Object>) v;
  }

  /** Compact JSON text of {@code value}: no whitespace, map order kept. */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    new Writer(sb, -1).value(value, 0);
    return sb.toString();
  }

  /** Indented JSON text of {@code value} (2 spaces per level, a newline between members), for files people read. */
  public static String writePretty(Object value) {
    StringBuilder sb = new StringBuilder();
    new Writer(sb, 2).value(value, 0);
    return sb.append('\n').toString();
  }

  /** "object", "array", "string", "number", "boolean" or "null": for error messages. */
  public static String typeName(Object v) {
    if (v == null) return "null";
    if (v instanceof Map) return "object";
    if (v instanceof List) return "array";
    if (v instanceof String) return "string";
    if (v instanceof Number) return "number";
    if (v instanceof Boolean) return "boolean";
    return v.getClass().getSimpleName();
  }

  private static final class Parser {
    final String s;
    int pos;

    Parser(String s) { this.s = s; }

    JsonException error(String what) {
      int line = 1, col = 1;
      for (int i = 0; i < Math.min(pos, s.length()); i++) {
        if (s.charAt(i) == '\n') { line++; col = 1; } else col++;
      }
      return new JsonException("invalid JSON at line " + line + ", column " + col + ": " + what);
    }

    void skipWs() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++; else break;
      }
    }

    Object value(int depth) {
      if (pos >= s.length()) throw error("unexpected end of input, expected a value");
      char c = s.charAt(pos);
      return switch (c) {
        case '{' -> object(depth + 1);
        case '[' -> array(depth + 1);
        case '"' -> string();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", null);
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) yield number();
          throw error("unexpected character " + describe(c));
        }
      };
    }

    Object literal(String word, Object v) {
      if (!s.startsWith(word, pos)) throw error("unexpected token, expected " + word);
      pos += word.length();
      return v;
    }

    Map<String, Object> object(int depth) {
      if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
      pos++; // '{'
      Map<String, Object> m = new LinkedHashMap<>();
      skipWs();
      if (pos < s.length() && s.charAt(pos) == '}') { pos++; return m; }
      while (true) {
        skipWs();
        if (pos >= s.length() || s.charAt(pos) != '"') throw error("expected a string key");
        int keyPos = pos;
        String key = string();
        skipWs();
        if (pos >= s.length() || s.charAt(pos) != ':') throw error("expected ':' after key");
        pos++;
        skipWs();
        Object v = value(depth);
        if (m.containsKey(key)) { pos = keyPos; throw error("duplicate key \"" + key + "\""); }
        m.put(key, v);
        skipWs();
        if (pos >= s.length()) throw error("unexpected end of input inside an object");
        char c = s.charAt(pos++);
        if (c == '}') return m;
        if (c != ',') { pos--; throw error("expected ',' or '}' in an object"); }
      }
    }

    List<Object> array(int depth) {
      if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
      pos++; // '['
      List<Object> a = new ArrayList<>();
      skipWs();
      if (pos < s.length() && s.charAt(pos) == ']') { pos++; return a; }
      while (true) {
        skipWs();
        a.add(value(depth));
        skipWs();
        if (pos >= s.length()) throw error("unexpected end of input inside an array");
        char c = s.charAt(pos++);
        if (c == ']') return a;
        if (c != ',') { pos--; throw error("expected ',' or ']' in an array"); }
      }
    }

    String string() {
      pos++; // opening quote
      StringBuilder sb = null;
      int start = pos;
      while (true) {
        if (pos >= s.length()) throw error("unterminated string");
        char c = s.charAt(pos);
        if (c == '"') {
          String out = sb == null ? s.substring(start, pos) : sb.append(s, start, pos).toString();
          pos++;
          return out;
        }
        if (c < 0x20) throw error("control character " + describe(c) + " in a string (escape it)");
        if (Character.isHighSurrogate(c)) {
          if (pos + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(pos + 1))) throw error("lone surrogate in a string");
          pos += 2;
          continue;
        }
        if (Character.isLowSurrogate(c)) throw error("lone surrogate in a string");
        if (c != '\\') { pos++; continue; }
        if (sb == null) sb = new StringBuilder();
        sb.append(s, start, pos);
        pos++;
        if (pos >= s.length()) throw error("unterminated escape");
        char e = s.charAt(pos++);
        switch (e) {
          case '"' -> sb.append('"');
          case '\\' -> sb.append('\\');
          case '/' -> sb.append('/');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            char u = hex4();
            if (Character.isHighSurrogate(u)) {
              if (!s.startsWith("\\u", pos)) throw error("lone surrogate escape");
              pos += 2;
              char lo = hex4();
              if (!Character.isLowSurrogate(lo)) throw error("lone surrogate escape");
              sb.append(u).append(lo);
            } else if (Character.isLowSurrogate(u)) {
              throw error("lone surrogate escape");
            } else {
              sb.append(u);
            }
          }
          default -> { pos--; throw error("invalid escape \\" + e); }
        }
        start = pos;
      }
    }

    char hex4() {
      if (pos + 4 > s.length()) throw error("truncated \\u escape");
      int v = 0;
      for (int i = 0; i < 4; i++) {
        int d = Character.digit(s.charAt(pos + i), 16);
        if (d < 0) throw error("invalid hex digit in \\u escape");
        v = v * 16 + d;
      }
      pos += 4;
      return (char) v;
    }

    Object number() {
      int start = pos;
      if (s.charAt(pos) == '-') pos++;
      if (pos >= s.length()) throw error("truncated number");
      char c = s.charAt(pos);
      if (c == '0') {
        pos++;
        if (pos < s.length() && isDigit(s.charAt(pos))) throw error("leading zero in a number");
      } else if (c >= '1' && c <= '9') {
        while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
      } else {
        throw error("expected a digit");
      }
      boolean integral = true;
      if (pos < s.length() && s.charAt(pos) == '.') {
        integral = false;
        pos++;
        if (pos >= s.length() || !isDigit(s.charAt(pos))) throw error("expected a digit after '.'");
        while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
      }
      if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
        integral = false;
        pos++;
        if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
        if (pos >= s.length() || !isDigit(s.charAt(pos))) throw error("expected a digit in the exponent");
        while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
      }
      String t = s.substring(start, pos);
      if (integral && t.length() <= 20) {
        try { return Long.parseLong(t); } catch (NumberFormatException tooBig) { /* falls through to double */ }
      }
      double d = Double.parseDouble(t);
      if (Double.isInfinite(d)) { pos = start; throw error("number out of range: " + t); }
      return d;
    }

    static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    static String describe(char c) {
      return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }
  }

  private static final class Writer {
    final StringBuilder sb;
    final int indent; // < 0: compact

    Writer(StringBuilder sb, int indent) { this.sb = sb; this.indent = indent; }

    void newline(int depth) {
      if (indent < 0) return;
      sb.append('\n');
      sb.repeat(' ', indent * depth);
    }

    void value(Object v, int depth) {
      if (depth > MAX_DEPTH) throw new JsonException("cannot write JSON nested deeper than " + MAX_DEPTH);
      switch (v) {
        case null -> sb.append("null");
        case String str -> string(str);
        case Character ch -> string(ch.toString());
        case Boolean b -> sb.append(b);
        case Double d -> real(d);
        case Float f -> real(Float.isFinite(f) ? Float.toString(f) : null, f);
        case Long l -> sb.append(l);
        case Integer i -> sb.append(i);
        case Short sh -> sb.append(sh);
        case Byte by -> sb.append(by);
        case Number n -> real(n.doubleValue());
        case Map<?, ?> m -> object(m, depth);
        case Iterable<?> it -> {
          List<Object> l = new ArrayList<>();
          it.forEach(l::add);
          array(l, depth);
        }
        case Object[] arr -> array(Arrays.asList(arr), depth);
        case int[] a -> { List<Object> l = new ArrayList<>(); for (int x : a) l.add(x); array(l, depth); }
        case long[] a -> { List<Object> l = new ArrayList<>(); for (long x : a) l.add(x); array(l, depth); }
        case float[] a -> { List<Object> l = new ArrayList<>(); for (float x : a) l.add(x); array(l, depth); }
        case double[] a -> { List<Object> l = new ArrayList<>(); for (double x : a) l.add(x); array(l, depth); }
        default -> throw new JsonException("cannot write a " + v.getClass().getName() + " as JSON");
      }
    }

    void real(double d) {
      real(null, d);
    }

    /** Finite only; Java's repr keeps a ".0" on integral values, so they read back as Double. */
    void real(String floatRepr, double d) {
      if (Double.isNaN(d) || Double.isInfinite(d)) throw new JsonException("cannot write " + d + " as JSON (only finite numbers)");
      String t = floatRepr != null ? floatRepr : Double.toString(d);
      sb.append(t);
    }

    void object(Map<?, ?> m, int depth) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String key)) throw new JsonException("JSON object keys must be strings, found " + e.getKey());
        if (!first) sb.append(',');
        first = false;
        newline(depth + 1);
        string(key);
        sb.append(indent < 0 ? ":" : ": ");
        value(e.getValue(), depth + 1);
      }
      if (!first) newline(depth);
      sb.append('}');
    }

    void array(List<?> l, int depth) {
      sb.append('[');
      boolean first = true;
      for (Object x : l) {
        if (!first) sb.append(indent < 0 ? "," : ", ");
        first = false;
        value(x, depth + 1);
      }
      sb.append(']');
    }

    void string(String str) {
      sb.append('"');
      for (int i = 0; i < str.length(); i++) {
        char c = str.charAt(i);
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          case '\b' -> sb.append("\\b");
          case '\f' -> sb.append("\\f");
          default -> {
            if (c < 0x20 || c == 0x2028 || c == 0x2029) {
              sb.append(String.format("\\u%04x", (int) c));
            } else if (Character.isHighSurrogate(c)) {
              if (i + 1 >= str.length() || !Character.isLowSurrogate(str.charAt(i + 1)))
                throw new JsonException("cannot write a string with a lone surrogate at index " + i);
              sb.append(c).append(str.charAt(++i));
            } else if (Character.isLowSurrogate(c)) {
              throw new JsonException("cannot write a string with a lone surrogate at index " + i);
            } else {
              sb.append(c);
            }
          }
        }
      }
      sb.append('"');
    }
  }
}
