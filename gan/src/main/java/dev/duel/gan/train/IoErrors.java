package dev.duel.gan.train;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * Failed writes that name their file. A write() that fails with ENOSPC ("No space left on device")
 * throws a plain IOException without the path; this puts the path, and what to do, into the message.
 */
public final class IoErrors {
  private IoErrors() {}

  /** {@code e} with {@code path} in its message (unchanged when it already names a file). */
  public static IOException at(Path path, IOException e) {
    if (e instanceof FileSystemException f && f.getFile() != null) return e;
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (m.contains(path.toString())) return e;
    String hint = m.toLowerCase(java.util.Locale.ROOT).contains("no space left")
        ? " (free space on that disk, or train with --out on another one; the last complete checkpoint is kept)" : "";
    return new IOException("writing " + path + ": " + m + hint, e);
  }
}
