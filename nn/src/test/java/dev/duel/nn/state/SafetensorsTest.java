package dev.duel.nn.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  static float[] ramp(int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) Math.sin(0.37 * i) * (i + 1);
    return a;
  }

  @Test
  void roundTripKeepsOrderShapesBitsAndMetadata() throws IOException {
    Map<String, TensorData> t = new LinkedHashMap<>();
    t.put("10.weight", new TensorData(new int[] {3, 17}, ramp(51)));
    t.put("2.bias", new TensorData(new int[] {1}, new float[] {Float.NaN}));
    t.put("0.weight", new TensorData(new int[] {2, 3, 1, 5}, ramp(30)));
    t.put("scalar", new TensorData(new int[] {}, new float[] {-0.0f}));
    t.put("empty", new TensorData(new int[] {0, 3}, new float[0]));
    t.put("special", new TensorData(new int[] {4}, new float[] {Float.POSITIVE_INFINITY, Float.MIN_VALUE, -Float.MAX_VALUE, 1e-40f}));
    t.put("big", new TensorData(new int[] {130, 2100}, ramp(130 * 2100))); // spans several 1 MiB chunks
    Map<String, String> meta = Map.of("format", "pt", "duel.step", "42");
    Path f = dir.resolve("model.safetensors");
    Safetensors.write(f, t, meta);

    Safetensors.Contents c = Safetensors.read(f);
    assertEquals(new ArrayList<>(t.keySet()), new ArrayList<>(c.tensors().keySet()), "the writer's order is the file's order");
    for (String k : t.keySet()) {
      assertEquals(t.get(k), c.tensors().get(k), k);
      assertEquals("F32", c.dtypes().get(k));
    }
    assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(c.tensors().get("scalar").data()[0]));
    assertEquals(meta, c.metadata());

    byte[] bytes = Files.readAllBytes(f);
    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, n % 8, "header padded to 8 bytes");
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertTrue(header.startsWith("{\"__metadata__\":{"), header);
    assertTrue(header.contains("\"10.weight\":{\"dtype\":\"F32\",\"shape\":[3,17],\"data_offsets\":[0,204]}"), header);
    assertTrue(header.stripTrailing().endsWith("}"), "only spaces pad the JSON");
    assertTrue(header.length() - header.stripTrailing().length() < 8, "at most 7 bytes of padding");
    assertEquals(8 + n + 4L * (51 + 1 + 30 + 1 + 0 + 4 + 130 * 2100), bytes.length);
    try (Stream<Path> s = Files.list(dir)) { assertEquals(List.of(f), s.toList(), "no temporary file left"); }
  }

  @Test
  void headerIsPaddedWithSpacesToEightBytesForEveryLength() throws IOException {
    for (int k = 1; k <= 8; k++) {
      Path f = dir.resolve("pad" + k + ".safetensors");
      Safetensors.write(f, Map.of("x".repeat(k), new TensorData(new int[] {2}, new float[] {1, 2})));
      byte[] bytes = Files.readAllBytes(f);
      long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      assertEquals(0, n % 8, "name length " + k);
      String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
      assertTrue(header.stripTrailing().endsWith("}") && header.length() - header.stripTrailing().length() < 8, header);
      assertEquals(8 + n + 8, bytes.length);
      assertArrayEquals(new float[] {1, 2}, Safetensors.read(f).tensors().get("x".repeat(k)).data());
    }
  }

  /** Written once by make_fixture.py with the reference implementation (safetensors 0.8.0, numpy). */
  @Test
  void readsAFileWrittenByTheReferenceImplementation() throws IOException {
    Path f = dir.resolve("python-fixture.safetensors");
    try (InputStream in = SafetensorsTest.class.getResourceAsStream("python-fixture.safetensors")) {
      Files.write(f, in.readAllBytes());
    }
    Safetensors.Contents c = Safetensors.read(f);
    Map<String, TensorData> t = c.tensors();
    assertEquals(List.of("2.num_batches_tracked", "2.running_var", "0.bias", "0.weight", "empty", "i32", "2.running_mean", "bytes", "mask"),
        new ArrayList<>(t.keySet()), "tensors come in file order");
    assertEquals(new TensorData(new int[] {2, 3}, new float[] {-1f, -0.5f, 0f, 0.5f, 1f, 1.5f}), t.get("0.weight"));
    assertEquals(new TensorData(new int[] {3}, new float[] {1.5f, -2.25f, 3.0e-3f}), t.get("0.bias"));
    assertEquals(new TensorData(new int[] {5}, new float[] {-1f, -0.5f, 0f, 0.5f, 1f}), t.get("2.running_mean"));
    assertEquals(new TensorData(new int[] {2, 2}, new float[] {1e-3f, 2.5f, 3f, 1e10f}), t.get("2.running_var"));
    assertEquals(new TensorData(new int[] {}, new float[] {12345f}), t.get("2.num_batches_tracked"));
    assertEquals(new TensorData(new int[] {3}, new float[] {1f, 0f, 1f}), t.get("mask"));
    assertEquals(new TensorData(new int[] {4}, new float[] {0f, 1f, 2f, 3f}), t.get("bytes"));
    assertEquals(new TensorData(new int[] {2}, new float[] {-7f, 70000f}), t.get("i32"));
    assertEquals(new TensorData(new int[] {0, 3}, new float[0]), t.get("empty"));
    assertEquals("F16", c.dtypes().get("2.running_mean"));
    assertEquals("I64", c.dtypes().get("2.num_batches_tracked"));
    assertEquals("pt", c.metadata().get("format"));
  }

  @Test
  void readsBf16() throws IOException {
    // bf16 is the top half of a float32: 1.0 = 0x3F80, -2.5 = 0xC020, 3.140625 = 0x4049.
    ByteBuffer d = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3F80).putShort((short) 0xC020).putShort((short) 0x4049);
    Path f = raw("bf16", "{\"x\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,6]}}", d.array());
    assertArrayEquals(new float[] {1f, -2.5f, 3.140625f}, Safetensors.read(f).tensors().get("x").data());
  }

  /** A file with header {@code json} (unpadded) and {@code data}. */
  Path raw(String name, String json, byte[] data) throws IOException {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    return rawBytes(name, h.length, h, data);
  }

  Path rawBytes(String name, long n, byte[] header, byte[] data) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(n).put(header).put(data);
    Path f = dir.resolve(name + ".safetensors");
    Files.write(f, b.array());
    return f;
  }

  /** Asserts that reading {@code f} fails with a message naming the file and containing every fragment. */
  static void refused(Path f, String... fragments) {
    IOException e = assertThrows(IOException.class, () -> Safetensors.read(f));
    String m = e.getMessage();
    assertTrue(m.contains(f.toString()), "message names the file: " + m);
    for (String frag : fragments) assertTrue(m.contains(frag), "message '" + m + "' lacks '" + frag + "'");
  }

  static String entry(String name, String dtype, String shape, long b, long e) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + b + "," + e + "]}";
  }

  @Test
  void refusesTruncatedAndOversizedHeaders() throws IOException {
    Path tiny = dir.resolve("tiny.safetensors");
    Files.write(tiny, new byte[] {1, 2, 3});
    refused(tiny, "truncated", "at least 8");
    refused(rawBytes("longer", 1000, "{}".getBytes(), new byte[0]), "header length 1000 exceeds the file size 10");
    refused(rawBytes("huge", 1L << 40, "{}".getBytes(), new byte[0]), "exceeds the 100 MB limit");
    refused(rawBytes("negative", -8, "{}".getBytes(), new byte[0]), "exceeds the 100 MB limit");

    // A valid file cut short: the header still parses, the last tensor's bytes are missing.
    Map<String, TensorData> t = new LinkedHashMap<>();
    t.put("a", new TensorData(new int[] {3}, new float[] {1, 2, 3}));
    t.put("b", new TensorData(new int[] {2, 2}, new float[] {4, 5, 6, 7}));
    Path good = dir.resolve("good.safetensors");
    Safetensors.write(good, t);
    byte[] all = Files.readAllBytes(good);
    Path cut = dir.resolve("cut.safetensors");
    Files.write(cut, Arrays.copyOf(all, all.length - 3));
    refused(cut, "tensor 'b'", "truncated");
    Path cutHeader = dir.resolve("cutheader.safetensors");
    Files.write(cutHeader, Arrays.copyOf(all, 20));
    refused(cutHeader, "exceeds the file size");
    Path extra = dir.resolve("extra.safetensors");
    Files.write(extra, Arrays.copyOf(all, all.length + 5));
    refused(extra, "trailing bytes");
    assertThrows(NoSuchFileException.class, () -> Safetensors.read(dir.resolve("absent.safetensors")));
  }

  @Test
  void refusesBadJsonAndBadEntries() throws IOException {
    byte[] d12 = new byte[12];
    refused(raw("json", "{\"a\":{\"dtype\":\"F32\",", d12), "not valid JSON");
    refused(raw("notobj", "[1,2]", new byte[0]), "does not start with '{'");
    refused(rawBytes("utf8", 4, new byte[] {'{', (byte) 0xC3, '}', ' '}, new byte[0]), "not valid UTF-8");
    refused(raw("dup", "{" + entry("w", "F32", "[3]", 0, 12) + "," + entry("w", "F32", "[3]", 0, 12) + "}", d12), "duplicate key \"w\"");
    refused(raw("dtype", "{" + entry("w", "F33", "[3]", 0, 12) + "}", d12), "tensor 'w'", "unknown dtype 'F33'");
    refused(raw("f8", "{" + entry("w", "F8_E4M3", "[12]", 0, 12) + "}", d12), "tensor 'w'", "F8_E4M3 is not supported");
    refused(raw("size", "{" + entry("w", "F32", "[2]", 0, 12) + "}", d12), "tensor 'w'", "span 12 bytes but shape [2] of F32 needs 8");
    refused(raw("range", "{" + entry("w", "F32", "[3]", 4, 16) + "}", d12), "tensor 'w'", "end at byte 16", "only 12 bytes");
    refused(raw("overlap", "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", d12),
        "tensor 'b'", "overlap tensor 'a'");
    refused(raw("hole", "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}", d12), "tensor 'b'", "hole");
    refused(raw("backwards", "{" + entry("a", "F32", "[0]", 8, 4) + "}", d12), "tensor 'a'", "end before they begin");
    refused(raw("negdim", "{" + entry("a", "F32", "[-3]", 0, 12) + "}", d12), "tensor 'a'", "shape");
    refused(raw("fracdim", "{" + entry("a", "F32", "[1.5]", 0, 12) + "}", d12), "tensor 'a'", "shape");
    refused(raw("hugeshape", "{" + entry("a", "F32", "[65536,65536]", 0, 12) + "}", d12), "tensor 'a'", "more than 2^31-1");
    refused(raw("nodtype", "{\"a\":{\"shape\":[3],\"data_offsets\":[0,12]}}", d12), "tensor 'a'", "dtype");
    refused(raw("field", "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12],\"x\":1}}", d12), "tensor 'a'", "unexpected field 'x'");
    refused(raw("offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0]}}", d12), "tensor 'a'", "data_offsets");
    refused(raw("notmap", "{\"a\":3}", new byte[0]), "tensor 'a'", "expected an object");
    refused(raw("meta", "{\"__metadata__\":{\"k\":1}}", new byte[0]), "__metadata__ value of 'k' must be a string");
  }

  @Test
  void writerRefusesBadNamesAndKeepsTheOldFileOnFailure() throws IOException {
    Path f = dir.resolve("m.safetensors");
    Map<String, TensorData> ok = Map.of("a", new TensorData(new int[] {1}, new float[] {1}));
    Safetensors.write(f, ok);
    byte[] before = Files.readAllBytes(f);
    Map<String, TensorData> bad = new LinkedHashMap<>();
    bad.put("__metadata__", new TensorData(new int[] {1}, new float[] {2}));
    assertThrows(IllegalArgumentException.class, () -> Safetensors.write(f, bad));
    assertThrows(IllegalArgumentException.class, () -> Safetensors.write(f, Map.of("", new TensorData(new int[] {1}, new float[] {2}))));
    assertArrayEquals(before, Files.readAllBytes(f));
    assertThrows(IllegalArgumentException.class, () -> new TensorData(new int[] {2, 2}, new float[3]));
    assertThrows(IllegalArgumentException.class, () -> new TensorData(new int[] {-1}, new float[0]));
  }
}
