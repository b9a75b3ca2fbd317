package dev.duel.gan.data;

import dev.duel.nn.state.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes unsigned-byte IDX files (the inverse of {@link IdxFile#read}), gzip-compressed when asked,
 * atomically (temporary file, fsync, rename). Used by {@code duel sample} to export samples that any
 * MNIST tool reads.
 */
public final class IdxWriter {
  private IdxWriter() {}

  /** Writes {@code idx} to {@code file}; gzip when the name ends with ".gz". */
  public static void write(Path file, IdxFile idx) throws IOException {
    write(file, idx, file.getFileName().toString().endsWith(".gz"));
  }

  /** Writes {@code idx} to {@code file}, gzip-compressed when {@code gzip}. */
  public static void write(Path file, IdxFile idx, boolean gzip) throws IOException {
    int[] dims = idx.dims();
    byte[] header = new byte[4 + 4 * dims.length];
    header[2] = (byte) IdxFile.UBYTE;
    header[3] = (byte) dims.length;
    for (int i = 0; i < dims.length; i++) {
      int d = dims[i], o = 4 + 4 * i;
      header[o] = (byte) (d >>> 24); header[o + 1] = (byte) (d >>> 16); header[o + 2] = (byte) (d >>> 8); header[o + 3] = (byte) d;
    }
    AtomicFiles.writeStream(file, raw -> {
      try (OutputStream out = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw) {
        out.write(header);
        out.write(idx.data());
      }
    });
  }

  /** Writes N images of rows × cols (unsigned bytes, row-major) as an idx3 file (magic 0x00000803). */
  public static void writeImages(Path file, byte[] pixels, int n, int rows, int cols) throws IOException {
    write(file, new IdxFile(new int[] {n, rows, cols}, pixels));
  }

  /**
   * Writes N images of rows × cols given as floats in [−1, 1] (N×1×rows×cols) as an idx3 file, each
   * pixel as round((x + 1)·127.5) clamped to [0, 255] (NaN → 0): the inverse of {@link ImageDataset}'s scaling.
   */
  public static void writeImages(Path file, float[] images, int n, int rows, int cols) throws IOException {
    if ((long) n * rows * cols != images.length)
      throw new IllegalArgumentException("writeImages " + file + ": " + n + "×" + rows + "×" + cols + " images need "
          + (long) n * rows * cols + " floats, got " + images.length);
    byte[] px = new byte[images.length];
    for (int i = 0; i < px.length; i++) px[i] = (byte) toUbyte(images[i]);
    writeImages(file, px, n, rows, cols);
  }

  /** Writes labels (each in [0, 255]) as an idx1 file (magic 0x00000801). */
  public static void writeLabels(Path file, int[] labels) throws IOException {
    byte[] b = new byte[labels.length];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] > 255)
        throw new IllegalArgumentException("writeLabels " + file + ": label " + labels[i] + " at index " + i + " is outside [0, 255]");
      b[i] = (byte) labels[i];
    }
    write(file, new IdxFile(new int[] {labels.length}, b));
  }

  /** round((x + 1)·127.5) clamped to [0, 255]; NaN → 0. */
  public static int toUbyte(float x) {
    if (!(x == x)) return 0;
    long v = Math.round((x + 1.0) * 127.5);
    return (int) Math.max(0, Math.min(255, v));
  }
}
