package dev.duel.gan.metrics;

import java.nio.file.Path;

/** Reads the PNG folder args[0] and prints its image count and first pixel: PngFolderKitRuntimeTest's child. */
public final class PngFolderMain {
  private PngFolderMain() {}

  public static void main(String[] args) throws Exception {
    ImageSet s = PngFolder.read(Path.of(args[0]));
    System.out.println(s.count() + " " + s.images()[0]);
  }
}
