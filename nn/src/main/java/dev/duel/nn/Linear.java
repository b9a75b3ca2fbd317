package dev.duel.nn;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;

/**
 * y = x·Wᵀ + b; x: N×in, W: out×in, b: out (PyTorch's nn.Linear). With a bias it takes the ReLU or LeakyReLU after it
 * ({@link FusesActivation}): act(x·Wᵀ + b) as one op, the bias and the activation applied to each row of the product
 * in one pass.
 */
public final class Linear extends Module implements FusesActivation {
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
    checkInput(x);
    Tensor b = param("bias");
    return b == null ? x.matmul(weight().t()) : Tensor.addmm(b, x, weight().t());
  }

  @Override
  public Tensor forwardActivated(Tensor x, Activation act) {
    Tensor b = param("bias");
    if (b == null || !act.op().fusible(act.slope())) return act.forward(forward(x));
    checkInput(x);
    return Tensor.addmmActivation(b, x, weight().t(), act.op(), act.slope());
  }

  private void checkInput(Tensor x) {
    if (x.dim() != 2 || x.size(1) != in) {
      throw new IllegalArgumentException("Linear(" + in + ", " + out + "): input of shape "
          + java.util.Arrays.toString(x.shape()) + " (want N×" + in + ")");
    }
  }

  @Override
  public String describe() {
    return "Linear(" + in + ", " + out + (param("bias") == null ? ", bias=False" : "") + (spectral ? ", SN" : "") + ")";
  }
}
