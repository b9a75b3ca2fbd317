package dev.duel.engine;

/**
 * The sizes of one 2-D convolution (dilation 1): input N×C×H×W, weight K×C×R×S, output N×K×P×Q with
 * P = (H + 2·padH − R)/strideH + 1 and Q = (W + 2·padW − S)/strideW + 1.
 */
public record ConvShape(int n, int c, int h, int w, int k, int r, int s,
                        int strideH, int strideW, int padH, int padW) {

  public ConvShape {
    if (n < 0 || c <= 0 || h <= 0 || w <= 0 || k <= 0 || r <= 0 || s <= 0 || strideH <= 0 || strideW <= 0
        || padH < 0 || padW < 0) {
      throw new IllegalArgumentException("conv2d: bad sizes " + this);
    }
    if (h + 2 * padH < r || w + 2 * padW < s) {
      throw new IllegalArgumentException("conv2d: kernel " + r + "x" + s + " larger than padded input "
          + (h + 2 * padH) + "x" + (w + 2 * padW));
    }
  }

  public int p() { return (h + 2 * padH - r) / strideH + 1; }

  public int q() { return (w + 2 * padW - s) / strideW + 1; }

  /** Multiply-adds of the forward pass: N·K·P·Q·C·R·S. */
  public long macs() { return (long) n * k * p() * q() * c * r * s; }
}
