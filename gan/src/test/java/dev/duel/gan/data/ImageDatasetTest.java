package dev.duel.gan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDatasetTest {
  @TempDir Path dir;

  /** A tiny MNIST-format folder: 5 images of 3×4 with pixel (i, k) = 10·i + k, labels 4, 0, 2, 2, 1. */
  Path folder(String images, String labels) throws IOException {
    byte[] px = new byte[5 * 12];
    for (int i = 0; i < 5; i++) for (int k = 0; k < 12; k++) px[i * 12 + k] = (byte) (10 * i + k);
    px[0] = (byte) 255;
    IdxWriter.writeImages(dir.resolve(images), px, 5, 3, 4);
    IdxWriter.writeLabels(dir.resolve(labels), new int[] {4, 0, 2, 2, 1});
    return dir;
  }

  @Test
  void scalesBytesToMinusOneOne() {
    assertEquals(-1f, ImageDataset.scale(0));
    assertEquals(1f, ImageDataset.scale(255));
    assertEquals((float) (128 / 127.5 - 1), ImageDataset.scale(128));
    for (int b = 0; b < 255; b++) assertTrue(ImageDataset.scale(b) < ImageDataset.scale(b + 1));
  }

  @Test
  void loadsAFolderInEveryNaming() throws IOException {
    for (String[] names : List.of(new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"},
        new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte"},
        new String[] {"train-images.idx3-ubyte", "train-labels.idx1-ubyte"})) {
      try (var s = Files.list(dir)) { for (Path p : s.toList()) Files.delete(p); }
      ImageDataset d = ImageDataset.loadFolder(folder(names[0], names[1]), ImageDataset.Split.TRAIN);
      assertEquals(5, d.size());
      assertEquals(1, d.channels());
      assertEquals(3, d.height());
      assertEquals(4, d.width());
      assertEquals(12, d.imageSize());
      assertEquals(5, d.numClasses());
      assertArrayEquals(new int[] {4, 0, 2, 2, 1}, d.labels());
      assertEquals(1f, d.images()[0]);
      assertEquals(ImageDataset.scale(10 * 3 + 7), d.images()[3 * 12 + 7]);

      float[] batch = new float[2 * 12];
      int[] lb = new int[2];
      d.gather(new int[] {3, 1}, 2, batch, lb);
      assertArrayEquals(new int[] {2, 0}, lb);
      assertEquals(ImageDataset.scale(30), batch[0]);
      assertEquals(ImageDataset.scale(10 + 11), batch[12 + 11]);
      assertEquals(2, d.head(2).size());
    }
  }

  @Test
  void namesTheFolderAndTheMissingFile() throws IOException {
    folder("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ImageDataset.loadFolder(dir, ImageDataset.Split.TEST));
    assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz") && e.getMessage().contains("missing from data folder " + dir), e.getMessage());
    Files.delete(dir.resolve("train-labels-idx1-ubyte.gz"));
    e = assertThrows(NoSuchFileException.class, () -> ImageDataset.loadFolder(dir, ImageDataset.Split.TRAIN));
    assertTrue(e.getMessage().contains("train-labels-idx1-ubyte"), e.getMessage());
    e = assertThrows(NoSuchFileException.class, () -> ImageDataset.loadFolder(dir.resolve("nope"), ImageDataset.Split.TRAIN));
    assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("--data"), e.getMessage());
  }

  @Test
  void refusesMismatchedCounts() throws IOException {
    folder("train-images-idx3-ubyte", "unused");
    IdxWriter.writeLabels(dir.resolve("train-labels-idx1-ubyte"), new int[] {1, 2, 3});
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> ImageDataset.loadFolder(dir, ImageDataset.Split.TRAIN));
    assertTrue(e.getMessage().contains("3 labels for the 5 images"), e.getMessage());
  }

  @Test
  void checksumsRefuseACorruptedFileByName() throws IOException {
    folder("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
    Path im = dir.resolve("train-images-idx3-ubyte.gz"), lb = dir.resolve("train-labels-idx1-ubyte.gz");
    Files.writeString(dir.resolve("SHA256SUMS"), dev.duel.nn.state.AtomicFiles.sha256(im) + "  train-images-idx3-ubyte.gz\n"
        + dev.duel.nn.state.AtomicFiles.sha256(lb) + " *train-labels-idx1-ubyte.gz\n");
    assertEquals(5, FashionMnist.loadFolder(dir, ImageDataset.Split.TRAIN).size());
    byte[] b = Files.readAllBytes(lb);
    b[b.length / 2] ^= 1;
    Files.write(lb, b);
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> FashionMnist.loadFolder(dir, ImageDataset.Split.TRAIN));
    assertTrue(e.getMessage().startsWith(lb.toString()) && e.getMessage().contains("corrupted"), e.getMessage());
    Files.writeString(dir.resolve("SHA256SUMS"), "not a checksum line\n");
    assertThrows(IdxFormatException.class, () -> FashionMnist.loadFolder(dir, ImageDataset.Split.TRAIN));
  }
}
