package dev.duel.engine;

/**
 * Matrix products on the backend's GEMM. A transposed view is passed to GEMM as a transpose flag, so
 * {@code a.t().matmul(g)} in a backward copies nothing.
 */
final class MatmulOps {
  private MatmulOps() {}

  /** An operand's GEMM layout: transposed or not, and its leading dimension. */
  private record Layout(boolean trans, int ld) {}

  /** Layout of the last two dims of x, or null if neither is unit-stride (then it must be copied). */
  private static Layout layout(Tensor x) {
    int r = x.shape.length;
    int rows = x.shape[r - 2], cols = x.shape[r - 1];
    long sr = x.strides[r - 2], sc = x.strides[r - 1];
    if ((sc == 1 || cols == 1) && sr >= Math.max(1, cols)) return new Layout(false, (int) Math.max(sr, 1));
    if ((sr == 1 || rows == 1) && sc >= Math.max(1, rows)) return new Layout(true, (int) Math.max(sc, 1));
    if (rows == 1 && cols == 1) return new Layout(false, 1);
    return null;
  }

  static Tensor matmul(Tensor a, Tensor b, boolean unusedA, boolean unusedB) {
    return product(a, b, null, null, 0f);
  }

  /**
   * bias + a·b for a m×k, b k×n and a bias of n elements (shape [n] or [1, n]), added to every row of the product in
   * place: one node, and no second m×n tensor written by a separate add. Other shapes take
   * {@code a.matmul(b).add(bias)}. ∂L/∂bias = Σ_rows G; ∂L/∂a and ∂L/∂b as for matmul. PyTorch's addmm instead fills C
   * with the bias and runs the GEMM with beta = 1; on the Zen 5 (paired, session 22) that order took 1.046× the time
   * of this one for mlp b256's step (interval 1.031–1.063; whether the fill or the tiles' reads of C cost it was not
   * measured).
   */
  static Tensor addmm(Tensor bias, Tensor a, Tensor b) {
    return rowBias(bias, a, b) ? product(a, b, bias, null, 0f) : a.matmul(b).add(bias);
  }

  /**
   * act(bias + a·b) with act RELU or LEAKY_RELU (slope alpha): the linear layer and the activation after it as one op,
   * the bias and the activation applied to each row of the product in one pass ({@link Backend#addRowBiasActivation}).
   * The same floats as addmm and the activation in turn; the backward takes the activation's gradient from the output
   * (as {@link ElementwiseOps#activationGrad} does), then addmm's.
   */
  static Tensor addmmActivation(Tensor bias, Tensor a, Tensor b, UnaryOp act, float alpha) {
    ElementwiseOps.requireFusible("addmm", act, alpha);
    if (!rowBias(bias, a, b)) return ElementwiseOps.unary(act, alpha, addmm(bias, a, b));
    return product(a, b, bias, act, alpha);
  }

  /** Whether addmm fuses this bias: 2-D a and b, a bias of shape [n] or [1, n] on their device. */
  private static boolean rowBias(Tensor bias, Tensor a, Tensor b) {
    return a.shape.length == 2 && b.shape.length == 2 && bias.backend == a.backend
        && ((bias.shape.length == 1 && bias.shape[0] == b.shape[1])
            || (bias.shape.length == 2 && bias.shape[0] == 1 && bias.shape[1] == b.shape[1]));
  }

  /** a·b, then, when bias is not null, act(· + bias) on every row (2-D operands, checked by rowBias; act may be null). */
  private static Tensor product(Tensor a, Tensor b, Tensor bias, UnaryOp act, float alpha) {
    if (a.backend != b.backend) {
      throw new IllegalArgumentException("matmul: tensors on different devices (" + a.backend.name() + ", "
          + b.backend.name() + ")");
    }
    int ra = a.shape.length, rb = b.shape.length;
    if (ra < 2 || rb < 2 || ra > 3 || rb > 3 || (ra == 3 && rb == 3 && a.shape[0] != b.shape[0]) || (ra == 2 && rb == 3)) {
      throw new IllegalArgumentException("matmul: unsupported shapes " + Shape.str(a.shape) + " x " + Shape.str(b.shape)
          + " (use (m,k)x(k,n), (b,m,k)x(b,k,n) or (b,m,k)x(k,n))");
    }
    if (ra == 3 && rb == 2) {
      // (b,m,k)·(k,n) = reshape((b·m,k)·(k,n)).
      int batch = a.shape[0], m = a.shape[1];
      Tensor flat = a.reshape(batch * m, a.shape[2]).matmul(b);
      return flat.reshape(batch, m, b.shape[1]);
    }
    int m = a.shape[ra - 2], k = a.shape[ra - 1], n = b.shape[rb - 1];
    if (b.shape[rb - 2] != k) {
      throw new IllegalArgumentException("matmul: inner dimensions differ: " + Shape.str(a.shape) + " x "
          + Shape.str(b.shape) + " (" + k + " vs " + b.shape[rb - 2] + ")");
    }
    Tensor ac = layout(a) == null ? a.contiguous() : a;
    Tensor bc = layout(b) == null ? b.contiguous() : b;
    Layout la = layout(ac), lb = layout(bc);
    int batch = ra == 3 ? a.shape[0] : 1;
    int[] outShape = ra == 3 ? new int[] {batch, m, n} : new int[] {m, n};
    Tensor c = Tensor.empty(a.backend, outShape);
    if (m > 0 && n > 0) {
      a.backend.gemm(la.trans, lb.trans, m, n, k, 1f,
          ac.buffer(), ac.offset, la.ld, ra == 3 ? ac.strides[0] : 0,
          bc.buffer(), bc.offset, lb.ld, rb == 3 ? bc.strides[0] : 0,
          0f, c.buffer(), 0, n, (long) m * n, batch);
    }
    if (bias != null && m > 0 && n > 0) {
      // C = act(C + bias) on every row, in place.
      a.backend.addRowBiasActivation(m, n, bias.buffer(), bias.offset, bias.strides[bias.shape.length - 1], act, alpha,
          c.buffer());
    }
    // ∂L/∂A = G·Bᵀ, ∂L/∂B = Aᵀ·G. An operand stored transposed (a weight used as Wᵀ) gets its gradient
    // computed transposed too, (∂L/∂A)ᵀ = B·Gᵀ, so that after the view's own backward it is contiguous
    // in the operand's memory layout and accumulates with unit-stride loops.
    Node.Backward operands = g -> new Tensor[] {
        !Autograd.needsGrad(ac) ? null
            : la.trans ? bc.matmul(g.transpose(-2, -1)).transpose(-2, -1) : g.matmul(bc.transpose(-2, -1)),
        !Autograd.needsGrad(bc) ? null
            : lb.trans ? g.transpose(-2, -1).matmul(ac).transpose(-2, -1) : ac.transpose(-2, -1).matmul(g)};
    if (bias == null) return c.recordOp("matmul", operands, ac, bc);
    int[] biasShape = bias.shape;
    String name = act == null ? "addmm" : "addmm_" + act.name().toLowerCase(java.util.Locale.ROOT);
    return c.recordOp(name, g -> {
      Tensor gz = act == null ? g : ElementwiseOps.activationGrad(act, alpha, c, g);
      Tensor[] ab = operands.apply(gz);
      return new Tensor[] {ab[0], ab[1], !Autograd.needsGrad(bias) ? null : ElementwiseOps.sumTo(gz, biasShape)};
    }, ac, bc, bias);
  }
}
