package dev.duel.engine;

import java.util.Arrays;

/**
 * Unary and broadcasting binary ops and their gradients. Each backward is written with Tensor ops
 * (so it is differentiable again); when no graph of the gradient is wanted (grad mode off during
 * backward), activations use the backend's fused first-order backward instead.
 */
final class ElementwiseOps {
  private ElementwiseOps() {}

  static Tensor unary(UnaryOp op, float alpha, Tensor x) {
    Tensor xc = x.contiguous();
    Tensor y = Tensor.empty(x.backend, x.shape);
    x.backend.unary(op, alpha, xc.buffer(), xc.offset, y.buffer(), y.numel());
    if (op == UnaryOp.SIGN || op == UnaryOp.STEP || op == UnaryOp.LEAKY_SLOPE) return y; // derivative 0
    return y.recordOp(op.name().toLowerCase(java.util.Locale.ROOT), g -> new Tensor[] {unaryGrad(op, alpha, xc, y, g)}, xc);
  }

  /** ∂L/∂x = g · op'(x), with y = op(x). */
  private static Tensor unaryGrad(UnaryOp op, float alpha, Tensor x, Tensor y, Tensor g) {
    if (!GradMode.isEnabled() && fusedBackward(op)) {
      // unaryBackward takes no offsets: x (a contiguous view, e.g. a row slice) and g (e.g. concat's
      // narrowed gradient) must start at element 0 of their buffers.
      Tensor xc = x.compact(), gc = g.compact();
      Tensor gx = Tensor.empty(x.backend, x.shape);
      x.backend.unaryBackward(op, alpha, xc.buffer(), y.buffer(), gc.buffer(), gx.buffer(), x.numel());
      return gx;
    }
    return switch (op) {
      case NEG -> g.neg();
      case ABS -> g.mul(x.sign());
      case RELU -> g.mul(x.backendUnary(UnaryOp.STEP, 0f));
      case LEAKY_RELU -> g.mul(x.backendUnary(UnaryOp.LEAKY_SLOPE, alpha));
      case TANH -> g.mul(y.square().rsub(1f));                  // 1 − tanh²
      case SIGMOID -> g.mul(y.mul(y.rsub(1f)));                 // σ(1 − σ)
      case SOFTPLUS -> g.mul(x.sigmoid());
      case EXP -> g.mul(y);
      case LOG -> g.div(x);
      case SQRT -> g.div(y.mul(2f));                             // 1 / (2√x)
      case RSQRT -> g.mul(y.pow(3f).mul(-0.5f));                 // −½ x^(−3/2)
      case SQUARE -> g.mul(x.mul(2f));
      case RECIPROCAL -> g.mul(y.square().neg());                // −1/x²
      case POW -> g.mul(x.pow(alpha - 1f).mul(alpha));
      case SCALE -> g.mul(alpha);
      case ADD_SCALAR -> g;
      case SIGN, STEP, LEAKY_SLOPE -> throw new AssertionError(op);
    };
  }

  /**
   * ∂L/∂z for y = act(z), act RELU or LEAKY_RELU with slope alpha ≥ 0, from y instead of z: y > 0 exactly where z > 0
   * (NaN in both fails the compare), so the same floats as the unfused op's gradient. For the ops that fuse an
   * activation into the producer (conv2d, batch norm), whose z is never stored.
   */
  static Tensor activationGrad(UnaryOp act, float alpha, Tensor y, Tensor g) {
    if (!GradMode.isEnabled()) {
      Tensor gc = g.compact();
      Tensor gz = Tensor.empty(y.backend, y.shape);
      y.backend.unaryBackward(act, alpha, y.buffer(), y.buffer(), gc.buffer(), gz.buffer(), y.numel());
      return gz;
    }
    return g.mul(y.backendUnary(act == UnaryOp.RELU ? UnaryOp.STEP : UnaryOp.LEAKY_SLOPE, alpha));
  }

  /** Refuses, naming op, an activation that cannot be fused into op ({@link UnaryOp#fusible}). */
  static void requireFusible(String op, UnaryOp act, float alpha) {
    if (!act.fusible(alpha)) {
      throw new IllegalArgumentException(op + ": " + act + " with slope " + alpha + " cannot be fused (RELU, or "
          + "LEAKY_RELU with a slope >= 0)");
    }
  }

