package dev.duel.engine;

/** Elementwise binary ops with broadcasting. */
public enum BinaryOp {
  ADD, SUB, MUL, DIV,
  MAX, MIN,
  GT,                   // 1 if a > b else 0
  EQ,                   // 1 if a == b else 0
  BCE_WITH_LOGITS,      // ℓ(x, t) = max(x, 0) − x·t + log1p(e^−|x|), the stable form of −t·log σ(x) − (1−t)·log(1−σ(x))
  BCE_WITH_LOGITS_GRAD  // ∂ℓ/∂x = σ(x) − t
}
