package dev.duel.gan.report;

import dev.duel.nn.state.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** PNG output for the report classes: headless AWT, written atomically (temporary file, fsync, rename). */
public final class Png {
  static {
    // Training runs on servers with no display: never let AWT look for one.
    if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    ImageIO.setUseCache(false); // no temp files under java.io.tmpdir
  }

  private Png() {}

  /** Makes sure AWT runs headless; call before the first use of java.awt in a class. */
  static void init() {}

  /** Writes {@code image} to {@code file} as PNG, atomically. */
  public static void write(Path file, BufferedImage image) throws IOException {
    AtomicFiles.writeStream(file, out -> {
      if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer in this JDK's ImageIO (cannot write " + file + ")");
    });
  }
}
