package dev.duel.gan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.duel.gan.train.Checkpoints;
import dev.duel.gan.train.TinyData;
import dev.duel.nn.state.AtomicFiles;
import dev.duel.nn.state.Json;
import dev.duel.nn.state.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation of checkpoint files (not coverage-guided fuzzing): random byte flips, truncations,
 * insertions and header edits of a real safetensors file must be refused with an IOException or
 * IllegalArgumentException naming the file, never another exception; and a resume whose newest
 * checkpoint was mutated (its SHA-256 re-recorded, so only the contents are wrong) either continues from
 * a checkpoint or exits 1 with one line, never a stack trace or another exit code.
 */
class CheckpointMutationTest {
  @TempDir
  Path tmp;

  private List<String> train(Path out, String... more) {
    List<String> a = new ArrayList<>(List.of("train", "--model", "mlp", "--width", "4", "--latent", "8", "--batch", "8",
        "--data", TinyData.folder().toString(), "--out", out.toString(), "--name", "m", "--limit", "4"));
    a.addAll(List.of(more));
    return a;
  }

  private static byte[] mutate(byte[] b, Random r) {
    byte[] m = b.clone();
    switch (r.nextInt(5)) {
      case 0 -> { for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8)); }
      case 1 -> m = Arrays.copyOf(m, r.nextInt(m.length));
      case 2 -> {                                                     // inside the JSON header
        int headerEnd = (int) Math.min(m.length, 8 + (m[0] & 0xff) + ((m[1] & 0xff) << 8));
        m[8 + r.nextInt(Math.max(1, headerEnd - 8))] = (byte) "{}[],:\"0123456789-eE.x".charAt(r.nextInt(22));
      }
      case 3 -> { for (int i = 0; i < 8; i++) m[i] = (byte) r.nextInt(256); }   // the header length
      default -> {
        int at = r.nextInt(m.length);
        byte[] ins = new byte[1 + r.nextInt(16)];
        r.nextBytes(ins);
        byte[] n = new byte[m.length + ins.length];
        System.arraycopy(m, 0, n, 0, at);
        System.arraycopy(ins, 0, n, at, ins.length);
        System.arraycopy(m, at, n, at + ins.length, m.length - at);
        m = n;
      }
    }
    return m;
  }

  @Test
  void mutatedSafetensorsAreRefusedWithAMessageNamingTheFile() throws Exception {
    Path out = tmp.resolve("runs");
    assertEquals(0, CliTest.duel(train(out, "--epochs", "1").toArray(String[]::new)).code());
    byte[] good = Files.readAllBytes(out.resolve("m/checkpoints/step-4/g.safetensors"));
    Path f = tmp.resolve("x.safetensors");
    Random r = new Random(16);
    int refused = 0;
    for (int i = 0; i < 3000; i++) {
      Files.write(f, mutate(good, r));
      try {
        Safetensors.read(f);
      } catch (IOException | IllegalArgumentException e) {
        assertTrue(e.getMessage() != null && e.getMessage().contains(f.toString()), "mutation " + i + ": " + e);
        refused++;
      } catch (RuntimeException | Error e) {
        fail("mutation " + i + " threw " + e, e);
      }
    }
    assertTrue(refused > 1000, refused + " of 3000 refused");
  }

  @Test
  void aResumeOverMutatedCheckpointsContinuesOrExits1() throws Exception {
    Path out = tmp.resolve("runs");
    assertEquals(0, CliTest.duel(train(out, "--epochs", "1", "--checkpoint-every", "2", "--keep-checkpoints", "10").toArray(String[]::new)).code());
    Path run = out.resolve("m");
    Path pristine = tmp.resolve("pristine");
    copy(run, pristine);
    Random r = new Random(1616);
    String[] files = {"g.safetensors", "d.safetensors", "opt_g.safetensors", "opt_d.safetensors"};
    for (int i = 0; i < 12; i++) {
      AtomicFiles.deleteTree(run);
      copy(pristine, run);
      Path newest = run.resolve("checkpoints/step-4");
      String name = files[r.nextInt(files.length)];
      Files.write(newest.resolve(name), mutate(Files.readAllBytes(newest.resolve(name)), r));
      rerecord(newest, name);
      if (r.nextBoolean()) {                                   // and state.json's fields, sometimes
        Map<String, Object> s = Json.parseObject(Files.readString(newest.resolve(Checkpoints.STATE)));
        @SuppressWarnings("unchecked") Map<String, Object> data = (Map<String, Object>) s.get("data");
        data.put("position", r.nextBoolean() ? -5L : Long.MAX_VALUE);
        Files.writeString(newest.resolve(Checkpoints.STATE), Json.writePretty(s));
      }
      CliTest.Result res = CliTest.duel(train(out, "--resume", "--epochs", "2").toArray(String[]::new));
      assertFalse(res.err().contains("\tat "), "mutation " + i + ": a stack trace\n" + res.err());
      assertTrue(res.code() == 0 || res.code() == 1, "mutation " + i + ": exit " + res.code() + "\n" + res.err());
      if (res.code() == 0 && res.err().contains("skipping checkpoint " + newest)) {
        assertTrue(res.out().contains("resumed    from " + run.resolve("checkpoints/step-2")), res.out());
      }
    }
  }

  private static void rerecord(Path folder, String file) throws IOException {
    Path state = folder.resolve(Checkpoints.STATE);
    Map<String, Object> m = Json.parseObject(Files.readString(state));
    @SuppressWarnings("unchecked") Map<String, Object> files = (Map<String, Object>) m.get("files");
    files.put(file, AtomicFiles.sha256(folder.resolve(file)));
    Files.writeString(state, Json.writePretty(m));
  }

  private static void copy(Path from, Path to) throws IOException {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        if (p.getFileName().toString().equals(".lock")) continue;
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(t);
        else Files.copy(p, t);
      }
    }
  }
}
