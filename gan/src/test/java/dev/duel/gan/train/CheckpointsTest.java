package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.nn.state.StateFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corrupt, truncated, incomplete and leftover checkpoints are refused or skipped, by name. */
class CheckpointsTest {
  @TempDir
  Path tmp;
  Path dir;

  @TempDir
  static Path template;

  /** One short run: checkpoints at step 0, every 4 steps and at each epoch's end (6 steps). */
  @BeforeAll
  static void train() throws IOException {
    new Trainer(TinyData.smallMlp(), TinyData.dataset(), template, ResumeTest.QUIET, false).train();
  }

  /** A fresh copy of the run for each test. */
  @BeforeEach
  void copy() throws IOException {
    try (var files = Files.walk(template)) {
      for (Path p : files.toList()) {
        Path to = tmp.resolve(template.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(to);
        else Files.copy(p, to);
      }
    }
    dir = tmp.resolve("checkpoints");
    assertEquals(List.of(dir.resolve("step-12"), dir.resolve("step-8"), dir.resolve("step-6"), dir.resolve("step-4"), dir.resolve("step-0")),
        Checkpoints.list(dir), "step 0 at the start, every 4 steps and at each epoch's end (6 steps)");
  }

  @Test
  void aFlippedByteIsSkippedWithAMessageNamingTheFile() throws IOException {
    flipByte(dir.resolve("step-12/g.safetensors"), 200);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Checkpoints.Checkpoint c = Checkpoints.newestComplete(dir, new PrintStream(log, true, StandardCharsets.UTF_8));
    assertEquals(8, c.step(), "falls back to the newest checkpoint that verifies");
    String msg = log.toString(StandardCharsets.UTF_8);
    assertTrue(msg.contains("step-12") && msg.contains("g.safetensors") && msg.contains("SHA-256"), msg);

    StateFormatException e = assertThrows(StateFormatException.class, () -> Checkpoints.verify(dir.resolve("step-12")));
    assertTrue(e.getMessage().contains("g.safetensors"), e.getMessage());
  }

  @Test
  void aTruncatedStateJsonOrAMissingFileIsSkipped() throws IOException {
    Path state = dir.resolve("step-12/state.json");
    byte[] b = Files.readAllBytes(state);
    Files.write(state, java.util.Arrays.copyOf(b, b.length / 2));
    Files.delete(dir.resolve("step-8/opt_d.safetensors"));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Checkpoints.Checkpoint c = Checkpoints.newestComplete(dir, new PrintStream(log, true, StandardCharsets.UTF_8));
    assertEquals(6, c.step());
    String msg = log.toString(StandardCharsets.UTF_8);
    assertTrue(msg.contains("step-12/state.json") && msg.contains("corrupt"), msg);
    assertTrue(msg.contains("step-8/opt_d.safetensors") && msg.contains("missing"), msg);
  }

  @Test
  void noCompleteCheckpointGivesNull() throws IOException {
    for (Path p : Checkpoints.list(dir)) flipByte(p.resolve("d.safetensors"), 100);
    assertNull(Checkpoints.newestComplete(dir, ResumeTest.QUIET));
    assertThrows(NoSuchFileException.class, () -> Checkpoints.locate(tmp, ResumeTest.QUIET));
  }

  /** What a kill during a write leaves (a temporary folder) is not a checkpoint, and is cleaned up on the next run. */
  @Test
  void leftoversOfAnInterruptedWriteAreIgnoredAndRemoved() throws IOException {
    Path leftover = dir.resolve(".step-16.tmp-1234abcd");
    Files.createDirectories(leftover);
    Files.writeString(leftover.resolve("g.safetensors"), "half a file");
    Path stray = dir.resolve("step-20");                   // a folder without state.json
    Files.createDirectories(stray);
    assertEquals(12, Checkpoints.newestComplete(dir, ResumeTest.QUIET).step());
    Checkpoints.removeTemporaries(dir);
    assertFalse(Files.exists(leftover));
  }

  @Test
  void pruneKeepsTheNewest() throws IOException {
    Checkpoints.prune(dir, 2);
    assertEquals(List.of(dir.resolve("step-12"), dir.resolve("step-8")), Checkpoints.list(dir));
  }

  @Test
  void aCheckpointOfAnotherConfigIsRefused() throws IOException {
    TrainConfig other = TinyData.smallMlp();
    other.beta1 = 0.9f;                       // the learning rates may change on resume, Adam's betas not
    Trainer t = new Trainer(other, TinyData.dataset(), tmp.resolve("other"), ResumeTest.QUIET, false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.restore(Checkpoints.verify(dir.resolve("step-8"))));
    assertTrue(e.getMessage().contains("--beta1"), e.getMessage());

    TrainConfig wider = TinyData.smallMlp();
    wider.width = 8;
    wider.epochs = 3;
    Trainer w = new Trainer(wider, TinyData.dataset(), tmp.resolve("wider"), ResumeTest.QUIET, false);
    IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> w.restore(Checkpoints.verify(dir.resolve("step-8"))));
    assertTrue(e2.getMessage().contains("--width"), e2.getMessage());
  }

  static void flipByte(Path file, int at) throws IOException {
    byte[] b = Files.readAllBytes(file);
    b[Math.min(at, b.length - 1)] ^= 0x01;
    Files.write(file, b);
  }
}
