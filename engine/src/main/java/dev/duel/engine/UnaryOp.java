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
  ADD_SCALAR    // x + alpha
}
