package dev.duel.engine;

/**
 * 2-D convolution (cross-correlation, NCHW, dilation 1) and transposed convolution, PyTorch semantics.
 *
 * <p>Three primitives close under differentiation, so second derivatives work:
 * conv (y = x ⋆ w), convData (the adjoint in x: gx = BD(gy, w)) and convFilter (the adjoint in w:
 * gw = BF(x, gy)). ∂conv = (convData, convFilter); ∂convData = (conv in gy, convFilter in w);
 * ∂convFilter = (convData in x, conv in gy).
 */
public final class Convolution {
  private Convolution() {}

  /** x: N×C×H×W, w: K×C×R×S, bias: K or null. Output N×K×P×Q. */
  public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
    ConvShape s = shapeOf(x, w, stride, padding);
    return bias == null ? conv(s, x, w) : convBias(s, x, w, checkBias("conv2d", bias, x, s.k()), null, 0f);
  }

  /** The convolution's shape, once x (N×C×H×W) and w (K×C×R×S) are checked to fit. */
  private static ConvShape shapeOf(Tensor x, Tensor w, int stride, int padding) {
    if (x.dim() != 4 || w.dim() != 4 || x.shape[1] != w.shape[1]) {
      throw new IllegalArgumentException("conv2d: input " + Shape.str(x.shape) + " and weight " + Shape.str(w.shape)
          + " do not fit (want N×C×H×W and K×C×R×S with the same C)");
    }
    return new ConvShape(x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[0], w.shape[2], w.shape[3],
        stride, stride, padding, padding);
  }

  /**
   * x: N×Cin×H×W, w: Cin×Cout×R×S (PyTorch's ConvTranspose2d layout), bias: Cout or null. Output
   * N×Cout×Hout×Wout with Hout = (H − 1)·stride − 2·padding + R + outputPadding.
   */
  public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int outputPadding) {
    if (x.dim() != 4 || w.dim() != 4 || x.shape[1] != w.shape[0]) {
      throw new IllegalArgumentException("conv_transpose2d: input " + Shape.str(x.shape) + " and weight "
          + Shape.str(w.shape) + " do not fit (want N×Cin×H×W and Cin×Cout×R×S)");
    }
    int hOut = (x.shape[2] - 1) * stride - 2 * padding + w.shape[2] + outputPadding;
    int wOut = (x.shape[3] - 1) * stride - 2 * padding + w.shape[3] + outputPadding;
    // The transposed convolution is the x-adjoint of the convolution that maps N×Cout×Hout×Wout to x.
    ConvShape s = new ConvShape(x.shape[0], w.shape[1], hOut, wOut, w.shape[0], w.shape[2], w.shape[3],
        stride, stride, padding, padding);
    if (s.p() != x.shape[2] || s.q() != x.shape[3]) {
      throw new IllegalArgumentException("conv_transpose2d: output padding " + outputPadding + " is too large");
    }
    return bias == null ? convData(s, x, w) : convDataBias(s, x, w, checkBias("conv_transpose2d", bias, x, s.c()));
  }

  /**
   * act(conv2d(x, w) + bias) as one op, act RELU or LEAKY_RELU with slope alpha ≥ 0 ({@link UnaryOp#fusible}):
   * the backend applies the activation as it writes y. The same floats and gradients as conv2d then the activation:
   * the activation's gradient is taken from y (y > 0 exactly where the convolution's output is), then the
   * convolution's. Without a bias the two ops run in turn.
   */
  public static Tensor conv2dActivation(Tensor x, Tensor w, Tensor bias, int stride, int padding, UnaryOp act,
                                        float alpha) {
    ElementwiseOps.requireFusible("conv2d", act, alpha);
    if (bias == null) return ElementwiseOps.unary(act, alpha, conv2d(x, w, null, stride, padding));
    ConvShape s = shapeOf(x, w, stride, padding);
    return convBias(s, x, w, checkBias("conv2d", bias, x, s.k()), act, alpha);
  }

  /**
   * y = act(conv(x, w) + bias[k]) as one op, act null for none: the backend adds the bias (and applies the
   * activation) as it writes y, instead of a broadcast add making a second tensor. The gradients are those of conv,
   * add and act in turn: the activation's from y, then ∂/∂bias[k] = Σ_{n,p,q} g[n,k,p,q].
   */
  static Tensor convBias(ConvShape s, Tensor x, Tensor w, Tensor bias, UnaryOp act, float alpha) {
    Tensor xc = x.compact(), wc = w.compact(), bc = bias.compact();
    Tensor y = Tensor.empty(x.backend, s.n(), s.k(), s.p(), s.q());
    if (act == null) {
      x.backend.conv2dBias(s, xc.buffer(), wc.buffer(), bc.buffer(), y.buffer());
    } else {
      x.backend.conv2dBiasActivation(s, xc.buffer(), wc.buffer(), bc.buffer(), act, alpha, y.buffer());
    }
    String name = act == null ? "conv2d" : "conv2d_" + act.name().toLowerCase(java.util.Locale.ROOT);
    return y.recordOp(name, g -> {
      Tensor gz, gb = null;
      if (act != null && Autograd.needsGrad(bc) && !GradMode.isEnabled()) {
        // First order only: the activation's gradient and its channel sum (the bias's gradient) in one pass.
        Tensor gc = g.compact();
        gz = Tensor.empty(y.backend, y.shape);
        gb = Tensor.empty(y.backend, s.k());
        y.backend.activationBackwardChannelSum(act, alpha, s.n(), s.k(), s.p() * s.q(), y.buffer(), gc.buffer(),
            gz.buffer(), gb.buffer());
      } else {
        gz = act == null ? g : ElementwiseOps.activationGrad(act, alpha, y, g);
        if (Autograd.needsGrad(bc)) gb = channelSum(gz, s.k());
      }
      return new Tensor[] {
          Autograd.needsGrad(xc) ? convData(s, gz, wc) : null,
          Autograd.needsGrad(wc) ? convFilter(s, xc, gz) : null,
          gb};
    }, xc, wc, bc);
  }

  /** gx = BD(gy, w) + bias[c] as one op (a transposed convolution with a bias); ∂/∂bias[c] = Σ_{n,h,w} g[n,c,h,w]. */
  static Tensor convDataBias(ConvShape s, Tensor gy, Tensor w, Tensor bias) {
    Tensor gc = gy.compact(), wc = w.compact(), bc = bias.compact();
    Tensor gx = Tensor.empty(gy.backend, s.n(), s.c(), s.h(), s.w());
    gy.backend.conv2dBackwardDataBias(s, gc.buffer(), wc.buffer(), bc.buffer(), gx.buffer());
    return gx.recordOp("conv_transpose2d", gg -> new Tensor[] {
        Autograd.needsGrad(gc) ? conv(s, gg, wc) : null,
        Autograd.needsGrad(wc) ? convFilter(s, gg, gc) : null,
        Autograd.needsGrad(bc) ? channelSum(gg, s.c()) : null}, gc, wc, bc);
  }

  /**
   * Σ over n, h, w of g (N×C×H×W): C values, by {@link Backend#channelSum}. Its gradient spreads gg back over
   * (n, h, w), as a sum's does, so a second derivative passes through it.
   */
  private static Tensor channelSum(Tensor g, int channels) {
    Tensor gc = g.compact();
    int n = g.shape[0], hw = g.shape[2] * g.shape[3];
    Tensor out = Tensor.empty(g.backend, channels);
    g.backend.channelSum(n, channels, hw, gc.buffer(), out.buffer());
    int[] shape = g.shape.clone();
    return out.recordOp("sum", gg -> new Tensor[] {gg.reshape(1, channels, 1, 1).expand(shape)}, gc);
  }

  /** bias itself, if it is a vector of one value per channel on x's device. */
  private static Tensor checkBias(String op, Tensor bias, Tensor x, int channels) {
    if (bias.dim() != 1 || bias.shape[0] != channels) {
      throw new IllegalArgumentException(op + ": bias " + Shape.str(bias.shape) + " must hold one value per channel, "
          + channels);
    }
    if (bias.backend != x.backend) {
      throw new IllegalArgumentException(op + ": bias on " + bias.backend.name() + ", input on " + x.backend.name()
          + "; move one with .to(backend)");
    }
    return bias;
  }

  static Tensor conv(ConvShape s, Tensor x, Tensor w) {
    Tensor xc = x.compact(), wc = w.compact();
    Tensor y = Tensor.empty(x.backend, s.n(), s.k(), s.p(), s.q());
    x.backend.conv2d(s, xc.buffer(), wc.buffer(), y.buffer());
    return y.recordOp("conv2d", g -> new Tensor[] {
        Autograd.needsGrad(xc) ? convData(s, g, wc) : null,
        Autograd.needsGrad(wc) ? convFilter(s, xc, g) : null}, xc, wc);
  }

  /** gx = BD(gy, w): N×C×H×W from gy N×K×P×Q. */
  static Tensor convData(ConvShape s, Tensor gy, Tensor w) {
    Tensor gc = gy.compact(), wc = w.compact();
    Tensor gx = Tensor.empty(gy.backend, s.n(), s.c(), s.h(), s.w());
    gy.backend.conv2dBackwardData(s, gc.buffer(), wc.buffer(), gx.buffer());
    return gx.recordOp("conv_transpose2d", gg -> new Tensor[] {
        Autograd.needsGrad(gc) ? conv(s, gg, wc) : null,
        Autograd.needsGrad(wc) ? convFilter(s, gg, gc) : null}, gc, wc);
  }

  /** gw = BF(x, gy): K×C×R×S. */
  static Tensor convFilter(ConvShape s, Tensor x, Tensor gy) {
    Tensor xc = x.compact(), gc = gy.compact();
    Tensor gw = Tensor.empty(x.backend, s.k(), s.c(), s.r(), s.s());
    x.backend.conv2dBackwardFilter(s, xc.buffer(), gc.buffer(), gw.buffer());
    return gw.recordOp("conv2d_weight_grad", gg -> new Tensor[] {
        Autograd.needsGrad(xc) ? convData(s, gc, gg) : null,
        Autograd.needsGrad(gc) ? conv(s, xc, gg) : null}, xc, gc);
  }
}
