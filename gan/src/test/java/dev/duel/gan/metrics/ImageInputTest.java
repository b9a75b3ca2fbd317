package dev.duel.gan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.gan.data.IdxFormatException;
import dev.duel.gan.data.IdxWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX and PNG readers of duel eval: exact pixel values, and clear refusals of bad input. */
class ImageInputTest {
  static { System.setProperty("java.awt.headless", "true"); }

  @TempDir Path dir;

  static byte[] pixels(int n) {
    byte[] b = new byte[n * 784];
    for (int i = 0; i < b.length; i++) b[i] = (byte) (i * 31 + 5);
    return b;
  }

  @Test
  void idxImagesAreScaledToPlusMinusOne() throws IOException {
    Path f = dir.resolve("s.idx3-ubyte.gz");
    byte[] px = pixels(3);
    IdxWriter.writeImages(f, px, 3, 28, 28);
    ImageSet s = IdxImages.read(f);
    assertEquals(3, s.count());
    for (int i = 0; i < px.length; i++) assertEquals((px[i] & 0xFF) / 127.5 - 1, s.images()[i], 1e-6);
    Path four = dir.resolve("four.idx");
    IdxWriter.write(four, new dev.duel.gan.data.IdxFile(new int[] {2, 1, 28, 28}, pixels(2)));
    assertEquals(2, IdxImages.read(four).count());
  }

  @Test
  void idxFilesOfOtherShapesAreRefusedByName() throws IOException {
    Path labels = dir.resolve("labels.idx1");
    IdxWriter.writeLabels(labels, new int[] {1, 2, 3});
    Path big = dir.resolve("big.idx3");
    IdxWriter.writeImages(big, new byte[2 * 32 * 32], 2, 32, 32);
    Path notIdx = dir.resolve("text.idx");
    Files.writeString(notIdx, "hello, world");
    for (Path p : new Path[] {labels, big, notIdx}) {
      IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxImages.read(p));
      assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
    }
    assertTrue(assertThrows(IdxFormatException.class, () -> IdxImages.read(big)).getMessage().contains("[2, 32, 32]"));
    assertThrows(NoSuchFileException.class, () -> IdxImages.read(dir.resolve("missing")));
  }

  static void writePng(Path file, BufferedImage img) throws IOException {
    assertTrue(ImageIO.write(img, "png", file.toFile()));
  }

  static BufferedImage gray(int w, int h, int seed) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, (x * 9 + y * 5 + seed) & 0xFF);
    return img;
  }

  @Test
  void pngFolderReadsGrayAndGrayRgbImagesInNameOrder() throws IOException {
    Path f = Files.createDirectory(dir.resolve("png"));
    writePng(f.resolve("b.png"), gray(28, 28, 1));
    BufferedImage rgb = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) { int v = (x * 7 + y) & 0xFF; rgb.setRGB(x, y, (v << 16) | (v << 8) | v); }
    writePng(f.resolve("a.png"), rgb);
    Files.writeString(f.resolve("notes.txt"), "ignored");
    ImageSet s = PngFolder.read(f);
    assertEquals(2, s.count());
    for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) {
      assertEquals(((x * 7 + y) & 0xFF) / 127.5 - 1, s.images()[y * 28 + x], 1e-6, "a.png first");
      assertEquals(((x * 9 + y * 5 + 1) & 0xFF) / 127.5 - 1, s.images()[784 + y * 28 + x], 1e-6, "b.png raw gray, no gamma");
    }
  }

  @Test
  void sixteenBitGrayIsScaled() throws IOException {
    Path f = Files.createDirectory(dir.resolve("png16"));
    BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_USHORT_GRAY);
    img.getRaster().setSample(3, 0, 0, 65535);
    writePng(f.resolve("x.png"), img);
    ImageSet s = PngFolder.read(f);
    assertEquals(1.0, s.images()[3], 1e-6);
    assertEquals(-1.0, s.images()[0], 1e-6);
  }

  @Test
  void pngFolderRefusesOtherSizesColourCorruptFilesAndEmptyFolders() throws IOException {
    Path big = Files.createDirectory(dir.resolve("big"));
    writePng(big.resolve("ok.png"), gray(28, 28, 0));
    writePng(big.resolve("wide.png"), gray(32, 28, 0));
    IOException e = assertThrows(IOException.class, () -> PngFolder.read(big));
    assertTrue(e.getMessage().contains("wide.png") && e.getMessage().contains("32×28"), e.getMessage());

    Path colour = Files.createDirectory(dir.resolve("colour"));
    BufferedImage c = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
    c.setRGB(2, 3, 0xFF0000);
    writePng(colour.resolve("red.png"), c);
    e = assertThrows(IOException.class, () -> PngFolder.read(colour));
    assertTrue(e.getMessage().contains("red.png") && e.getMessage().contains("(2, 3)") && e.getMessage().contains("grayscale"), e.getMessage());

    Path corrupt = Files.createDirectory(dir.resolve("corrupt"));
    Files.writeString(corrupt.resolve("fake.png"), "not a png at all");
    e = assertThrows(IOException.class, () -> PngFolder.read(corrupt));
    assertTrue(e.getMessage().contains("fake.png") && e.getMessage().contains("not a PNG"), e.getMessage());

    Path truncated = Files.createDirectory(dir.resolve("truncated"));
    writePng(truncated.resolve("t.png"), gray(28, 28, 3));
    byte[] all = Files.readAllBytes(truncated.resolve("t.png"));
    Files.write(truncated.resolve("t.png"), java.util.Arrays.copyOf(all, 60));
    e = assertThrows(IOException.class, () -> PngFolder.read(truncated));
    assertTrue(e.getMessage().contains("t.png"), e.getMessage());

    Path empty = Files.createDirectory(dir.resolve("empty"));
    e = assertThrows(NoSuchFileException.class, () -> PngFolder.read(empty));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }
}
