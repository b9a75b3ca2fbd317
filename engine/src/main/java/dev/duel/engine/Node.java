package dev.duel.engine;


/**
 * One recorded op: its inputs and the closure that maps the output's gradient to the inputs'
 * gradients (micrograd's {@code _backward}). The closure is written with Tensor ops, so running it
 * with grad mode on records the graph of the gradient itself (second derivatives).
 */
final class Node {
  /** ∂L/∂inputs given ∂L/∂output; entries may be null where an input needs no gradient. */
  @FunctionalInterface
  interface Backward {
    Tensor[] apply(Tensor gradOutput);
  }

  final String op;
  final Tensor[] inputs;
  private Backward backward;

  Node(String op, Tensor[] inputs, Backward backward) {
    this.op = op;
    this.inputs = inputs;
    this.backward = backward;
  }

  String op() {
    return op;
  }

  Tensor[] inputs() {
    return inputs;
  }

  Tensor[] apply(Tensor gradOutput) {
    if (backward == null) {
      throw new IllegalStateException("backward through op '" + op + "' a second time: its saved tensors were "
          + "freed by the first backward. Pass retainGraph = true to the first backward/grad call if you need "
          + "to differentiate the same graph twice.");
    }
    return backward.apply(gradOutput);
  }

  /** Drops the closure and with it the saved tensors. */
  void free() {
    backward = null;
  }
}
