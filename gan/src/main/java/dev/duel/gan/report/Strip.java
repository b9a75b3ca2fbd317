package dev.duel.gan.report;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Latent interpolation strips: each walk's frames side by side, left to right, one walk per row
 * (an {@link ImageGrid} with one column per step).
 */
public final class Strip {
  private Strip() {}

  /** One walk: N×C×H×W frames in [−1, 1] as a single horizontal strip. */
  public static void write(Path png, float[] frames, int c, int h, int w, int scale) throws IOException {
    write(png, frames, c, h, w, 1, scale);
  }

  /** {@code walks} walks of equal length, stacked: frames are walks×steps×C×H×W, each walk one row. */
  public static void write(Path png, float[] frames, int c, int h, int w, int walks, int scale) throws IOException {
    int per = c * h * w;
    if (walks < 1 || per < 1 || frames.length % ((long) per * walks) != 0 || frames.length == 0)
      throw new IllegalArgumentException("Strip: " + frames.length + " floats are not " + walks + " walks of equal length of "
          + c + "×" + h + "×" + w + " frames");
    int steps = frames.length / per / walks;
    ImageGrid.write(png, frames, c, h, w, walks, steps, scale);
  }
}