  private static boolean fusedBackward(UnaryOp op) {
    return switch (op) {
      case RELU, LEAKY_RELU, TANH, SIGMOID, SOFTPLUS -> true;
      default -> false;
    };
  }

  static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
    if (a.backend != b.backend) {
      throw new IllegalArgumentException(op + ": tensors on different devices (" + a.backend.name() + ", "
          + b.backend.name() + "); move one with .to(backend)");
    }
    int[] shape = Arrays.equals(a.shape, b.shape) ? a.shape : Shape.broadcast(op.name().toLowerCase(), a.shape, b.shape);
    Tensor out = Tensor.empty(a.backend, shape);
    a.backend.binary(op, shape, a.buffer(), a.offset, Shape.broadcastStrides(a.shape, a.strides, shape),
        b.buffer(), b.offset, Shape.broadcastStrides(b.shape, b.strides, shape), out.buffer());
    if (op == BinaryOp.GT || op == BinaryOp.EQ) return out;
    return out.recordOp(op.name().toLowerCase(java.util.Locale.ROOT), g -> binaryGrad(op, a, b, g), a, b);
  }

  private static Tensor[] binaryGrad(BinaryOp op, Tensor a, Tensor b, Tensor g) {
    boolean ga = Autograd.needsGrad(a), gb = Autograd.needsGrad(b);
    return switch (op) {
      case ADD -> new Tensor[] {ga ? sumTo(g, a.shape) : null, gb ? sumTo(g, b.shape) : null};
      case SUB -> new Tensor[] {ga ? sumTo(g, a.shape) : null, gb ? sumTo(g.neg(), b.shape) : null};
      case MUL -> new Tensor[] {ga ? sumTo(g.mul(b), a.shape) : null, gb ? sumTo(g.mul(a), b.shape) : null};
      case DIV -> new Tensor[] {ga ? sumTo(g.div(b), a.shape) : null,
          gb ? sumTo(g.mul(a).div(b.square()).neg(), b.shape) : null};           // ∂(a/b)/∂b = −a/b²
      case MAX -> {
        Tensor mask = a.gt(b);                                                     // ties go to b
        yield new Tensor[] {ga ? sumTo(g.mul(mask), a.shape) : null, gb ? sumTo(g.mul(mask.rsub(1f)), b.shape) : null};
      }
      case MIN -> {
        Tensor mask = b.gt(a);
        yield new Tensor[] {ga ? sumTo(g.mul(mask), a.shape) : null, gb ? sumTo(g.mul(mask.rsub(1f)), b.shape) : null};
      }
      case BCE_WITH_LOGITS -> {
        // ∂ℓ/∂x = σ(x) − t, ∂ℓ/∂t = −x.
        Tensor dx = null;
        if (ga) {
          dx = GradMode.isEnabled() ? a.sigmoid().sub(b) : binary(BinaryOp.BCE_WITH_LOGITS_GRAD, a, b);
          dx = sumTo(g.mul(dx), a.shape);
        }
        yield new Tensor[] {dx, gb ? sumTo(g.mul(a).neg(), b.shape) : null};
      }
      case BCE_WITH_LOGITS_GRAD -> {
        Tensor s = a.sigmoid();
        yield new Tensor[] {ga ? sumTo(g.mul(s.mul(s.rsub(1f))), a.shape) : null, gb ? sumTo(g.neg(), b.shape) : null};
      }
      case GT, EQ -> throw new AssertionError(op);
    };
  }

  /** Σ of g over the dims that broadcasting added to reach g's shape from {@code shape}. */
  static Tensor sumTo(Tensor g, int[] shape) {
    if (Arrays.equals(g.shape, shape)) return g;
    int lead = g.shape.length - shape.length;
    int[] axes = new int[g.shape.length];
    int count = 0;
    for (int i = 0; i < g.shape.length; i++) {
      if (i < lead || (shape[i - lead] == 1 && g.shape[i] != 1)) axes[count++] = i;
    }
    Tensor s = count == 0 ? g : g.sum(true, Arrays.copyOf(axes, count));
    return s.reshape(shape);
  }
}
