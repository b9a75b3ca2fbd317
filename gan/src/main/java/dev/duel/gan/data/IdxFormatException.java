package dev.duel.gan.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file (IDX) that is corrupt, truncated or not in the expected format; the message names the file. */
public final class IdxFormatException extends IOException {
  public IdxFormatException(Path file, String reason) {
    super(file + ": " + reason);
  }

  public IdxFormatException(Path file, String reason, Throwable cause) {
    super(file + ": " + reason, cause);
  }
}
