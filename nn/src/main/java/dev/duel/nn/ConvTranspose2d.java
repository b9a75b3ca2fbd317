package dev.duel.nn;

import dev.duel.engine.Backend;
import dev.duel.engine.Convolution;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;

/** PyTorch's nn.ConvTranspose2d (square kernel): weight Cin×Cout×R×R, bias Cout. */
public final class ConvTranspose2d extends Module {
  private final int inChannels, outChannels, kernel, stride, padding, outputPadding;

  public ConvTranspose2d(Backend b, Generator rng, int inChannels, int outChannels, int kernel, int stride,
                         int padding, int outputPadding, boolean bias) {
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
    this.outputPadding = outputPadding;
    int fanIn = outChannels * kernel * kernel;   // PyTorch computes fan-in from weight.size(1)
    registerParameter("weight", Init.uniformFanIn(b, rng, fanIn, inChannels, outChannels, kernel, kernel));
    if (bias) registerParameter("bias", Init.uniformFanIn(b, rng, fanIn, outChannels));
  }

  public ConvTranspose2d(Backend b, Generator rng, int inChannels, int outChannels, int kernel, int stride,
                         int padding, boolean bias) {
    this(b, rng, inChannels, outChannels, kernel, stride, padding, 0, bias);
  }

  @Override
  public Tensor forward(Tensor x) {
    return Convolution.convTranspose2d(x, param("weight"), param("bias"), stride, padding, outputPadding);
  }

  @Override
  public String describe() {
    return "ConvTranspose2d(" + inChannels + ", " + outChannels + ", kernel_size=" + kernel + ", stride=" + stride
        + ", padding=" + padding + (param("bias") == null ? ", bias=False" : "") + ")";
  }
}
