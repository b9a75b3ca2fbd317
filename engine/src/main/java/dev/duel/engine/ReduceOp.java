package dev.duel.engine;

/** Reductions over one axis of an (outer, len, inner) view. */
public enum ReduceOp {
  SUM, MAX, MIN,
  SUM_SQUARES  // Σ x², for gradient norms
}
