package dev.duel.gan.train;

/** A loss became NaN or infinite: training stops, the last good checkpoint is kept. */
public final class TrainingDiverged extends RuntimeException {
  public TrainingDiverged(String message) {
    super(message);
  }
}
