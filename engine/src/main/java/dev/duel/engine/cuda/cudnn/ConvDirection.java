package dev.duel.engine.cuda.cudnn;

/** The three convolution computations cuDNN chooses algorithms for. */
public enum ConvDirection {
  /** y = conv(x, w). */
  FORWARD,
  /** dx from dy and w (also conv_transpose2d's forward). */
  BACKWARD_DATA,
  /** dw from x and dy. */
  BACKWARD_FILTER
}
