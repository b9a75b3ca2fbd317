package dev.duel.gan.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * An IDX file (LeCun's MNIST format), raw or gzip-compressed (detected by the gzip magic 1F 8B, not the name).
 *
 * <pre>
 * magic: 0x00 0x00 dtype ndim     dtype 0x08 = unsigned byte (the only one Duel reads; 0x09 i8, 0x0B i16,
 *                                 0x0C i32, 0x0D f32, 0x0E f64 are refused by name)
 * ndim × u32 big-endian sizes     images: 0x00000803 then N, rows, cols; labels: 0x00000801 then N
 * data: the product of the sizes, in bytes, row-major; nothing after it
 * </pre>
 * Bounds are checked before any allocation: 1 ≤ ndim ≤ 4, each size ≤ 2^20, and the data (the product of
 * the sizes) at most {@link #MAX_DATA_BYTES}. The data array is allocated only once the file is known to
 * hold exactly that many bytes: a raw file by its size, a .gz file by a first pass that inflates the
 * stream into nothing and counts. So a header that lies cannot make the reader allocate more than the
 * file holds, and a small .gz that inflates to gigabytes (a zip bomb) is refused from its header, before
 * anything is inflated. A bad magic number, a truncated file or bytes after the data are refused with an
 * {@link IdxFormatException} naming the file and the reason.
 */
public final class IdxFile {
  /** dtype code of unsigned bytes. */
  public static final int UBYTE = 0x08;
  /** Largest size accepted in one dimension. */
  public static final int MAX_DIM = 1 << 20;
  /** Largest number of dimensions accepted. */
  public static final int MAX_NDIM = 4;
  /** Largest element count accepted (Java's largest array). */
  public static final long MAX_TOTAL = Integer.MAX_VALUE - 8;
  /**
   * Largest data section read: 256 MiB, 342,000 images of 28×28 (Fashion-MNIST's training images are
   * 47 MB). The trainer holds the images as float32 as well, 4 bytes each: 1 GiB at this bound.
   */
  public static final long MAX_DATA_BYTES = 256L << 20;

  private final int[] dims;
  private final byte[] data;

  /** An unsigned-byte IDX array: {@code data.length} equals the product of {@code dims}. Arrays are not copied. */
  public IdxFile(int[] dims, byte[] data) {
    long total = checkDims(dims);
    if (total != data.length)
      throw new IllegalArgumentException("IDX dims " + Arrays.toString(dims) + " hold " + total + " bytes but data has " + data.length);
    this.dims = dims;
    this.data = data;
  }

  /** The sizes (a copy): {N} for labels, {N, rows, cols} for images. */
  public int[] dims() { return dims.clone(); }

  public int ndim() { return dims.length; }

  /** Size of dimension 0 (the number of items). */
  public int count() { return dims[0]; }

  /** The unsigned bytes, row-major (not a copy; read {@code b & 0xFF}). */
  public byte[] data() { return data; }

  /** Reads and validates {@code file}; see the class comment for what is refused. */
  public static IdxFile read(Path file) throws IOException {
    if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "IDX file not found");
    if (!Files.isRegularFile(file)) throw new IdxFormatException(file, "not a regular file");
    boolean gz;
    try (InputStream raw = Files.newInputStream(file)) {
      gz = raw.read() == 0x1F && raw.read() == 0x8B;
    }
    try {
      if (gz) {
        try (InputStream in = open(file, true)) {
          int[] dims = header(in, file);
          checkLength(file, dims, 4 + 4L * dims.length + count(in, product(dims) + 1), false);
        }
      }
      try (InputStream in = open(file, gz)) {
        int[] dims = header(in, file);
        if (!gz) checkLength(file, dims, Files.size(file), true);
        long total = product(dims);
        byte[] data = in.readNBytes((int) total);
        if (data.length < total || in.read() >= 0)
          throw new IdxFormatException(file, "changed while it was read (" + data.length + " of " + total + " data bytes)");
        return new IdxFile(dims, data);
      }
    } catch (EOFException e) {
      throw new IdxFormatException(file, "truncated: the gzip stream ended early", e);
    } catch (ZipException e) {
      throw new IdxFormatException(file, "corrupt gzip data (" + e.getMessage() + ")", e);
    }
  }

  private static InputStream open(Path file, boolean gz) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    return gz ? new GZIPInputStream(raw, 1 << 16) : raw;
  }

  /** Reads the magic number and the sizes, and checks them against every bound, before any data is read. */
  private static int[] header(InputStream in, Path file) throws IOException {
    byte[] magic = in.readNBytes(4);
    if (magic.length < 4) throw new IdxFormatException(file, "truncated: " + magic.length + " bytes, too short for an IDX header");
    if (magic[0] != 0 || magic[1] != 0)
      throw new IdxFormatException(file, String.format("bad magic number 0x%02X%02X%02X%02X: not an IDX file (expected 0x00000803 for images or 0x00000801 for labels)",
          magic[0], magic[1], magic[2], magic[3]));
    int dtype = magic[2] & 0xFF, ndim = magic[3] & 0xFF;
    if (dtype != UBYTE) throw new IdxFormatException(file, "IDX dtype " + dtypeName(dtype) + " is not supported: Duel reads unsigned-byte IDX files (dtype 0x08)");
    if (ndim < 1 || ndim > MAX_NDIM) throw new IdxFormatException(file, "IDX header declares " + ndim + " dimensions; Duel reads 1 to " + MAX_NDIM);
    byte[] sizes = in.readNBytes(4 * ndim);
    if (sizes.length < 4 * ndim) throw new IdxFormatException(file, "truncated inside the header (" + ndim + " sizes expected)");
    int[] dims = new int[ndim];
    for (int i = 0; i < ndim; i++) {
      long d = ((sizes[4 * i] & 0xFFL) << 24) | ((sizes[4 * i + 1] & 0xFF) << 16) | ((sizes[4 * i + 2] & 0xFF) << 8) | (sizes[4 * i + 3] & 0xFF);
      if (d > MAX_DIM) throw new IdxFormatException(file, "size " + d + " of dimension " + i + " exceeds the limit of " + MAX_DIM + " (corrupt header?)");
      dims[i] = (int) d;
    }
    long total;
    try {
      total = checkDims(dims);
    } catch (IllegalArgumentException e) {
      throw new IdxFormatException(file, e.getMessage() + " (corrupt header?)");
    }
    if (total > MAX_DATA_BYTES) {
      throw new IdxFormatException(file, "the header declares " + Arrays.toString(dims) + " = " + total + " bytes of data, more than Duel's bound of "
          + (MAX_DATA_BYTES >> 20) + " MiB (IdxFile.MAX_DATA_BYTES); refused before reading it (split the set into smaller files)");
    }
    return dims;
  }

  /**
   * Checks that a file of {@code size} bytes (decompressed) holds exactly the header and the data of
   * {@code dims}; {@code exact} false: the count stopped one byte past the data.
   */
  private static void checkLength(Path file, int[] dims, long size, boolean exact) throws IdxFormatException {
    long expected = 4 + 4L * dims.length + product(dims);
    if (size < expected) {
      throw new IdxFormatException(file, "truncated: header " + Arrays.toString(dims) + " needs " + expected + " bytes, the "
          + (exact ? "file" : "decompressed stream") + " has " + size);
    }
    if (size > expected) throw new IdxFormatException(file, (exact ? (size - expected) + " " : "") + "trailing bytes after the data of " + Arrays.toString(dims) + " (corrupt or not an IDX file)");
  }

  /** Reads and counts the bytes left in {@code in}, stopping at {@code limit}: memory stays one buffer. */
  private static long count(InputStream in, long limit) throws IOException {
    byte[] buf = new byte[1 << 16];
    long n = 0;
    while (n < limit) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, limit - n));
      if (r < 0) break;
      n += r;
    }
    return n;
  }

  private static long product(int[] dims) {
    long p = 1;
    for (int d : dims) p *= d;
    return p;
  }

  /** Product of the dims after bounds checks. */
  static long checkDims(int[] dims) {
    if (dims.length < 1 || dims.length > MAX_NDIM) throw new IllegalArgumentException("IDX arrays have 1 to " + MAX_NDIM + " dimensions, got " + dims.length);
    long total = 1;
    for (int d : dims) {
      if (d < 0 || d > MAX_DIM) throw new IllegalArgumentException("IDX size " + d + " outside [0, " + MAX_DIM + "]");
      total *= d;
      if (total > MAX_TOTAL) throw new IllegalArgumentException("IDX sizes " + Arrays.toString(dims) + " hold more than " + MAX_TOTAL + " elements");
    }
    return total;
  }

  static String dtypeName(int code) {
    return switch (code) {
      case 0x08 -> "0x08 (unsigned byte)";
      case 0x09 -> "0x09 (signed byte)";
      case 0x0B -> "0x0B (int16)";
      case 0x0C -> "0x0C (int32)";
      case 0x0D -> "0x0D (float32)";
      case 0x0E -> "0x0E (float64)";
      default -> String.format("0x%02X (unknown)", code);
    };
  }
}
