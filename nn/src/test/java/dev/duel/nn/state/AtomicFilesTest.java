package dev.duel.nn.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) { return s.map(p -> p.getFileName().toString()).sorted().toList(); }
  }

  @Test
  void writesAndReplacesFiles() throws IOException {
    Path f = dir.resolve("state.json");
    AtomicFiles.writeString(f, "one");
    AtomicFiles.writeString(f, "two");
    assertEquals("two", Files.readString(f));
    assertEquals(List.of("state.json"), names());
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
    Path f = dir.resolve("a.bin");
    AtomicFiles.writeBytes(f, new byte[] {1, 2});
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeStream(f, out -> {
      out.write(new byte[1000]);
      throw new IOException("disk full");
    }));
    assertEquals("disk full", e.getMessage());
    assertEquals(2, Files.size(f));
    assertEquals(List.of("a.bin"), names());
  }

  @Test
  void writesFoldersAtomically() throws IOException {
    Path ck = dir.resolve("step-10");
    AtomicFiles.writeFolder(ck, tmp -> {
      assertTrue(AtomicFiles.isTemporary(tmp), tmp.toString());
      Files.writeString(tmp.resolve("state.json"), "{}");
      Files.createDirectory(tmp.resolve("sub"));
      Files.writeString(tmp.resolve("sub/x"), "x");
    });
    assertEquals("{}", Files.readString(ck.resolve("state.json")));
    assertEquals("x", Files.readString(ck.resolve("sub/x")));
    assertThrows(FileAlreadyExistsException.class, () -> AtomicFiles.writeFolder(ck, tmp -> {}));

    Path failed = dir.resolve("step-20");
    assertThrows(IllegalStateException.class, () -> AtomicFiles.writeFolder(failed, tmp -> {
      Files.writeString(tmp.resolve("half"), "h");
      throw new IllegalStateException("killed");
    }));
    assertFalse(Files.exists(failed));
    assertEquals(List.of("step-10"), names(), "the half-written temporary folder is gone");
  }

  @Test
  void sha256OfKnownInputs() throws IOException {
    Path f = dir.resolve("abc");
    Files.writeString(f, "abc");
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", AtomicFiles.sha256(f));
    Files.write(f, new byte[0]);
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", AtomicFiles.sha256(f));
  }

  @Test
  void refusesAMissingFolder() {
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(dir.resolve("no/such/file"), "x"));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }
}
