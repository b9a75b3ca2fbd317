package dev.duel.gan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pix2pix's paired-PNG folders: the halves, their fitting, the splits, and every refusal naming the file. */
class PairedFolderTest {
  @TempDir Path dir;

  /** A gray w×h pair whose left half is byte a and right half byte b everywhere. */
  static byte[] pair(int halfW, int h, int a, int b) throws IOException {
    int[] s = new int[2 * halfW * h];
    for (int y = 0; y < h; y++) for (int x = 0; x < 2 * halfW; x++) s[y * 2 * halfW + x] = x < halfW ? a : b;
    return TestPngs.gray8(2 * halfW, h, s);
  }

  @Test
  void halvesAreInputAndTargetInNameOrder() throws IOException {
    TestPngs.write(dir.resolve("b.png"), pair(3, 2, 0, 255));
    TestPngs.write(dir.resolve("a.PNG"), pair(3, 2, 51, 102));
    Files.writeString(dir.resolve("README.txt"), "not a picture, ignored");
    PairedFolder.Pairs p = PairedFolder.read(dir, 0, 0, 0);
    assertEquals(2, p.n());
    assertEquals(1, p.channels());
    assertEquals(2, p.height());
    assertEquals(3, p.width());
    assertEquals("a.PNG", p.files().get(0).getFileName().toString());
    for (int k = 0; k < 6; k++) {
      assertEquals(51 / 127.5f - 1, p.input()[k], 1e-6f);
      assertEquals(102 / 127.5f - 1, p.target()[k], 1e-6f);
      assertEquals(-1f, p.input()[6 + k], 1e-6f);
      assertEquals(1f, p.target()[6 + k], 1e-6f);
    }
    assertEquals(p.input(), p.pair().input());
    float[] in = new float[6], tg = new float[6];
    p.gather(new int[] {1}, 1, 42, in, tg);     // PairedData: pair 1 is b.png
    assertEquals(-1f, in[0], 1e-6f);
    assertEquals(1f, tg[5], 1e-6f);
    assertEquals(1, p.inputChannels());
  }

  @Test
  void colourFilesGiveThreeChannelsAndEverythingIsFittedToTheAskedSize() throws IOException {
    int halfW = 8, h = 4;
    int[] rgb = new int[2 * halfW * h * 3];
    for (int i = 0; i < 2 * halfW * h; i++) { rgb[3 * i] = 255; rgb[3 * i + 1] = 0; rgb[3 * i + 2] = 0; }   // pure red
    TestPngs.write(dir.resolve("red.png"), TestPngs.encode(2 * halfW, h, 2, 8, rgb, -1, false, null, null));
    PairedFolder.Pairs auto = PairedFolder.read(dir, 0, 2, 2);
    assertEquals(3, auto.channels());
    assertEquals(1f, auto.target()[0], 1e-6f);
    assertEquals(-1f, auto.target()[4], 1e-6f);
    PairedFolder.Pairs gray = PairedFolder.read(dir, 1, 2, 2);
    assertEquals(1, gray.channels());
    assertEquals(2 * 0.299f - 1, gray.input()[3], 1e-5f);    // luma of red
  }

  @Test
  void splitsComeFromTrainAndTestOrValSubFolders() throws IOException {
    Path flat = Files.createDirectories(dir.resolve("flat"));
    assertEquals(flat, PairedFolder.splitFolder(flat, ImageDataset.Split.TRAIN));
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> PairedFolder.splitFolder(flat, ImageDataset.Split.TEST));
    assertTrue(e.getReason().contains("no test/ or val/"), e.getReason());
    Path nested = dir.resolve("facades");
    Files.createDirectories(nested.resolve("train"));
    Files.createDirectories(nested.resolve("val"));
    assertEquals(nested.resolve("train"), PairedFolder.splitFolder(nested, ImageDataset.Split.TRAIN));
    assertEquals(nested.resolve("val"), PairedFolder.splitFolder(nested, ImageDataset.Split.TEST));
    Files.createDirectories(nested.resolve("test"));
    assertEquals(nested.resolve("test"), PairedFolder.splitFolder(nested, ImageDataset.Split.TEST));
  }

  @Test
  void aMissingFolderIsRefused() {
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> PairedFolder.read(dir.resolve("nope"), 0, 0, 0));
    assertTrue(e.getFile().endsWith("nope"));
    assertTrue(e.getReason().contains("not found"), e.getReason());
  }

  @Test
  void anEmptyFolderIsRefused() throws IOException {
    Files.writeString(dir.resolve("notes.txt"), "no pictures here");
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> PairedFolder.read(dir, 0, 0, 0));
    assertEquals(dir.toString(), e.getFile());
    assertTrue(e.getReason().contains("no .png files"), e.getReason());
  }

  @Test
  void aFileThatIsNotAPngIsRefusedByName() throws IOException {
    TestPngs.write(dir.resolve("a.png"), pair(2, 2, 0, 0));
    Path bad = TestPngs.write(dir.resolve("b.png"), "GIF89a not really".getBytes());
    refused(bad, "not a PNG file");
  }

  @Test
  void anUndecodableFileIsRefusedByName() throws IOException {
    TestPngs.write(dir.resolve("a.png"), pair(2, 2, 0, 0));
    byte[] png = pair(2, 2, 9, 9);
    Path bad = TestPngs.write(dir.resolve("b.png"), java.util.Arrays.copyOf(png, png.length - 30));
    refused(bad, "corrupt PNG");
  }

  @Test
  void anOddWidthIsRefusedByName() throws IOException {
    Path bad = TestPngs.write(dir.resolve("odd.png"), TestPngs.gray8(5, 2, new int[10]));
    refused(bad, "width 5 is odd");
  }

  @Test
  void halvesOfAnotherSizeThanTheFirstFilesAreRefusedByName() throws IOException {
    TestPngs.write(dir.resolve("a.png"), pair(4, 4, 0, 0));
    Path wider = TestPngs.write(dir.resolve("b.png"), pair(5, 4, 0, 0));
    refused(wider, "halves of 5×4");
    Files.delete(wider);
    Path taller = TestPngs.write(dir.resolve("c.png"), pair(4, 6, 0, 0));
    refused(taller, "but a.png has halves of 4×4");
  }

  void refused(Path file, String reason) {
    IOException e = assertThrows(IOException.class, () -> PairedFolder.read(dir, 0, 0, 0));
    assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }
}
