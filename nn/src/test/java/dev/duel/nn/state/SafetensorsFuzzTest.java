package dev.duel.nn.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes {@link Safetensors#read(Path)} with the input as a whole file. Contract: valid contents (every
 * tensor's data as long as its shape says, no more float32 values than the file has bytes), or a
 * {@link StateFormatException} whose message starts with the file's path; any other throwable is a finding.
 *
 * <p>CI replays the seeds in {@code SafetensorsFuzzTestInputs/read/}; fuzzing: docs/reliability.md.
 */
class SafetensorsFuzzTest {
  private static final Path FILE = tempFile();

  @FuzzTest(maxDuration = "10m")
  void read(byte[] input) throws IOException {
    Files.write(FILE, input);
    Safetensors.Contents c;
    try {
      c = Safetensors.read(FILE);
    } catch (StateFormatException e) {
      assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
      return;
    }
    long values = 0;
    for (var e : c.tensors().entrySet()) {
      assertEquals(TensorData.numel(e.getValue().shape()), e.getValue().data().length, e.getKey());
      assertTrue(c.dtypes().containsKey(e.getKey()), e.getKey());
      values += e.getValue().data().length;
    }
    assertTrue(values <= input.length, values + " values from a file of " + input.length + " bytes");
  }

  private static Path tempFile() {
    try {
      Path f = Files.createTempFile("duel-fuzz-", ".safetensors");
      f.toFile().deleteOnExit();
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
