package dev.duel.gan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/**
 * Fuzzes {@link IdxFile#read(Path)}, raw and gzip-compressed. Contract: a valid array (data as long as
 * the product of the sizes, at most {@link IdxFile#MAX_DATA_BYTES}), or an {@link IdxFormatException}
 * whose message starts with the file's path; any other throwable (an OutOfMemoryError included) or a hang
 * is a finding.
 *
 * <p>CI replays the seeds in {@code IdxFileFuzzTestInputs/{raw,gzip}/}; fuzzing, one target per run:
 * {@code JAZZER_FUZZ=1 ./mvnw -pl kernels,engine,nn,gan verify -Dtest='IdxFileFuzzTest#raw'} (docs/reliability.md).
 */
class IdxFileFuzzTest {
  private static final Path FILE = tempFile();

  /** The input is the file, byte for byte (gzip when it starts with 1F 8B, as IdxFile decides). */
  @FuzzTest(maxDuration = "10m")
  void raw(byte[] input) throws IOException {
    Files.write(FILE, input);
    check();
  }

  /**
   * The first byte picks the mode: even, the rest is an IDX file that this target gzips (the fuzzer
   * explores IDX headers behind a valid gzip stream); odd, the rest is a .gz file as it is (the fuzzer
   * explores broken, truncated and multi-member gzip streams and small streams that inflate to a lot).
   */
  @FuzzTest(maxDuration = "10m")
  void gzip(byte[] input) throws IOException {
    if (input.length == 0) return;
    byte[] rest = Arrays.copyOfRange(input, 1, input.length);
    if ((input[0] & 1) == 0) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
        gz.write(rest);
      }
      rest = bytes.toByteArray();
    } else if (rest.length < 2 || (rest[0] & 0xFF) != 0x1F || (rest[1] & 0xFF) != 0x8B) {
      byte[] withMagic = new byte[rest.length + 2];   // keep it on the gzip path
      withMagic[0] = 0x1F;
      withMagic[1] = (byte) 0x8B;
      System.arraycopy(rest, 0, withMagic, 2, rest.length);
      rest = withMagic;
    }
    Files.write(FILE, rest);
    check();
  }

  private static void check() throws IOException {
    IdxFile f;
    try {
      f = IdxFile.read(FILE);
    } catch (IdxFormatException e) {
      assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
      return;
    }
    long total = 1;
    for (int d : f.dims()) total *= d;
    assertEquals(total, f.data().length);
    assertTrue(total <= IdxFile.MAX_DATA_BYTES, total + " bytes");
  }

  private static Path tempFile() {
    try {
      Path f = Files.createTempFile("duel-fuzz-", ".idx");
      f.toFile().deleteOnExit();
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
