package dev.duel.gan.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** The PNG files of a folder, as the folder readers take them: the regular files directly in it named *.png (any case), in name order. */
public final class PngFiles {
  private PngFiles() {}

  /**
   * The .png files directly in {@code folder}, in name order. Refused, naming the folder: a missing folder ("KIND not
   * found"), more than {@code max} files ("...; TOO_MANY"), none ("no .png files in this folder" + EMPTY).
   */
  public static List<Path> in(Path folder, String kind, int max, String tooMany, String empty) throws IOException {
    if (!Files.isDirectory(folder)) throw new NoSuchFileException(folder.toString(), null, kind + " not found");
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(folder)) {
      Iterator<Path> it = s.iterator();
      while (it.hasNext()) {
        Path p = it.next();
        if (p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png") && Files.isRegularFile(p)) {
          if (files.size() == max) throw new IOException(folder + ": more than " + max + " PNG files; " + tooMany);
          files.add(p);
        }
      }
    }
    if (files.isEmpty()) throw new NoSuchFileException(folder.toString(), null, "no .png files in this folder" + empty);
    files.sort(null);
    return files;
  }
}
