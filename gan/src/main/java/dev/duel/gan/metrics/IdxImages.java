package dev.duel.gan.metrics;

import dev.duel.gan.data.IdxFile;
import dev.duel.gan.data.IdxFormatException;
import dev.duel.gan.data.ImageDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the images of an unsigned-byte IDX file (raw or .gz; see {@link IdxFile}) for scoring: dims
 * N×28×28 (idx3) or N×1×28×28, N ≥ 1. Anything else is refused naming the file and its dims.
 */
public final class IdxImages {
  private IdxImages() {}

  public static ImageSet read(Path file) throws IOException {
    IdxFile idx = IdxFile.read(file);
    int[] d = idx.dims();
    boolean ok = (d.length == 3 && d[1] == 28 && d[2] == 28) || (d.length == 4 && d[1] == 1 && d[2] == 28 && d[3] == 28);
    if (!ok) {
      throw new IdxFormatException(file, "holds an array of dims " + Arrays.toString(d)
          + "; duel eval scores 28×28 grayscale images (dims N×28×28 or N×1×28×28). Is it a labels file or another image size?");
    }
    if (d[0] < 1) throw new IdxFormatException(file, "holds no images (N = 0)");
    byte[] px = idx.data();
    float[] x = new float[px.length];
    for (int i = 0; i < px.length; i++) x[i] = ImageDataset.scale(px[i]);
    return new ImageSet(x, d[0], "IDX file " + file);
  }
}
