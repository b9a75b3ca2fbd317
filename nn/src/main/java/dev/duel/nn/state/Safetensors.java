package dev.duel.nn.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes safetensors files (https://github.com/huggingface/safetensors, format version of
 * safetensors 0.4+), the state format shared with PyTorch and JAX.
 *
 * <pre>
 * [8 bytes: N, unsigned little-endian] [N bytes: UTF-8 JSON header, padded with spaces to a multiple of 8]
 * [data: the tensors' bytes, little-endian, row-major, back to back]
 * header = {"__metadata__": {"k": "v", ...},            (optional; string values only)
 *           "name": {"dtype": "F32", "shape": [d0, ...], "data_offsets": [begin, end]}, ...}
 * </pre>
 * data_offsets count from the first data byte; the tensors must cover the data exactly, with no hole
 * and no overlap, and end − begin = numel × dtype size.
 *
 * <p>Writing: float32 only, tensors in the map's order (names like {@code 0.weight}, {@code 2.running_mean}
 * keep the module's order), atomically through {@link AtomicFiles}. Reading: F32, and F16, BF16, F64 and
 * the integer and bool dtypes converted to float32 (PyTorch's BatchNorm {@code num_batches_tracked} is
 * I64; integers above 2^24 lose precision); float8/float4/complex dtypes are refused. Every bound is
 * checked before allocating, and every error names the file and the tensor.
 */
public final class Safetensors {
  /** Largest header accepted (the reference implementation's limit): 100 MB. */
  public static final long MAX_HEADER_BYTES = 100_000_000L;
  private static final String METADATA_KEY = "__metadata__";
  private static final int CHUNK = 1 << 20;

  private Safetensors() {}

  /**
   * A file's contents.
   *
   * @param tensors  name → data, in the order of their bytes in the file
   * @param dtypes   name → dtype as stored ("F32", "I64", ...), before conversion to float32
   * @param metadata the "__metadata__" map, empty when absent
   */
  public record Contents(Map<String, TensorData> tensors, Map<String, String> dtypes, Map<String, String> metadata) {}

  /** One header entry: where a tensor's bytes are. */
  private record Entry(String name, Dtype dtype, int[] shape, long begin, long end) {}

  private enum Dtype {
    F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4), I16(2), I8(1), U64(8), U32(4), U16(2), U8(1), BOOL(1),
    // Known to the safetensors spec, not loadable by Duel.
    F8_E4M3(-1), F8_E5M2(-1), F8_E8M0(-1), F6_E2M3(-1), F6_E3M2(-1), F4(-1), C64(-1);

    final int size;

    Dtype(int size) { this.size = size; }

    static Dtype of(String s) {
      for (Dtype d : values()) if (d.name().equals(s)) return d;
      return null;
    }
  }

  /** Writes {@code tensors} (float32) to {@code file} atomically, without metadata. */
  public static void write(Path file, Map<String, TensorData> tensors) throws IOException {
    write(file, tensors, Map.of());
  }

  /** Writes {@code tensors} (float32, in map order) and {@code metadata} to {@code file} atomically. */
  public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata) throws IOException {
    byte[] header = header(file, tensors, metadata);
    AtomicFiles.write(file, ch -> {
      ByteBuffer buf = ByteBuffer.allocate(Math.max(CHUNK, 8 + header.length)).order(ByteOrder.LITTLE_ENDIAN);
      buf.putLong(header.length).put(header).flip();
      writeFully(ch, buf);
      for (TensorData t : tensors.values()) {
        float[] d = t.data();
        for (int off = 0; off < d.length; ) {
          int n = Math.min(CHUNK / 4, d.length - off);
          buf.clear();
          buf.asFloatBuffer().put(d, off, n);
          buf.limit(4 * n);
          writeFully(ch, buf);
          off += n;
        }
      }
    });
  }

  /** The JSON header, padded with spaces to a multiple of 8 bytes (as the reference writer does). */
  private static byte[] header(Path file, Map<String, TensorData> tensors, Map<String, String> metadata) {
    Map<String, Object> h = new LinkedHashMap<>();
    if (metadata != null && !metadata.isEmpty()) {
      for (var e : metadata.entrySet())
        if (e.getKey() == null || e.getValue() == null)
          throw new IllegalArgumentException(file + ": metadata keys and values must not be null");
      h.put(METADATA_KEY, new LinkedHashMap<>(metadata));
    }
    long offset = 0;
    for (var e : tensors.entrySet()) {
      String name = e.getKey();
      if (name == null || name.isEmpty() || name.equals(METADATA_KEY))
        throw new IllegalArgumentException(file + ": invalid tensor name '" + name + "'");
      TensorData t = e.getValue();
      if (t == null) throw new IllegalArgumentException(file + ": tensor '" + name + "' is null");
      long bytes = 4L * t.data().length;
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("dtype", "F32");
      info.put("shape", t.shape());
      info.put("data_offsets", new long[] {offset, offset + bytes});
      h.put(name, info);
      offset += bytes;
    }
    byte[] json = Json.write(h).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    if (padded > MAX_HEADER_BYTES) throw new IllegalArgumentException(file + ": header of " + padded + " bytes exceeds the 100 MB limit");
    byte[] out = Arrays.copyOf(json, padded);
    Arrays.fill(out, json.length, padded, (byte) ' ');
    return out;
  }

  /** Reads a whole file, converting every tensor to float32; refuses any file that is not exactly valid. */
  public static Contents read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) throw new StateFormatException(file, "truncated: " + size + " bytes, too short for a safetensors file (needs at least 8)");
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0, file);
      long n = lenBuf.flip().getLong();
      if (n < 0 || n > MAX_HEADER_BYTES)
        throw new StateFormatException(file, "header length " + Long.toUnsignedString(n) + " exceeds the 100 MB limit (not a safetensors file?)");
      if (8 + n > size)
        throw new StateFormatException(file, "header length " + n + " exceeds the file size " + size + " (truncated or not a safetensors file)");
      ByteBuffer hb = ByteBuffer.allocate((int) n);
      readFully(ch, hb, 8, file);
      String text;
      try {
        text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(hb.flip()).toString();
      } catch (CharacterCodingException e) {
        throw new StateFormatException(file, "header is not valid UTF-8", e);
      }
      if (!text.startsWith("{")) throw new StateFormatException(file, "header does not start with '{' (not a safetensors file)");
      Object parsed;
      try {
        parsed = Json.parse(text, (int) n);
      } catch (Json.JsonException e) {
        throw new StateFormatException(file, "header is not valid JSON: " + e.getMessage(), e);
      }
      long dataStart = 8 + n, dataBytes = size - dataStart;
      Map<String, String> metadata = new LinkedHashMap<>();
      List<Entry> entries = entries(file, (Map<?, ?>) parsed, metadata);
      checkLayout(file, entries, dataBytes);

      Map<String, TensorData> tensors = new LinkedHashMap<>();
      Map<String, String> dtypes = new LinkedHashMap<>();
      ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
      for (Entry e : entries) {
        float[] data = new float[Math.toIntExact(TensorData.numel(e.shape))];
        readTensor(ch, buf, dataStart + e.begin, e.dtype, data, file, e.name);
        tensors.put(e.name, new TensorData(e.shape, data));
        dtypes.put(e.name, e.dtype.name());
      }
      return new Contents(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(dtypes),
          Collections.unmodifiableMap(metadata));
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "safetensors file not found");
    }
  }

  /** The header's tensor entries, each validated on its own; fills {@code metadata}. */
  private static List<Entry> entries(Path file, Map<?, ?> header, Map<String, String> metadata) throws StateFormatException {
    List<Entry> out = new ArrayList<>();
    for (var e : header.entrySet()) {
      String name = (String) e.getKey();
      Object v = e.getValue();
      if (name.equals(METADATA_KEY)) {
        if (!(v instanceof Map<?, ?> m)) throw new StateFormatException(file, "__metadata__ must be an object of strings, found " + Json.typeName(v));
        for (var me : m.entrySet()) {
          if (!(me.getValue() instanceof String s))
            throw new StateFormatException(file, "__metadata__ value of '" + me.getKey() + "' must be a string, found " + Json.typeName(me.getValue()));
          metadata.put((String) me.getKey(), s);
        }
        continue;
      }
      String where = "tensor '" + name + "': ";
      if (name.isEmpty()) throw new StateFormatException(file, "a tensor has an empty name");
      if (!(v instanceof Map<?, ?> info)) throw new StateFormatException(file, where + "expected an object, found " + Json.typeName(v));
      for (Object k : info.keySet())
        if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets"))
          throw new StateFormatException(file, where + "unexpected field '" + k + "' (expected dtype, shape, data_offsets)");
      if (!(info.get("dtype") instanceof String ds)) throw new StateFormatException(file, where + "missing or non-string dtype");
      Dtype dtype = Dtype.of(ds);
      if (dtype == null) throw new StateFormatException(file, where + "unknown dtype '" + ds + "'");
      if (dtype.size < 0)
        throw new StateFormatException(file, where + "dtype " + ds + " is not supported (Duel loads F32, F16, BF16, F64, integer and BOOL tensors); convert it to float32 first");
      int[] shape = ints(file, where + "shape", info.get("shape"), Integer.MAX_VALUE);
      long[] offsets = longs(file, where + "data_offsets", info.get("data_offsets"));
      long numel;
      try {
        numel = TensorData.numel(shape);
      } catch (IllegalArgumentException tooBig) {
        throw new StateFormatException(file, where + tooBig.getMessage());
      }
      long expected = numel * dtype.size;
      if (offsets[1] < offsets[0])
        throw new StateFormatException(file, where + "data_offsets [" + offsets[0] + ", " + offsets[1] + "] end before they begin");
      if (offsets[1] - offsets[0] != expected)
        throw new StateFormatException(file, where + "data_offsets [" + offsets[0] + ", " + offsets[1] + "] span "
            + (offsets[1] - offsets[0]) + " bytes but shape " + Arrays.toString(shape) + " of " + ds + " needs " + expected);
      out.add(new Entry(name, dtype, shape, offsets[0], offsets[1]));
    }
    return out;
  }

  /** Sorts entries by offset and checks they tile [0, dataBytes) exactly. */
  private static void checkLayout(Path file, List<Entry> entries, long dataBytes) throws StateFormatException {
    entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long at = 0;
    Entry prev = null;
    for (Entry e : entries) {
      if (e.end > dataBytes)
        throw new StateFormatException(file, "tensor '" + e.name + "': data_offsets end at byte " + e.end + " but the data section has only "
            + dataBytes + " bytes (truncated file?)");
      if (e.begin < at)
        throw new StateFormatException(file, "tensor '" + e.name + "': data_offsets [" + e.begin + ", " + e.end + "] overlap tensor '" + prev.name + "'");
      if (e.begin > at)
        throw new StateFormatException(file, "tensor '" + e.name + "': data_offsets begin at " + e.begin + " leaving a hole after byte " + at);
      at = e.end;
      prev = e;
    }
    if (at != dataBytes)
      throw new StateFormatException(file, "the tensors cover " + at + " bytes but the data section has " + dataBytes + " (trailing bytes)");
  }

  private static void readTensor(FileChannel ch, ByteBuffer buf, long pos, Dtype dtype, float[] out, Path file, String name) throws IOException {
    int perChunk = CHUNK / dtype.size;
    for (int off = 0; off < out.length; ) {
      int n = Math.min(perChunk, out.length - off);
      buf.clear().limit(n * dtype.size);
      long at = pos + (long) off * dtype.size;
      while (buf.hasRemaining()) {
        int r = ch.read(buf, at);
        if (r < 0) throw new StateFormatException(file, "tensor '" + name + "': truncated, the file ended at byte " + at);
        at += r;
      }
      buf.flip();
      convert(buf, dtype, out, off, n);
      off += n;
    }
  }

  /** Decodes n little-endian elements of {@code dtype} into out[off, off + n). */
  private static void convert(ByteBuffer b, Dtype dtype, float[] out, int off, int n) {
    switch (dtype) {
      case F32 -> b.asFloatBuffer().get(out, off, n);
      case F16 -> { for (int i = 0; i < n; i++) out[off + i] = Float.float16ToFloat(b.getShort()); }
      case BF16 -> { for (int i = 0; i < n; i++) out[off + i] = Float.intBitsToFloat((b.getShort() & 0xFFFF) << 16); }
      case F64 -> { for (int i = 0; i < n; i++) out[off + i] = (float) b.getDouble(); }
      case I64 -> { for (int i = 0; i < n; i++) out[off + i] = (float) b.getLong(); }
      case I32 -> { for (int i = 0; i < n; i++) out[off + i] = (float) b.getInt(); }
      case I16 -> { for (int i = 0; i < n; i++) out[off + i] = b.getShort(); }
      case I8 -> { for (int i = 0; i < n; i++) out[off + i] = b.get(); }
      case U64 -> { for (int i = 0; i < n; i++) { long v = b.getLong(); out[off + i] = v >= 0 ? v : (float) (v >>> 1) * 2f; } }
      case U32 -> { for (int i = 0; i < n; i++) out[off + i] = (float) (b.getInt() & 0xFFFFFFFFL); }
      case U16 -> { for (int i = 0; i < n; i++) out[off + i] = b.getShort() & 0xFFFF; }
      case U8 -> { for (int i = 0; i < n; i++) out[off + i] = b.get() & 0xFF; }
      case BOOL -> { for (int i = 0; i < n; i++) out[off + i] = b.get() != 0 ? 1f : 0f; }
      default -> throw new IllegalStateException("unsupported dtype " + dtype); // refused when the header is read
    }
  }

  private static int[] ints(Path file, String what, Object v, int max) throws StateFormatException {
    if (!(v instanceof List<?> l)) throw new StateFormatException(file, what + " must be an array of integers, found " + Json.typeName(v));
    int[] out = new int[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof Long x) || x < 0 || x > max)
        throw new StateFormatException(file, what + " " + l + " must hold integers in [0, " + max + "]");
      out[i] = (int) (long) x;
    }
    return out;
  }

  private static long[] longs(Path file, String what, Object v) throws StateFormatException {
    if (!(v instanceof List<?> l) || l.size() != 2)
      throw new StateFormatException(file, what + " must be an array [begin, end], found " + (v == null ? "nothing" : Json.write(v)));
    long[] out = new long[2];
    for (int i = 0; i < 2; i++) {
      if (!(l.get(i) instanceof Long x) || x < 0) throw new StateFormatException(file, what + " " + l + " must hold two non-negative integers");
      out[i] = x;
    }
    return out;
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos, Path file) throws IOException {
    while (b.hasRemaining()) {
      int r = ch.read(b, pos);
      if (r < 0) throw new StateFormatException(file, "truncated: file ended at byte " + pos);
      pos += r;
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) ch.write(b);
  }
}
