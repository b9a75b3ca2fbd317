package dev.duel.gan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFileTest {
  @TempDir Path dir;

  static byte[] bytes(int n, int mul) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) b[i] = (byte) (i * mul + 7);
    return b;
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(bo)) { g.write(raw); }
    return bo.toByteArray();
  }

  /** An IDX header: 0, 0, dtype, ndim, then big-endian sizes. */
  static byte[] header(int dtype, int... dims) {
    byte[] h = new byte[4 + 4 * dims.length];
    h[2] = (byte) dtype;
    h[3] = (byte) dims.length;
    for (int i = 0; i < dims.length; i++)
      for (int k = 0; k < 4; k++) h[4 + 4 * i + k] = (byte) (dims[i] >>> (24 - 8 * k));
    return h;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  Path file(String name, byte[] content) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, content);
    return f;
  }

  void refused(Path f, String fragment) {
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.read(f));
    assertTrue(e.getMessage().startsWith(f.toString()), "names the file: " + e.getMessage());
    assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' lacks '" + fragment + "'");
  }

  @Test
  void roundTripsImagesAndLabelsRawAndGzip() throws IOException {
    for (String suffix : new String[] {"", ".gz"}) {
      byte[] px = bytes(3 * 5 * 7, 37);
      Path im = dir.resolve("im-idx3-ubyte" + suffix), lb = dir.resolve("lb-idx1-ubyte" + suffix);
      IdxWriter.writeImages(im, px, 3, 5, 7);
      IdxWriter.writeLabels(lb, new int[] {0, 9, 255});
      byte[] disk = Files.readAllBytes(im);
      assertEquals(suffix.isEmpty(), disk[0] == 0 && disk[1] == 0 && disk[2] == 8 && disk[3] == 3, "raw files start with 0x00000803");
      assertEquals(!suffix.isEmpty(), (disk[0] & 0xFF) == 0x1F && (disk[1] & 0xFF) == 0x8B, "gz files are gzip");
      IdxFile a = IdxFile.read(im);
      assertArrayEquals(new int[] {3, 5, 7}, a.dims());
      assertArrayEquals(px, a.data());
      IdxFile l = IdxFile.read(lb);
      assertArrayEquals(new int[] {3}, l.dims());
      assertArrayEquals(new byte[] {0, 9, (byte) 255}, l.data());
    }
    byte[] rawIm = concat(header(8, 1, 2, 2), new byte[] {0, 1, 2, 3});
    assertArrayEquals(rawIm, Files.readAllBytes(writeRaw(new IdxFile(new int[] {1, 2, 2}, new byte[] {0, 1, 2, 3}))));
  }

  Path writeRaw(IdxFile f) throws IOException {
    Path p = dir.resolve("raw.idx");
    IdxWriter.write(p, f, false);
    return p;
  }

  @Test
  void floatImagesAreQuantisedBackToTheirBytes() throws IOException {
    float[] x = new float[256];
    for (int b = 0; b < 256; b++) x[b] = ImageDataset.scale(b);
    x[3] = Float.NaN;
    x[4] = 7f;
    x[5] = -7f;
    Path f = dir.resolve("f-idx3-ubyte.gz");
    IdxWriter.writeImages(f, x, 1, 16, 16);
    byte[] back = IdxFile.read(f).data();
    for (int b = 0; b < 256; b++) {
      int want = b == 3 ? 0 : b == 4 ? 255 : b == 5 ? 0 : b;
      assertEquals(want, back[b] & 0xFF, "byte " + b);
    }
  }

  @Test
  void refusesBadMagicAndUnsupportedTypes() throws IOException {
    refused(file("zip", concat("PK\u0003\u0004".getBytes(), new byte[20])), "bad magic number 0x504B0304");
    refused(file("float", concat(header(0x0D, 2), new byte[8])), "dtype 0x0D (float32) is not supported");
    refused(file("int", concat(header(0x0C, 2), new byte[8])), "0x0C (int32)");
    refused(file("odd", concat(header(0x42, 2), new byte[8])), "0x42 (unknown)");
    refused(file("ndim0", header(8)), "declares 0 dimensions");
    refused(file("ndim5", concat(header(8, 1, 1, 1, 1, 1), new byte[1])), "declares 5 dimensions");
    refused(file("short", new byte[] {0, 0}), "too short for an IDX header");
    refused(file("shorthdr", Arrays.copyOf(header(8, 10, 28, 28), 9)), "truncated inside the header");
  }

  @Test
  void refusesHugeSizesBeforeAllocating() throws IOException {
    refused(file("dim", concat(header(8, (1 << 20) + 1), new byte[4])), "exceeds the limit of 1048576");
    refused(file("neg", concat(header(8, -1), new byte[4])), "size 4294967295 of dimension 0 exceeds");
    refused(file("total", header(8, 1 << 20, 1 << 20, 1 << 20)), "more than");
    // A gzip header that claims 2^20 × 1000 bytes but holds 10: refused by the bound, without a 1 GB allocation.
    refused(file("liar.gz", gzip(concat(header(8, 1 << 20, 1000), new byte[10]))), "more than Duel's bound of 256 MiB");
    // Within the bound but lying: 200 MiB declared, 10 bytes held; refused by the counting pass.
    refused(file("small-liar.gz", gzip(concat(header(8, 200 << 10, 1024), new byte[10]))),
        "truncated: header [204800, 1024] needs 209715212 bytes, the decompressed stream has 22");
  }

  /**
   * The zip bomb of issue 16 in small: 16 MB of zeros (a 16 KB .gz) under a header declaring 2^20
   * images of 28×28 (822 MB, which inflating 800 KB of zeros would deliver). Refused from the header,
   * in well under a second, having allocated under 4 MiB on this thread.
   */
  @Test
  void refusesAZipBombFastWithSmallMemory() throws IOException {
    Path bomb = file("bomb-idx3-ubyte.gz", gzip(concat(header(8, 1 << 20, 28, 28), new byte[16 << 20])));
    assertTrue(Files.size(bomb) < 64 << 10, Files.size(bomb) + " bytes");
    var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes(), t0 = System.nanoTime();
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.read(bomb));
    long allocated = threads.getCurrentThreadAllocatedBytes() - before, ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(bomb + ": the header declares [1048576, 28, 28] = 822083584 bytes of data, more than Duel's bound of 256 MiB"
        + " (IdxFile.MAX_DATA_BYTES); refused before reading it (split the set into smaller files)", e.getMessage());
    assertTrue(allocated < 4 << 20, allocated + " bytes allocated");
    assertTrue(ms < 1000, ms + " ms");
  }

  @Test
  void refusesTruncatedAndTrailingData() throws IOException {
    byte[] good = concat(header(8, 4, 3, 3), bytes(36, 5));
    refused(file("cut", Arrays.copyOf(good, good.length - 1)), "truncated: header [4, 3, 3] needs 52 bytes, the file has 51");
    refused(file("long", concat(good, new byte[] {1, 2})), "2 trailing bytes");
    refused(file("cut.gz", gzip(Arrays.copyOf(good, good.length - 1))), "needs 52 bytes, the decompressed stream has 51");
    refused(file("long.gz", gzip(concat(good, new byte[] {1}))), "trailing bytes");
    byte[] gz = gzip(good);
    refused(file("gzcut.gz", Arrays.copyOf(gz, gz.length - 12)), "truncated");
    byte[] flipped = gz.clone();
    flipped[gz.length - 6] ^= 0x55; // inside the CRC/size trailer
    refused(file("crc.gz", flipped), "corrupt gzip data");
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> IdxFile.read(dir.resolve("absent-idx3-ubyte.gz")));
    assertTrue(e.getMessage().contains("absent-idx3-ubyte.gz"), e.getMessage());
  }
}
