package dev.duel.gan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dataset shipped in data/fashion-mnist (found from the module folder by walking up). */
class FashionMnistTest {
  @Test
  void theShippedDatasetLoadsWithItsChecksums() throws IOException {
    Path folder = FashionMnist.locate(null);
    Map<String, String> sums = FashionMnist.readChecksums(folder);
    assertEquals(4, sums.size(), "SHA256SUMS lists the four files");
    FashionMnist.verifyChecksums(folder, List.copyOf(sums.keySet()));

    ImageDataset train = FashionMnist.load(null, ImageDataset.Split.TRAIN);
    ImageDataset test = FashionMnist.load(null, ImageDataset.Split.TEST);
    assertEquals(60000, train.size());
    assertEquals(10000, test.size());
    for (ImageDataset d : List.of(train, test)) {
      assertEquals(1, d.channels());
      assertEquals(28, d.height());
      assertEquals(28, d.width());
      assertEquals(10, d.numClasses());
      int[] counts = new int[10];
      for (int y : d.labels()) counts[y]++;
      for (int c : counts) assertEquals(d.size() / 10, c, "Fashion-MNIST is balanced");
      float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
      for (float x : d.images()) { min = Math.min(min, x); max = Math.max(max, x); }
      assertEquals(-1f, min);
      assertEquals(1f, max);
    }
    assertEquals(9, train.labels()[0], "the first training image is an ankle boot");
    assertEquals("Ankle boot", FashionMnist.className(train.labels()[0]));
  }

  @Test
  void classNames() {
    assertEquals(List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
        FashionMnist.CLASS_NAMES);
    assertThrows(IllegalArgumentException.class, () -> FashionMnist.className(10));
  }

  @Test
  void locatesByDuelHomeOrDataOption() throws IOException {
    Path shipped = FashionMnist.locate(null).toAbsolutePath();
    Path home = shipped.getParent().getParent();
    String old = System.getProperty("duel.home");
    try {
      System.setProperty("duel.home", home.toString());
      assertEquals(shipped, FashionMnist.locate(null));
    } finally {
      if (old == null) System.clearProperty("duel.home"); else System.setProperty("duel.home", old);
    }
    Path tmp = Files.createTempDirectory("duel-data");
    try {
      assertEquals(tmp, FashionMnist.locate(tmp));
      NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FashionMnist.locate(tmp.resolve("missing")));
      assertTrue(e.getMessage().contains("missing") && e.getMessage().contains("--data"), e.getMessage());
    } finally {
      Files.delete(tmp);
    }
  }
}
