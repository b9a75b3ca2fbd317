package dev.duel.gan.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A PNG reader in java.base alone (PNG spec, ISO/IEC 15948): every colour type (gray, RGB, palette, gray
 * + alpha, RGBA), every bit depth (1, 2, 4, 8, 16), Adam7 interlacing, tRNS transparency. No AWT, so it
 * runs in a runtime without java.desktop (the GPU kit's jlinked JRE has no javax.imageio).
 *
 * <p>Checked: the 8-byte signature, each chunk's CRC-32 (of type + data), IHDR first and valid, PLTE
 * present for palette images and every index inside it, the zlib stream complete and exactly the size the
 * header implies, every row's filter type in 0..4. The header's width and height are bounded
 * ({@link #MAX_SIDE}, {@link #MAX_PIXELS}) before anything is allocated. Ancillary chunks other than tRNS
 * (gAMA, iCCP, sRGB, text) are skipped: samples are used as stored, not gamma-corrected.
 *
 * <p>Every failure is an {@link IOException} whose message is "FILE: reason".
 */
public final class PngDecoder {
  public static final int MAX_SIDE = 1 << 14;
  public static final long MAX_PIXELS = 1L << 24;
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  private static final long MAX_FILE_BYTES = 1L << 30;

  /** Adam7 passes: starting column, starting row, column step, row step. */
  private static final int[][] ADAM7 = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};

  private PngDecoder() {}

  /**
   * A decoded picture: channels planes of height×width samples in [0, 1] (sample / (2^depth − 1)),
   * plane-major (C×H×W). channels is 1 (gray), 2 (gray, alpha), 3 (R, G, B) or 4 (R, G, B, alpha); a
   * palette image becomes 3 or 4 (4 when tRNS gives its entries alpha), and a tRNS colour key on a gray or
   * RGB image adds an alpha plane (0 where the pixel equals the key, 1 elsewhere).
   */
  public record Image(int width, int height, int channels, int bitDepth, float[] planes) {
    public boolean hasAlpha() {
      return channels == 2 || channels == 4;
    }

    public boolean isGray() {
      return channels <= 2;
    }
  }

  /** The header alone: what a folder reader needs to check sizes before decoding pixels. */
  public record Header(int width, int height, int bitDepth, int colorType, boolean interlaced) {}

  public static Image read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "PNG file not found");
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) throw new IOException(file + ": " + size + " bytes is larger than the " + MAX_FILE_BYTES + " a PNG may have here");
    return decode(Files.readAllBytes(file), file.toString());
  }

  /** Decodes {@code png}; {@code name} is used in error messages. */
  public static Image decode(byte[] png, String name) throws IOException {
    Chunks chunks = new Chunks(png, name);
    Header h = chunks.header;
    long planeSize = (long) h.width * h.height;
    byte[] raw = inflate(chunks.idat, expectedBytes(h), name);
    int samples = samplesPerPixel(h.colorType);
    int[] s = new int[(int) planeSize * samples];     // every sample as stored, row-major, interleaved
    if (!h.interlaced) {
      unfilter(raw, 0, h.width, h.height, h, s, 0, 0, 1, 1, name);
    } else {
      int at = 0;
      for (int[] p : ADAM7) {
        int pw = passSize(h.width, p[0], p[2]), ph = passSize(h.height, p[1], p[3]);
        if (pw == 0 || ph == 0) continue;
        at = unfilter(raw, at, pw, ph, h, s, p[0], p[1], p[2], p[3], name);
      }
    }
    return toImage(h, s, chunks, name);
  }

  /** Reads only the signature and IHDR. */
  public static Header header(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "PNG file not found");
    byte[] head;
    try (var in = Files.newInputStream(file)) {
      head = in.readNBytes(8 + 8 + 13 + 4);
    }
    return Chunks.parseHeader(head, file.toString(), true);
  }

  private static int samplesPerPixel(int colorType) {
    return switch (colorType) {
      case 0, 3 -> 1;
      case 4 -> 2;
      case 2 -> 3;
      default -> 4;   // 6
    };
  }

  private static int passSize(int full, int start, int step) {
    return full <= start ? 0 : (full - start + step - 1) / step;
  }

  /** Bytes of one filtered row of w pixels, without its filter byte. */
  private static long rowBytes(Header h, int w) {
    return ((long) w * samplesPerPixel(h.colorType) * h.bitDepth + 7) / 8;
  }

  private static long expectedBytes(Header h) {
    if (!h.interlaced) return h.height * (1 + rowBytes(h, h.width));
    long total = 0;
    for (int[] p : ADAM7) {
      int pw = passSize(h.width, p[0], p[2]), ph = passSize(h.height, p[1], p[3]);
      if (pw > 0 && ph > 0) total += ph * (1 + rowBytes(h, pw));
    }
    return total;
  }

  private static byte[] inflate(byte[] z, long expected, String name) throws IOException {
    if (expected > Integer.MAX_VALUE - 16) throw new IOException(name + ": the image data would need " + expected + " bytes");
    byte[] out = new byte[(int) expected];
    Inflater inf = new Inflater();
    try {
      inf.setInput(z);
      int n = 0, stalls = 0;   // a call may consume a block header and return no bytes
      while (n < out.length) {
        int k = inf.inflate(out, n, out.length - n);
        if (k == 0 && (inf.needsDictionary() || inf.finished() || inf.needsInput() || ++stalls > 1000)) {
          if (inf.needsDictionary()) throw new IOException(name + ": corrupt PNG (the zlib stream asks for a preset dictionary)");
          throw new IOException(name + ": corrupt PNG (the image data ends after " + n + " of " + expected + " bytes; a truncated file?)");
        }
        n += k;
      }
      return out;
    } catch (DataFormatException e) {
      throw new IOException(name + ": corrupt PNG (bad zlib data: " + e.getMessage() + ")");
    } finally {
      inf.end();
    }
  }

  /**
   * Undoes the row filters of one w×h sub-image starting at raw[at], and scatters its samples into s at
   * pixels (x0 + i·dx, y0 + j·dy). Returns the offset after it. Filters (spec §9.2), with a the byte bpp
   * to the left, b the byte above, c the byte above-left (0 outside): 0 None, 1 Sub x + a, 2 Up x + b,
   * 3 Average x + ⌊(a + b)/2⌋, 4 Paeth x + the one of a, b, c nearest p = a + b − c (ties a, b, c).
   */
  private static int unfilter(byte[] raw, int at, int w, int h, Header hd, int[] s, int x0, int y0, int dx, int dy, String name)
      throws IOException {
    int spp = samplesPerPixel(hd.colorType), depth = hd.bitDepth;
    int stride = (int) rowBytes(hd, w);
    int bpp = Math.max(1, spp * depth / 8);
    byte[] prev = new byte[stride], cur = new byte[stride];
    for (int y = 0; y < h; y++) {
      int filter = raw[at] & 0xFF;
      System.arraycopy(raw, at + 1, cur, 0, stride);
      at += 1 + stride;
      switch (filter) {
        case 0 -> {}
        case 1 -> { for (int i = bpp; i < stride; i++) cur[i] += cur[i - bpp]; }
        case 2 -> { for (int i = 0; i < stride; i++) cur[i] += prev[i]; }
        case 3 -> {
          for (int i = 0; i < stride; i++) {
            int a = i >= bpp ? cur[i - bpp] & 0xFF : 0;
            cur[i] += (byte) ((a + (prev[i] & 0xFF)) >>> 1);
          }
        }
        case 4 -> {
          for (int i = 0; i < stride; i++) {
            int a = i >= bpp ? cur[i - bpp] & 0xFF : 0, b = prev[i] & 0xFF, c = i >= bpp ? prev[i - bpp] & 0xFF : 0;
            int p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
            cur[i] += (byte) (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          }
        }
        default -> throw new IOException(name + ": corrupt PNG (row filter type " + filter + " is not 0..4)");
      }
      int rowBase = (y0 + y * dy) * hd.width;
      for (int x = 0; x < w; x++) {
        int pix = (rowBase + x0 + x * dx) * spp;
        for (int k = 0; k < spp; k++) s[pix + k] = sample(cur, x * spp + k, depth);
      }
      byte[] t = prev; prev = cur; cur = t;
    }
    return at;
  }

  /** Sample number i of a row of samples packed at {@code depth} bits, big-endian, leftmost first. */
  private static int sample(byte[] row, int i, int depth) {
    return switch (depth) {
      case 8 -> row[i] & 0xFF;
      case 16 -> ((row[2 * i] & 0xFF) << 8) | (row[2 * i + 1] & 0xFF);
      default -> {
        int perByte = 8 / depth, shift = 8 - depth * (i % perByte + 1);
        yield ((row[i / perByte] & 0xFF) >>> shift) & ((1 << depth) - 1);
      }
    };
  }

  private static Image toImage(Header h, int[] s, Chunks chunks, String name) throws IOException {
    int n = h.width * h.height;
    double max = (1 << h.bitDepth) - 1;
    byte[] trns = chunks.trns;
    switch (h.colorType) {
      case 3 -> {
        byte[] plte = chunks.plte;
        if (plte == null) throw new IOException(name + ": corrupt PNG (a palette image without a PLTE chunk)");
        int entries = plte.length / 3;
        boolean alpha = trns != null;
        int c = alpha ? 4 : 3;
        float[] out = new float[c * n];
        for (int i = 0; i < n; i++) {
          int idx = s[i];
          if (idx >= entries) throw new IOException(name + ": corrupt PNG (palette index " + idx + " at pixel (" + i % h.width + ", "
              + i / h.width + ") is past the " + entries + " PLTE entries)");
          for (int k = 0; k < 3; k++) out[k * n + i] = (plte[3 * idx + k] & 0xFF) / 255f;
          if (alpha) out[3 * n + i] = idx < trns.length ? (trns[idx] & 0xFF) / 255f : 1f;
        }
        return new Image(h.width, h.height, c, h.bitDepth, out);
      }
      case 0, 2 -> {
        int spp = h.colorType == 0 ? 1 : 3;
        int[] key = colourKey(trns, spp);
        int c = key == null ? spp : spp + 1;
        float[] out = new float[c * n];
        for (int i = 0; i < n; i++) {
          boolean transparent = key != null;
          for (int k = 0; k < spp; k++) {
            int v = s[i * spp + k];
            out[k * n + i] = (float) (v / max);
            if (key != null && v != key[k]) transparent = false;
          }
          if (key != null) out[spp * n + i] = transparent ? 0f : 1f;
        }
        return new Image(h.width, h.height, c, h.bitDepth, out);
      }
      default -> {   // 4, 6: interleaved samples with alpha
        int spp = samplesPerPixel(h.colorType);
        float[] out = new float[spp * n];
        for (int i = 0; i < n; i++) for (int k = 0; k < spp; k++) out[k * n + i] = (float) (s[i * spp + k] / max);
        return new Image(h.width, h.height, spp, h.bitDepth, out);
      }
    }
  }

  /** The tRNS colour key of a gray (one 16-bit value) or RGB (three) image; null when absent. */
  private static int[] colourKey(byte[] trns, int spp) {
    if (trns == null || trns.length < 2 * spp) return null;
    int[] key = new int[spp];
    for (int k = 0; k < spp; k++) key[k] = ((trns[2 * k] & 0xFF) << 8) | (trns[2 * k + 1] & 0xFF);
    return key;
  }

  /** The chunks a decoder needs: IHDR, PLTE, tRNS, the concatenated IDAT data. */
  private static final class Chunks {
    final Header header;
    byte[] plte, trns;
    final byte[] idat;

    Chunks(byte[] png, String name) throws IOException {
      header = parseHeader(png, name, false);
      int at = 8;
      java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
      boolean end = false, sawIdat = false;
      while (!end) {
        if (at + 12 > png.length) throw new IOException(name + ": corrupt PNG (the file ends before its IEND chunk; a truncated file?)");
        long len = u32(png, at);
        if (len > png.length - at - 12) throw new IOException(name + ": corrupt PNG (a chunk of " + len + " bytes runs past the end of the file; a truncated file?)");
        String type = new String(png, at + 4, 4, StandardCharsets.ISO_8859_1);
        int body = at + 8, l = (int) len;
        CRC32 crc = new CRC32();
        crc.update(png, at + 4, 4 + l);
        if (crc.getValue() != u32(png, body + l)) throw new IOException(name + ": corrupt PNG (CRC mismatch in its " + type + " chunk)");
        switch (type) {
          case "IDAT" -> { data.write(png, body, l); sawIdat = true; }
          case "PLTE" -> {
            if (l % 3 != 0 || l == 0 || l > 768) throw new IOException(name + ": corrupt PNG (a PLTE chunk of " + l + " bytes)");
            plte = java.util.Arrays.copyOfRange(png, body, body + l);
          }
          case "tRNS" -> trns = java.util.Arrays.copyOfRange(png, body, body + l);
          case "IEND" -> end = true;
          default -> {
            if (Character.isUpperCase(type.charAt(0)) && !type.equals("IHDR"))
              throw new IOException(name + ": unsupported PNG (critical chunk " + type + " is not part of the PNG standard)");
          }
        }
        at = body + l + 4;
      }
      if (!sawIdat) throw new IOException(name + ": corrupt PNG (no IDAT chunk: it holds no image data)");
      idat = data.toByteArray();
    }

    /** Signature and IHDR, validated; {@code headOnly} when png holds only the first bytes of the file. */
    static Header parseHeader(byte[] png, String name, boolean headOnly) throws IOException {
      if (png.length < 8 || !java.util.Arrays.equals(png, 0, 8, SIGNATURE, 0, 8))
        throw new IOException(name + ": not a PNG file (its first bytes are not the PNG signature)");
      if (png.length < 8 + 8 + 13 + 4 || u32(png, 8) != 13 || !new String(png, 12, 4, StandardCharsets.ISO_8859_1).equals("IHDR"))
        throw new IOException(name + ": corrupt PNG (it does not start with a 13-byte IHDR chunk" + (headOnly ? "" : "; a truncated file?") + ")");
      CRC32 crc = new CRC32();
      crc.update(png, 12, 17);
      if (crc.getValue() != u32(png, 29)) throw new IOException(name + ": corrupt PNG (CRC mismatch in its IHDR chunk)");
      long w = u32(png, 16), h = u32(png, 20);
      int depth = png[24] & 0xFF, type = png[25] & 0xFF, compression = png[26] & 0xFF, filter = png[27] & 0xFF, interlace = png[28] & 0xFF;
      if (w < 1 || h < 1) throw new IOException(name + ": corrupt PNG (its header says " + w + "×" + h + " pixels)");
      if (w > MAX_SIDE || h > MAX_SIDE || w * h > MAX_PIXELS)
        throw new IOException(name + ": the image is " + w + "×" + h + ", larger than the " + MAX_SIDE + "×" + MAX_SIDE + " (or " + MAX_PIXELS
            + " pixels) read here; shrink it first");
      boolean ok = switch (type) {
        case 0 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
        case 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8;
        case 2, 4, 6 -> depth == 8 || depth == 16;
        default -> false;
      };
      if (!ok) throw new IOException(name + ": corrupt PNG (colour type " + type + " with bit depth " + depth + " is not a PNG combination)");
      if (compression != 0 || filter != 0 || interlace > 1)
        throw new IOException(name + ": corrupt PNG (compression " + compression + ", filter method " + filter + ", interlace " + interlace
            + "; PNG defines 0, 0 and 0 or 1)");
      return new Header((int) w, (int) h, depth, type, interlace == 1);
    }

    private static long u32(byte[] b, int at) {
      return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8) | (b[at + 3] & 0xFFL);
    }
  }
}
