package dev.duel.nn;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.Sampling;
import dev.duel.engine.Tensor;

/** PyTorch's nn.Embedding: weight V×D ~ N(0, 1); lookup by integer labels. */
public final class Embedding extends Module {
  private final int vocab, dim;

  public Embedding(Backend b, Generator rng, int vocab, int dim) {
    this.vocab = vocab;
    this.dim = dim;
    registerParameter("weight", rng.normal(b, 0f, 1f, vocab, dim));
  }

  /** Rows for the given labels: labels.length × D. */
  public Tensor lookup(int[] labels) {
    return Sampling.embedding(param("weight"), labels);
  }

  @Override
  public Tensor forward(Tensor x) {
    throw new UnsupportedOperationException("Embedding takes integer labels: call lookup(int[])");
  }

  @Override
  public String describe() {
    return "Embedding(" + vocab + ", " + dim + ")";
  }
}
