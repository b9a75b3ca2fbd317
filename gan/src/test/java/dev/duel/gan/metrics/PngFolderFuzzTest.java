package dev.duel.gan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes {@link PngFolder#read(Path)} on a folder holding the input as its one .png file. Contract: one
 * 28×28 image with every pixel in [−1, 1], or an IOException whose message starts with the file's or
 * the folder's path; any other throwable (an OutOfMemoryError included) or a hang is a finding.
 *
 * <p>CI replays the seeds in {@code PngFolderFuzzTestInputs/read/}; fuzzing: docs/reliability.md.
 */
class PngFolderFuzzTest {
  private static final Path FOLDER = tempFolder();
  private static final Path FILE = FOLDER.resolve("input.png");

  @FuzzTest(maxDuration = "10m")
  void read(byte[] input) throws IOException {
    Files.write(FILE, input);
    ImageSet s;
    try {
      s = PngFolder.read(FOLDER);
    } catch (IOException e) {
      assertTrue(e.getMessage().startsWith(FILE + ": ") || e.getMessage().startsWith(FOLDER + ": "), e.getMessage());
      return;
    }
    assertEquals(1, s.count());
    assertEquals(ImageSet.PIXELS, s.images().length);
    for (float v : s.images()) assertTrue(v >= -1f && v <= 1f, "pixel " + v);
  }

  private static Path tempFolder() {
    try {
      Path d = Files.createTempDirectory("duel-fuzz-png-");
      d.toFile().deleteOnExit();
      d.resolve("input.png").toFile().deleteOnExit();
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
