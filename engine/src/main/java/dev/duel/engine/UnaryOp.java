package dev.duel.engine;

/** Elementwise unary ops; alpha is the op's parameter where it has one. */
public enum UnaryOp {
  NEG,          // −x
  ABS,          // |x|
  SIGN,         // sign(x) ∈ {−1, 0, 1}
  STEP,         // 1 if x > 0 else 0 (relu's derivative)
  RELU,         // max(x, 0)
  LEAKY_RELU,   // x if x > 0 else alpha·x
  LEAKY_SLOPE,  // 1 if x > 0 else alpha (leaky_relu's derivative)
  TANH,
  SIGMOID,      // 1 / (1 + e^−x)
  SOFTPLUS,     // log(1 + e^x) = max(x, 0) + log1p(e^−|x|)
  EXP,
  LOG,
  SQRT,
  RSQRT,        // 1 / sqrt(x)
  SQUARE,       // x²
  RECIPROCAL,   // 1 / x
  POW,          // x^alpha
  SCALE,        // alpha·x
  ADD_SCALAR;   // x + alpha

  /**
   * Whether this op with slope alpha may be fused into the op that produces its input (conv2d, batch norm): RELU, or
   * LEAKY_RELU with alpha ≥ 0, whose output y is > 0 exactly where its input is, so its gradient can be taken from y
   * and the input need not be kept.
   */
  public boolean fusible(float alpha) {
    return this == RELU || (this == LEAKY_RELU && alpha >= 0f);
  }
}
