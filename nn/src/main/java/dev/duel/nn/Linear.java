package dev.duel.nn;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;

/** y = x·Wᵀ + b; x: N×in, W: out×in, b: out (PyTorch's nn.Linear). */
public final class Linear extends Module {
  private final int in, out;
  private boolean spectral;

  public Linear(Backend b, Generator rng, int in, int out, boolean bias) {
    this.in = in;
    this.out = out;
    registerParameter("weight", Init.uniformFanIn(b, rng, in, out, in));
    if (bias) registerParameter("bias", Init.uniformFanIn(b, rng, in, out));
  }

  public Linear(Backend b, Generator rng, int in, int out) {
    this(b, rng, in, out, true);
  }

  /** Applies spectral normalisation to the weight; returns this. */
  public Linear spectralNorm(Generator rng) {
    SpectralNorm.apply(this, rng);
    spectral = true;
    return this;
  }

  public Tensor weight() {
    return spectral ? SpectralNorm.weight(this) : param("weight");
  }

  @Override
  public Tensor forward(Tensor x) {
    if (x.dim() != 2 || x.size(1) != in) {
      throw new IllegalArgumentException("Linear(" + in + ", " + out + "): input of shape "
          + java.util.Arrays.toString(x.shape()) + " (want N×" + in + ")");
    }
    Tensor b = param("bias");
    return b == null ? x.matmul(weight().t()) : Tensor.addmm(b, x, weight().t());
  }

  @Override
  public String describe() {
    return "Linear(" + in + ", " + out + (param("bias") == null ? ", bias=False" : "") + (spectral ? ", SN" : "") + ")";
  }
}
