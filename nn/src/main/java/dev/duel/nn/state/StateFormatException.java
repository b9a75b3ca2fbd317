package dev.duel.nn.state;

import java.io.IOException;
import java.nio.file.Path;

/** A state file (safetensors, state.json) that is corrupt, truncated or not in the expected format. */
public final class StateFormatException extends IOException {
  public StateFormatException(Path file, String reason) {
    super(file + ": " + reason);
  }

  public StateFormatException(Path file, String reason, Throwable cause) {
    super(file + ": " + reason, cause);
  }
}
