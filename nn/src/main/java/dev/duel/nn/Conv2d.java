package dev.duel.nn;

import dev.duel.engine.Backend;
import dev.duel.engine.Convolution;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;

/** PyTorch's nn.Conv2d (square kernel, dilation 1, groups 1): weight K×C×R×R, bias K. */
public final class Conv2d extends Module implements FusesActivation {
  private final int inChannels, outChannels, kernel, stride, padding;
  private boolean spectral;

  public Conv2d(Backend b, Generator rng, int inChannels, int outChannels, int kernel, int stride, int padding,
                boolean bias) {
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
    int fanIn = inChannels * kernel * kernel;
    registerParameter("weight", Init.uniformFanIn(b, rng, fanIn, outChannels, inChannels, kernel, kernel));
    if (bias) registerParameter("bias", Init.uniformFanIn(b, rng, fanIn, outChannels));
  }

  public Conv2d spectralNorm(Generator rng) {
    SpectralNorm.apply(this, rng);
    spectral = true;
    return this;
  }

  public Tensor weight() {
    return spectral ? SpectralNorm.weight(this) : param("weight");
  }

  @Override
  public Tensor forward(Tensor x) {
    return Convolution.conv2d(x, weight(), param("bias"), stride, padding);
  }

  /** act(conv2d(x) + bias) as one op when there is a bias and act is fusible (a slope ≥ 0), else the two in turn. */
  @Override
  public Tensor forwardActivated(Tensor x, Activation act) {
    if (param("bias") == null || !act.op().fusible(act.slope())) return act.forward(forward(x));
    return Convolution.conv2dActivation(x, weight(), param("bias"), stride, padding, act.op(), act.slope());
  }

  @Override
  public String describe() {
    return "Conv2d(" + inChannels + ", " + outChannels + ", kernel_size=" + kernel + ", stride=" + stride
        + ", padding=" + padding + (param("bias") == null ? ", bias=False" : "") + (spectral ? ", SN" : "") + ")";
  }
}
