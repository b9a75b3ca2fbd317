package dev.duel.gan.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * A PNG encoder for tests, written from the spec independently of {@link PngDecoder}: any colour type
 * and bit depth, any row filter (chosen per row as row % 5 when {@code filter} is −1), optional Adam7,
 * optional PLTE and tRNS. Samples are given interleaved, row-major, as stored.
 */
final class TestPngs {
  private TestPngs() {}

  static final int[][] ADAM7 = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};

  static byte[] encode(int w, int h, int colorType, int depth, int[] samples, int filter, boolean interlace, byte[] plte, byte[] trns)
      throws IOException {
    int spp = switch (colorType) { case 0, 3 -> 1; case 4 -> 2; case 2 -> 3; default -> 4; };
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    if (!interlace) {
      rows(raw, w, h, spp, depth, samples, w, 0, 0, 1, 1, filter);
    } else {
      for (int[] p : ADAM7) {
        int pw = w <= p[0] ? 0 : (w - p[0] + p[2] - 1) / p[2], ph = h <= p[1] ? 0 : (h - p[1] + p[3] - 1) / p[3];
        if (pw > 0 && ph > 0) rows(raw, pw, ph, spp, depth, samples, w, p[0], p[1], p[2], p[3], filter);
      }
    }
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(z)) {
      d.write(raw.toByteArray());
    }
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(file);
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteArrayOutputStream ih = new ByteArrayOutputStream();
    DataOutputStream hd = new DataOutputStream(ih);
    hd.writeInt(w);
    hd.writeInt(h);
    hd.writeByte(depth);
    hd.writeByte(colorType);
    hd.writeByte(0);
    hd.writeByte(0);
    hd.writeByte(interlace ? 1 : 0);
    chunk(out, "IHDR", ih.toByteArray());
    if (plte != null) chunk(out, "PLTE", plte);
    if (trns != null) chunk(out, "tRNS", trns);
    chunk(out, "tEXt", "Comment\0a test".getBytes(StandardCharsets.ISO_8859_1));   // an ancillary chunk to skip
    byte[] zb = z.toByteArray();
    int half = zb.length / 2;                       // two IDAT chunks: the decoder must join them
    chunk(out, "IDAT", java.util.Arrays.copyOfRange(zb, 0, half));
    chunk(out, "IDAT", java.util.Arrays.copyOfRange(zb, half, zb.length));
    chunk(out, "IEND", new byte[0]);
    return file.toByteArray();
  }

  /** Gray 8-bit, filter None: the simplest file. */
  static byte[] gray8(int w, int h, int[] samples) throws IOException {
    return encode(w, h, 0, 8, samples, 0, false, null, null);
  }

  static Path write(Path file, byte[] png) throws IOException {
    Files.write(file, png);
    return file;
  }

  private static void rows(ByteArrayOutputStream raw, int pw, int ph, int spp, int depth, int[] s, int fullW, int x0, int y0, int dx, int dy,
                           int filter) {
    int stride = (pw * spp * depth + 7) / 8, bpp = Math.max(1, spp * depth / 8);
    byte[] prev = new byte[stride];
    for (int y = 0; y < ph; y++) {
      byte[] row = new byte[stride];
      for (int x = 0; x < pw; x++) {
        int pix = ((y0 + y * dy) * fullW + x0 + x * dx) * spp;
        for (int k = 0; k < spp; k++) put(row, x * spp + k, depth, s[pix + k]);
      }
      int f = filter >= 0 ? filter : y % 5;
      raw.write(f);
      for (int i = 0; i < stride; i++) {
        int a = i >= bpp ? row[i - bpp] & 0xFF : 0, b = prev[i] & 0xFF, c = i >= bpp ? prev[i - bpp] & 0xFF : 0;
        int pred = switch (f) {
          case 0 -> 0;
          case 1 -> a;
          case 2 -> b;
          case 3 -> (a + b) / 2;
          default -> {
            int p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
            yield pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          }
        };
        raw.write((row[i] - pred) & 0xFF);
      }
      prev = row;
    }
  }

  private static void put(byte[] row, int i, int depth, int v) {
    if (depth == 8) row[i] = (byte) v;
    else if (depth == 16) { row[2 * i] = (byte) (v >> 8); row[2 * i + 1] = (byte) v; }
    else {
      int perByte = 8 / depth, shift = 8 - depth * (i % perByte + 1);
      row[i / perByte] |= (byte) (v << shift);
    }
  }

  private static void chunk(DataOutputStream out, String type, byte[] body) throws IOException {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(body);
    out.writeInt(body.length);
    out.write(t);
    out.write(body);
    out.writeInt((int) crc.getValue());
  }
}
