package dev.duel.gan.report;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * A PNG writer in java.base alone (PNG spec, ISO/IEC 15948): signature, IHDR (8-bit truecolour, RGB),
 * one IDAT holding the zlib stream of the rows, each row preceded by filter byte 0 (None), IEND. Each
 * chunk is length, type, data, CRC-32 of type + data. No AWT, so it runs in a runtime without java.desktop.
 */
public final class PngEncoder {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  private PngEncoder() {}

  /** Writes {@code image} as PNG to {@code out} (not closed). */
  public static void write(RgbImage image, OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.write(SIGNATURE);
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(header);
    h.writeInt(image.width());
    h.writeInt(image.height());
    h.writeByte(8);   // bit depth
    h.writeByte(2);   // colour type 2: truecolour (RGB)
    h.writeByte(0);   // compression: deflate
    h.writeByte(0);   // filter method 0
    h.writeByte(0);   // no interlace
    chunk(data, "IHDR", header.toByteArray());
    chunk(data, "IDAT", compressedRows(image));
    chunk(data, "IEND", new byte[0]);
    data.flush();
  }

  private static byte[] compressedRows(RgbImage image) throws IOException {
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    try (DeflaterOutputStream d = new DeflaterOutputStream(z, deflater)) {
      byte[] row = new byte[1 + 3 * image.width()];   // row[0] = 0: filter None
      for (int y = 0; y < image.height(); y++) {
        for (int x = 0; x < image.width(); x++) {
          int p = image.rgb(x, y);
          row[1 + 3 * x] = (byte) (p >>> 16);
          row[2 + 3 * x] = (byte) (p >>> 8);
          row[3 + 3 * x] = (byte) p;
        }
        d.write(row);
      }
    } finally {
      deflater.end();
    }
    return z.toByteArray();
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
