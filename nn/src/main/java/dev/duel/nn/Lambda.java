package dev.duel.nn;

import dev.duel.engine.Tensor;
import java.util.function.UnaryOperator;

/** A stateless layer from a function: activations, reshapes. */
public final class Lambda extends Module {
  private final String name;
  private final UnaryOperator<Tensor> fn;

  public Lambda(String name, UnaryOperator<Tensor> fn) {
    this.name = name;
    this.fn = fn;
  }

  @Override
  public Tensor forward(Tensor x) {
    return fn.apply(x);
  }

  @Override
  public String describe() {
    return name;
  }
}
