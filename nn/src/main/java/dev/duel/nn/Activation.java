package dev.duel.nn;

import dev.duel.engine.Tensor;
import dev.duel.engine.UnaryOp;

/**
 * PyTorch's ReLU and LeakyReLU(slope) as a layer. {@link Sequential} hands one that follows a layer able to apply it
 * as it writes its output ({@link FusesActivation}: Linear and Conv2d with a bias, BatchNorm) to that layer, so the pair runs as
 * one op: the same floats and gradients, one pass fewer over the activations.
 */
public final class Activation extends Module {
  private final UnaryOp op;
  private final float slope;

  private Activation(UnaryOp op, float slope) {
    this.op = op;
    this.slope = slope;
  }

  static Activation relu() {
    return new Activation(UnaryOp.RELU, 0f);
  }

  static Activation leakyRelu(float slope) {
    return new Activation(UnaryOp.LEAKY_RELU, slope);
  }

  /** RELU or LEAKY_RELU. */
  public UnaryOp op() {
    return op;
  }

  /** LeakyReLU's negative slope; 0 for ReLU. */
  public float slope() {
    return slope;
  }

  @Override
  public Tensor forward(Tensor x) {
    return op == UnaryOp.RELU ? x.relu() : x.leakyRelu(slope);
  }

  @Override
  public String describe() {
    return op == UnaryOp.RELU ? "ReLU()" : "LeakyReLU(" + slope + ")";
  }
}
