package dev.duel.gan.train;

import dev.duel.nn.state.AtomicFiles;
import dev.duel.nn.state.Json;
import dev.duel.nn.state.Safetensors;
import dev.duel.nn.state.StateFormatException;
import dev.duel.nn.state.TensorData;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoint folders: {@code checkpoints/step-N/} holding safetensors files and {@code state.json}
 * (step, RNG offsets, data cursor, config, and the SHA-256 of every other file).
 *
 * <p>A checkpoint is written under a temporary name, every file fsynced, and renamed into place
 * ({@link AtomicFiles#writeFolder}), so a visible {@code step-N} folder was complete when written. On
 * resume each candidate is still verified (state.json parses, every listed file exists and matches its
 * SHA-256): a disk error or a hand-edited file makes it skipped, with a message naming the file, and
 * the next older one is tried. Old checkpoints are pruned by renaming them to a temporary name first,
 * so a prune cut short by a crash never leaves a half-deleted {@code step-N}.
 */
public final class Checkpoints {
  public static final String STATE = "state.json";
  public static final String FORMAT = "duel-checkpoint-1";
  private static final Pattern NAME = Pattern.compile("step-(\\d{1,18})");
  /** state.json is small; a larger one is not ours. */
  private static final int MAX_STATE_CHARS = 1 << 20;

  private Checkpoints() {}

  /** A verified checkpoint: its folder, step and parsed state.json. */
  public record Checkpoint(Path folder, long step, Map<String, Object> state) {
    /** The tensors of {@code file} (e.g. "g.safetensors"), checked against the SHA-256 in state.json again. */
    public Map<String, TensorData> tensors(String file) throws IOException {
      Path p = folder.resolve(file);
      if (!files().containsKey(file)) throw new NoSuchFileException(p.toString(), null, "not listed in " + STATE);
      return Safetensors.read(p).tensors();
    }

    public boolean has(String file) {
      return files().containsKey(file);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> files() {
      return (Map<String, Object>) state.get("files");
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> config() {
      return (Map<String, Object>) state.get("config");
    }
  }

  /** The folder name of step N. */
  public static String folderName(long step) {
    return "step-" + step;
  }

  /**
   * Writes {@code checkpoints/step-N/} atomically: each safetensors file of {@code tensors} (file name →
   * tensors), then state.json = {@code state} + "format", "step" and "files" (SHA-256 of each). An
   * existing step-N (left by a run that went further before it was resumed from an older checkpoint) is
   * replaced.
   */
  public static Path write(Path checkpointsDir, long step, Map<String, Map<String, TensorData>> tensors,
                           Map<String, Object> state) throws IOException {
    Files.createDirectories(checkpointsDir);
    Path target = checkpointsDir.resolve(folderName(step));
    if (Files.exists(target)) remove(target);
    AtomicFiles.writeFolder(target, tmp -> {
      Map<String, Object> sums = new LinkedHashMap<>();
      for (Map.Entry<String, Map<String, TensorData>> e : tensors.entrySet()) {
        Path f = tmp.resolve(e.getKey());
        Safetensors.write(f, e.getValue(), Map.of("format", "pt"));
        sums.put(e.getKey(), AtomicFiles.sha256(f));
      }
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("format", FORMAT);
      s.put("step", step);
      s.putAll(state);
      s.put("files", sums);
      AtomicFiles.writeString(tmp.resolve(STATE), Json.writePretty(s));
    });
    return target;
  }

  /** step-N folders in {@code checkpointsDir}, newest first (temporaries of interrupted writes are not listed). */
  public static List<Path> list(Path checkpointsDir) throws IOException {
    if (!Files.isDirectory(checkpointsDir)) return List.of();
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(checkpointsDir)) {
      s.filter(p -> NAME.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p)).forEach(out::add);
    }
    out.sort(Comparator.comparingLong(Checkpoints::stepOf).reversed());
    return out;
  }

  /**
   * The newest checkpoint that verifies, or null when there is none. Each one skipped is reported on
   * {@code log} with the reason, which names the file.
   */
  public static Checkpoint newestComplete(Path checkpointsDir, PrintStream log) throws IOException {
    for (Path p : list(checkpointsDir)) {
      try {
        return verify(p);
      } catch (StateFormatException | NoSuchFileException e) {
        log.println("skipping checkpoint " + p + ": " + describe(e));
      }
    }
    return null;
  }

  /** Reads state.json and checks every file it lists; throws naming the first file that is missing or corrupt. */
  public static Checkpoint verify(Path folder) throws IOException {
    Path statePath = folder.resolve(STATE);
    if (!Files.isRegularFile(statePath)) throw new NoSuchFileException(statePath.toString(), null, "missing: not a complete checkpoint");
    if (Files.size(statePath) > MAX_STATE_CHARS) throw new StateFormatException(statePath, "larger than 1 MiB: not a Duel state.json");
    Map<String, Object> state;
    try {
      state = Json.parseObject(Files.readString(statePath, StandardCharsets.UTF_8));
    } catch (Json.JsonException | java.nio.charset.MalformedInputException e) {
      throw new StateFormatException(statePath, "corrupt: " + e.getMessage(), e);
    }
    if (!FORMAT.equals(state.get("format"))) throw new StateFormatException(statePath, "format is " + state.get("format") + ", expected " + FORMAT);
    if (!(state.get("step") instanceof Long step) || step < 0) throw new StateFormatException(statePath, "has no valid \"step\"");
    if (!(state.get("files") instanceof Map<?, ?> files)) throw new StateFormatException(statePath, "has no \"files\" object");
    if (!(state.get("config") instanceof Map<?, ?>)) throw new StateFormatException(statePath, "has no \"config\" object");
    for (Map.Entry<?, ?> e : files.entrySet()) {
      String name = String.valueOf(e.getKey());
      if (name.contains("/") || name.contains("\\") || name.startsWith(".")) throw new StateFormatException(statePath, "lists a bad file name '" + name + "'");
      Path f = folder.resolve(name);
      if (!Files.isRegularFile(f)) throw new NoSuchFileException(f.toString(), null, "listed in " + STATE + " but missing");
      String got = AtomicFiles.sha256(f);
      if (!got.equals(e.getValue())) {
        throw new StateFormatException(f, "corrupt: SHA-256 " + got + " does not match " + e.getValue() + " recorded in " + STATE);
      }
    }
    return new Checkpoint(folder, step, state);
  }

  /**
   * A checkpoint named on the command line: a checkpoint folder (it holds state.json), verified; or a
   * run folder, whose newest complete checkpoint is taken (skipped ones reported on {@code log}).
   */
  public static Checkpoint locate(Path folder, PrintStream log) throws IOException {
    if (Files.isRegularFile(folder.resolve(STATE))) return verify(folder);
    Path dir = Files.isDirectory(folder.resolve("checkpoints")) ? folder.resolve("checkpoints") : folder;
    if (!Files.isDirectory(dir)) throw new NoSuchFileException(folder.toString(), null, "not a run or checkpoint folder");
    Checkpoint c = newestComplete(dir, log);
    if (c == null) throw new NoSuchFileException(dir.toString(), null, "holds no complete checkpoint");
    return c;
  }

  /** Deletes all but the newest {@code keep} checkpoints, and leftovers of interrupted writes. */
  public static void prune(Path checkpointsDir, int keep) throws IOException {
    List<Path> all = list(checkpointsDir);
    for (int i = keep; i < all.size(); i++) remove(all.get(i));
    removeTemporaries(checkpointsDir);
  }

  /** Deletes temporary folders that a killed run left while writing or pruning a checkpoint. */
  public static void removeTemporaries(Path checkpointsDir) throws IOException {
    if (!Files.isDirectory(checkpointsDir)) return;
    List<Path> tmps;
    try (Stream<Path> s = Files.list(checkpointsDir)) {
      tmps = s.filter(AtomicFiles::isTemporary).toList();
    }
    for (Path t : tmps) AtomicFiles.deleteTree(t);
  }

  /** Renames the folder to a temporary name (atomic: it is no longer a checkpoint), then deletes it. */
  private static void remove(Path folder) throws IOException {
    Path tmp = folder.resolveSibling("." + folder.getFileName() + ".tmp-removing-" + System.nanoTime());
    Files.move(folder, tmp, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    AtomicFiles.fsyncDirectory(folder.getParent());
    AtomicFiles.deleteTree(tmp);
  }

  static long stepOf(Path p) {
    Matcher m = NAME.matcher(p.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  private static String describe(IOException e) {
    if (e instanceof NoSuchFileException n) return n.getFile() + (n.getReason() == null ? " is missing" : " " + n.getReason());
    return e.getMessage();
  }
}
