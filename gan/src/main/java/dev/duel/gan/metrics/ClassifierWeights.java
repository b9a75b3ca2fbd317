package dev.duel.gan.metrics;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.gan.data.FashionMnist;
import dev.duel.gan.train.StateMaps;
import dev.duel.nn.state.AtomicFiles;
import dev.duel.nn.state.Safetensors;
import dev.duel.nn.state.StateFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The classifier's weights file: safetensors, with a sha256 listed in a {@code SHA256SUMS} file beside it
 * (sha256sum format). The shipped file is {@code data/classifier/fashion-classifier.safetensors}.
 *
 * <p>Loading checks the sha256 first: metrics are only comparable between runs that used the same
 * feature network, so a file that does not match its listed hash, or that is not listed at all, is
 * refused (the message names the file and both hashes). The file's {@code architecture} metadata must be
 * {@link FashionClassifier#ARCHITECTURE}, and every tensor must fit the model.
 */
public final class ClassifierWeights {
  public static final String RELATIVE_DIR = "data/classifier";
  public static final String FILE_NAME = "fashion-classifier.safetensors";
  public static final String CHECKSUMS = "SHA256SUMS";

  private ClassifierWeights() {}

  /** A loaded classifier (in eval mode), its file's sha256 and the file's metadata. */
  public record Loaded(FashionClassifier model, Path file, String sha256, Map<String, String> metadata) {}

  /**
   * The shipped weights: {@code $duel.home/data/classifier/...}, else {@code data/classifier/...} in the
   * working directory or one of its parents. Throws naming every place looked at when none exists.
   */
  public static Path locateShipped() throws NoSuchFileException {
    List<Path> tried = new ArrayList<>();
    String home = System.getProperty("duel.home");
    if (home != null && !home.isBlank()) tried.add(Path.of(home).resolve(RELATIVE_DIR).resolve(FILE_NAME));
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) tried.add(d.resolve(RELATIVE_DIR).resolve(FILE_NAME));
    for (Path p : tried) if (Files.isRegularFile(p)) return p;
    throw new NoSuchFileException(RELATIVE_DIR + "/" + FILE_NAME, null, "the shipped classifier was not found; looked at "
        + tried + ". Run from the Duel checkout, set -Dduel.home, or pass --classifier FILE");
  }

  /** Loads {@code file} (or the shipped weights when null) after checking its sha256. */
  public static Loaded load(Backend backend, Path file) throws IOException {
    Path f = file == null ? locateShipped() : file;
    if (!Files.isRegularFile(f)) throw new NoSuchFileException(f.toString(), null, "classifier weights not found");
    String sha = verify(f);
    Safetensors.Contents c = Safetensors.read(f);
    String arch = c.metadata().get("architecture");
    if (!FashionClassifier.ARCHITECTURE.equals(arch)) {
      throw new StateFormatException(f, "metadata 'architecture' is " + (arch == null ? "missing" : "'" + arch + "'")
          + ", this build of Duel needs '" + FashionClassifier.ARCHITECTURE + "'");
    }
    FashionClassifier model = new FashionClassifier(backend, new Generator(0));
    StateMaps.load(model.stateDict(), c.tensors(), f);
    model.eval();
    return new Loaded(model, f, sha, c.metadata());
  }

  /**
   * Checks {@code file} against the entry for its name in {@code SHA256SUMS} in its folder and returns
   * its sha256. Refuses a missing list, a missing entry, and a mismatch.
   */
  public static String verify(Path file) throws IOException {
    Path folder = file.toAbsolutePath().getParent();
    Path sums = folder.resolve(CHECKSUMS);
    String name = file.getFileName().toString();
    String got = AtomicFiles.sha256(file);
    if (!Files.isRegularFile(sums)) {
      throw new StateFormatException(file, "no " + CHECKSUMS + " beside it, so its sha256 " + got
          + " cannot be checked; if you trust this file, run: cd " + folder + " && sha256sum " + name + " >> " + CHECKSUMS);
    }
    String want = FashionMnist.readChecksums(folder).get(name);
    if (want == null) {
      throw new StateFormatException(file, "not listed in " + sums + ", so its sha256 " + got
          + " cannot be checked; if you trust this file, run: cd " + folder + " && sha256sum " + name + " >> " + CHECKSUMS);
    }
    if (!want.equals(got)) {
      throw new StateFormatException(file, "sha256 mismatch: the file hashes to " + got + " but " + sums + " expects " + want
          + ". The weights are corrupt or were replaced; restore them (git checkout -- " + file.getFileName()
          + ") or retrain them with 'duel classifier train'");
    }
    return got;
  }

  /**
   * Writes the model's state to {@code file} (atomically) with {@code metadata} plus the architecture,
   * then records its sha256 in {@code SHA256SUMS} beside it (replacing an older line for the same name).
   * Returns the sha256.
   */
  public static String save(FashionClassifier model, Path file, Map<String, String> metadata) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("architecture", FashionClassifier.ARCHITECTURE);
    meta.putAll(metadata);
    Safetensors.write(file, StateMaps.toHost(model.stateDict()), meta);
    String sha = AtomicFiles.sha256(file);
    Path folder = file.toAbsolutePath().getParent();
    Path sums = folder.resolve(CHECKSUMS);
    String name = file.getFileName().toString();
    StringBuilder text = new StringBuilder();
    if (Files.isRegularFile(sums)) {
      for (String line : Files.readAllLines(sums, StandardCharsets.UTF_8)) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) continue;
        boolean same = trimmed.length() > 66 && (trimmed.substring(66).strip().equals(name) || trimmed.substring(65).strip().equals("*" + name));
        if (!same) text.append(line).append('\n');
      }
    }
    text.append(sha).append("  ").append(name).append('\n');
    AtomicFiles.writeString(sums, text.toString());
    return sha;
  }
}
