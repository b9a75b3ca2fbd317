package dev.duel.nn;

import dev.duel.engine.Generator;
import dev.duel.engine.Sampling;
import dev.duel.engine.Tensor;

/** Inverted dropout with probability p, active in training only. */
public final class Dropout extends Module {
  private final float p;
  private Generator rng;

  public Dropout(float p, Generator rng) {
    this.p = p;
    this.rng = rng;
  }

  /**
   * Draws the masks from {@code stream} from now on: a trainer points dropout at its saved train
   * stream, so a resumed run draws the masks the uninterrupted one drew.
   */
  public void drawFrom(Generator stream) {
    this.rng = java.util.Objects.requireNonNull(stream, "stream");
  }

  @Override
  public Tensor forward(Tensor x) {
    return Sampling.dropout(x, p, training, rng);
  }

  @Override
  public String describe() {
    return "Dropout(p=" + p + ")";
  }
}
