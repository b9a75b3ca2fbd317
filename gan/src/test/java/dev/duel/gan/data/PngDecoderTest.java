package dev.duel.gan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The java.base PNG reader: every colour type, bit depth, filter and interlace against known samples, and its refusals. */
class PngDecoderTest {
  static { System.setProperty("java.awt.headless", "true"); }

  @TempDir Path dir;

  /** Random samples < 2^depth for w×h pixels of spp samples. */
  static int[] samples(int w, int h, int spp, int depth, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] s = new int[w * h * spp];
    for (int i = 0; i < s.length; i++) s[i] = r.nextInt(1 << depth);
    return s;
  }

  /** Decodes a file of interleaved samples s and checks each plane = s / (2^depth − 1). */
  void roundTrip(int w, int h, int colorType, int depth, int filter, boolean interlace) throws IOException {
    int spp = switch (colorType) { case 0 -> 1; case 4 -> 2; case 2 -> 3; default -> 4; };
    int[] s = samples(w, h, spp, depth, 31L * colorType + depth + w);
    PngDecoder.Image img = PngDecoder.decode(TestPngs.encode(w, h, colorType, depth, s, filter, interlace, null, null), "t.png");
    assertEquals(w, img.width());
    assertEquals(h, img.height());
    assertEquals(spp, img.channels());
    double max = (1 << depth) - 1;
    for (int i = 0; i < w * h; i++)
      for (int k = 0; k < spp; k++)
        assertEquals((float) (s[i * spp + k] / max), img.planes()[k * w * h + i], 0f,
            "type " + colorType + " depth " + depth + " filter " + filter + " interlace " + interlace + " pixel " + i + " sample " + k);
  }

  @Test
  void everyColourTypeDepthFilterAndInterlaceDecodesExactly() throws IOException {
    int[][] typeDepth = {{0, 1}, {0, 2}, {0, 4}, {0, 8}, {0, 16}, {2, 8}, {2, 16}, {4, 8}, {4, 16}, {6, 8}, {6, 16}};
    for (int[] td : typeDepth)
      for (int filter = -1; filter <= 4; filter++)
        for (boolean interlace : new boolean[] {false, true})
          for (int[] size : new int[][] {{1, 1}, {13, 7}, {3, 17}})
            roundTrip(size[0], size[1], td[0], td[1], filter, interlace);
  }

  @Test
  void palettesExpandToRgbAndTrnsGivesAlpha() throws IOException {
    byte[] plte = {0, 0, 0, (byte) 255, 0, 0, 0, (byte) 128, (byte) 255, 10, 20, 30};
    for (int depth : new int[] {2, 4, 8}) {
      int w = 9, h = 5;
      int[] idx = new int[w * h];
      for (int i = 0; i < idx.length; i++) idx[i] = (i * 7) % 4;
      PngDecoder.Image rgb = PngDecoder.decode(TestPngs.encode(w, h, 3, depth, idx, -1, depth == 4, plte, null), "p.png");
      assertEquals(3, rgb.channels());
      PngDecoder.Image rgba = PngDecoder.decode(TestPngs.encode(w, h, 3, depth, idx, -1, false, plte, new byte[] {0, (byte) 51}), "p.png");
      assertEquals(4, rgba.channels());
      for (int i = 0; i < idx.length; i++) {
        for (int k = 0; k < 3; k++) {
          assertEquals((plte[3 * idx[i] + k] & 0xFF) / 255f, rgb.planes()[k * w * h + i], 0f);
          assertEquals((plte[3 * idx[i] + k] & 0xFF) / 255f, rgba.planes()[k * w * h + i], 0f);
        }
        float alpha = idx[i] == 0 ? 0f : idx[i] == 1 ? 51 / 255f : 1f;     // entries past tRNS are opaque
        assertEquals(alpha, rgba.planes()[3 * w * h + i], 0f);
      }
    }
  }

  @Test
  void aGrayColourKeyAddsAnAlphaPlane() throws IOException {
    int[] s = {0, 5, 9, 5};
    PngDecoder.Image img = PngDecoder.decode(TestPngs.encode(2, 2, 0, 8, s, 0, false, null, new byte[] {0, 5}), "k.png");
    assertEquals(2, img.channels());
    assertArrayEquals(new float[] {1, 0, 1, 0}, java.util.Arrays.copyOfRange(img.planes(), 4, 8));
  }

  /** ImageIO's own writer (adaptive filters, and Adam7 in progressive mode) against our reader. */
  @Test
  void agreesWithImageIoOnItsOwnFiles() throws IOException {
    for (int type : new int[] {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_USHORT_GRAY}) {
      for (boolean progressive : new boolean[] {false, true}) {
        BufferedImage b = new BufferedImage(23, 19, type);
        SplittableRandom r = new SplittableRandom(type);
        for (int y = 0; y < 19; y++) for (int x = 0; x < 23; x++) b.setRGB(x, y, (r.nextInt(256) << 24) | r.nextInt(1 << 24));
        byte[] png = imageIo(b, progressive);
        PngDecoder.Image img = PngDecoder.decode(png, "imageio.png");
        BufferedImage back = ImageIO.read(new java.io.ByteArrayInputStream(png));
        int n = 23 * 19;
        for (int y = 0; y < 19; y++)
          for (int x = 0; x < 23; x++) {
            int i = y * 23 + x;
            if (img.isGray()) {
              int max = (1 << back.getColorModel().getComponentSize(0)) - 1;
              assertEquals(back.getRaster().getSample(x, y, 0) / (float) max, img.planes()[i], 1e-6f);
            } else {
              int argb = back.getRGB(x, y);
              assertEquals(((argb >> 16) & 255) / 255f, img.planes()[i], 0f);
              assertEquals(((argb >> 8) & 255) / 255f, img.planes()[n + i], 0f);
              assertEquals((argb & 255) / 255f, img.planes()[2 * n + i], 0f);
              if (img.hasAlpha()) assertEquals((argb >>> 24) / 255f, img.planes()[3 * n + i], 0f);
            }
          }
      }
    }
  }

  @Test
  void badFilesAreRefusedWithTheFileAndTheReason() throws IOException {
    byte[] good = TestPngs.gray8(4, 4, new int[16]);
    assertMessage(TestPngs.write(dir.resolve("text.png"), "hello".getBytes()), "not a PNG file");
    assertMessage(TestPngs.write(dir.resolve("cut.png"), java.util.Arrays.copyOf(good, good.length - 20)), "truncated");
    byte[] crc = good.clone();
    crc[40] ^= 1;
    assertMessage(TestPngs.write(dir.resolve("crc.png"), crc), "CRC mismatch");
    assertMessage(TestPngs.write(dir.resolve("depth.png"), TestPngs.encode(2, 2, 2, 4, new int[12], 0, false, null, null)),
        "colour type 2 with bit depth 4");
    assertMessage(TestPngs.write(dir.resolve("noplte.png"), TestPngs.encode(2, 2, 3, 8, new int[4], 0, false, null, null)),
        "without a PLTE");
    assertMessage(TestPngs.write(dir.resolve("index.png"), TestPngs.encode(2, 2, 3, 8, new int[] {0, 0, 2, 0}, 0, false, new byte[3], null)),
        "palette index 2");
    assertMessage(TestPngs.write(dir.resolve("filter.png"), TestPngs.encode(2, 2, 0, 8, new int[4], 7, false, null, null)),
        "row filter type 7");
    IOException missing = assertThrows(IOException.class, () -> PngDecoder.read(dir.resolve("absent.png")));
    assertTrue(missing.getMessage().contains("absent.png"), missing.getMessage());
  }

  @Test
  void headersLargerThanTheBoundAreRefusedBeforeAllocating() throws IOException {
    byte[] png = TestPngs.gray8(1, 1, new int[1]);
    // IHDR width := 2^20: rewrite it and its CRC
    java.nio.ByteBuffer.wrap(png).putInt(16, 1 << 20);
    java.util.zip.CRC32 c = new java.util.zip.CRC32();
    c.update(png, 12, 17);
    java.nio.ByteBuffer.wrap(png).putInt(29, (int) c.getValue());
    assertMessage(TestPngs.write(dir.resolve("huge.png"), png), "larger than");
  }

  void assertMessage(Path file, String reason) {
    IOException e = assertThrows(IOException.class, () -> PngDecoder.read(file));
    assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  static byte[] imageIo(BufferedImage b, boolean progressive) throws IOException {
    ImageWriter w = ImageIO.getImageWritersByFormatName("png").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      w.setOutput(out);
      ImageWriteParam p = w.getDefaultWriteParam();
      p.setProgressiveMode(progressive ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
      w.write(null, new IIOImage(b, null, null), p);
    } finally {
      w.dispose();
    }
    return bytes.toByteArray();
  }
}
