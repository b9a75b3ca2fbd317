package dev.duel.gan.data;

import dev.duel.nn.state.AtomicFiles;
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
 * Fashion-MNIST (Xiao, Rasul, Vollgraf 2017; Zalando Research, MIT licence), shipped in the repository
 * under {@code data/fashion-mnist/} so a fresh clone trains offline, and the loader of any MNIST-format
 * folder given with {@code --data}.
 *
 * <p>A folder's {@code SHA256SUMS} (sha256sum format: "HEX  NAME" per line), when present, is checked
 * for every file that is loaded: a file that does not match is refused, by name.
 */
public final class FashionMnist {
  /** The folder inside the repository. */
  public static final String RELATIVE_DIR = "data/fashion-mnist";
  public static final String CHECKSUMS = "SHA256SUMS";
  /** Class names by label 0..9. */
  public static final List<String> CLASS_NAMES = List.of(
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  private FashionMnist() {}

  /** The name of class {@code label} (0..9). */
  public static String className(int label) {
    if (label < 0 || label >= CLASS_NAMES.size()) throw new IllegalArgumentException("Fashion-MNIST has labels 0..9, got " + label);
    return CLASS_NAMES.get(label);
  }

  /**
   * The data folder: {@code dataOption} when given (the {@code --data} flag), else
   * {@code $duel.home/data/fashion-mnist}, else {@code data/fashion-mnist} in the working directory or
   * one of its parents. Throws naming every place looked at when none exists.
   */
  public static Path locate(Path dataOption) throws NoSuchFileException {
    if (dataOption != null) {
      if (Files.isDirectory(dataOption)) return dataOption;
      throw new NoSuchFileException(dataOption.toString(), null, "--data folder not found (it must hold MNIST-format IDX files)");
    }
    List<Path> tried = new ArrayList<>();
    String home = System.getProperty("duel.home");
    if (home != null && !home.isBlank()) tried.add(Path.of(home).resolve(RELATIVE_DIR));
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) tried.add(d.resolve(RELATIVE_DIR));
    for (Path p : tried) if (Files.isDirectory(p)) return p;
    throw new NoSuchFileException(RELATIVE_DIR, null, "Fashion-MNIST not found; looked in " + tried
        + ". Run from the Duel checkout, set -Dduel.home, or pass --data FOLDER");
  }

  /** Loads the shipped Fashion-MNIST (or {@code dataOption}'s folder) split, checking SHA256SUMS. */
  public static ImageDataset load(Path dataOption, ImageDataset.Split split) throws IOException {
    return loadFolder(locate(dataOption), split);
  }

  /** Loads one split of an MNIST-format folder, checking its files against SHA256SUMS when present. */
  public static ImageDataset loadFolder(Path folder, ImageDataset.Split split) throws IOException {
    if (!Files.isDirectory(folder))
      throw new NoSuchFileException(folder.toString(), null, "data folder not found (pass --data with a folder in MNIST format)");
    Path images = ImageDataset.find(folder, split.prefix + "-images", "idx3-ubyte");
    Path labels = ImageDataset.find(folder, split.prefix + "-labels", "idx1-ubyte");
    verifyChecksums(folder, List.of(images.getFileName().toString(), labels.getFileName().toString()));
    return ImageDataset.fromIdx(images, labels);
  }

  /**
   * Checks {@code names} in {@code folder} against its SHA256SUMS; does nothing when the folder has
   * none, or for a name it does not list. A mismatch throws an {@link IdxFormatException} naming the file.
   */
  public static void verifyChecksums(Path folder, List<String> names) throws IOException {
    Map<String, String> sums = readChecksums(folder);
    for (String name : names) {
      String want = sums.get(name);
      if (want == null) continue;
      Path f = folder.resolve(name);
      String got = AtomicFiles.sha256(f);
      if (!got.equals(want))
        throw new IdxFormatException(f, "corrupted: SHA-256 " + got + " does not match " + want + " in " + CHECKSUMS
            + " (restore it with git checkout -- " + f.getFileName() + ", or fetch the dataset again)");
    }
  }

  /** name → lower-case hex SHA-256 from {@code folder/SHA256SUMS}; empty when the file is absent. */
  public static Map<String, String> readChecksums(Path folder) throws IOException {
    Path sumsFile = folder.resolve(CHECKSUMS);
    Map<String, String> sums = new LinkedHashMap<>();
    if (!Files.isRegularFile(sumsFile)) return sums;
    if (Files.size(sumsFile) > 1 << 20) throw new IdxFormatException(sumsFile, "larger than 1 MiB: not a checksum list");
    int lineNo = 0;
    for (String line : Files.readAllLines(sumsFile, StandardCharsets.UTF_8)) {
      lineNo++;
      if (line.isBlank() || line.startsWith("#")) continue;
      // sha256sum writes "HEX  NAME" (text mode) or "HEX *NAME" (binary mode).
      if (line.length() < 66 || !line.substring(0, 64).matches("[0-9a-fA-F]{64}") || line.charAt(64) != ' ')
        throw new IdxFormatException(sumsFile, "line " + lineNo + " is not 'SHA256  NAME': " + line);
      String name = line.substring(66);
      if (line.charAt(65) != ' ' && line.charAt(65) != '*') name = line.substring(65);
      sums.put(name.strip(), line.substring(0, 64).toLowerCase());
    }
    return sums;
  }
}
