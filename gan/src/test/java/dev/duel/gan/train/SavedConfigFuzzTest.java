package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.duel.nn.state.StateFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Fuzzes what a resume and {@code --config} read of a saved config: the input is a checkpoint's
 * state.json, read by {@link Checkpoints#verify(Path)}, its "config" by {@link TrainConfig#fromSaved}
 * and {@link TrainConfig#validate()}; and the input as a --config file by {@link TrainConfig#fromJson}.
 * Contract: a config that validates and writes back to itself, or the documented refusal — a
 * StateFormatException/NoSuchFileException naming state.json or the file it lists, an
 * IllegalArgumentException starting with the source (or, from validate, naming the option) — never
 * another throwable.
 *
 * <p>CI replays the seeds in {@code SavedConfigFuzzTestInputs/read/}; fuzzing: docs/reliability.md.
 */
class SavedConfigFuzzTest {
  private static final Path FOLDER = tempFolder();
  private static final Path STATE = FOLDER.resolve(Checkpoints.STATE);

  @FuzzTest(maxDuration = "10m")
  void read(byte[] input) throws IOException {
    Files.write(STATE, input);
    String source = STATE.toString();
    try {
      TrainConfig.fromJson(new String(input, StandardCharsets.UTF_8), "config.json");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().startsWith("config.json: "), e.getMessage());
    }
    Checkpoints.Checkpoint c;
    try {
      c = Checkpoints.verify(FOLDER);
    } catch (StateFormatException | NoSuchFileException e) {
      assertTrue(e.getMessage().startsWith(FOLDER.toString()), e.getMessage());
      return;
    }
    TrainConfig cfg;
    try {
      cfg = TrainConfig.fromSaved(c.config(), source);
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().startsWith(source + ": "), e.getMessage());
      return;
    }
    try {
      cfg.validate();
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().startsWith("--"), e.getMessage());
      return;
    }
    TrainConfig again = TrainConfig.fromSaved(cfg.toJson(), "toJson");
    assertEquals(cfg.toJson(), again.toJson());
    assertTrue(cfg.differencesFrom(again).isEmpty());
  }

  private static Path tempFolder() {
    try {
      Path d = Files.createTempDirectory("duel-fuzz-checkpoint-");
      d.toFile().deleteOnExit();
      d.resolve(Checkpoints.STATE).toFile().deleteOnExit();
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
