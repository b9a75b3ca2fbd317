package dev.duel.engine.cuda;

/**
 * A CUDA device cannot start here: no driver, no GPU, a driver too old for Duel's fatbin, or (for
 * {@code cuda-emu}) no emulation libraries. The message names what is missing and what to do.
 */
public final class CudaUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public CudaUnavailableException(String device, String reason, Throwable cause) {
    super("device '" + device + "' is not available: " + reason, cause);
  }
}
