package dev.duel.engine;

import java.util.Arrays;

/**
 * A float32 n-dimensional array on one backend (device), row-major NCHW, with shape + strides over a
 * shared reference-counted storage, so reshape / transpose / slice / expand are views.
 *
 * <p>Autograd (define-by-run): an op whose input requires a gradient records a {@link Node} on its
 * output; {@link #backward()} walks the recorded graph in reverse and adds ∂L/∂leaf into each leaf's
 * {@link #grad()}. Gradients accumulate; {@link #zeroGrad()} is explicit.
 *
 * <p>Memory: a tensor owns a reference to its storage; {@link #close()} drops it. Tensors created inside
 * a {@link MemoryScope} are closed when the scope closes, unless kept. On the CPU an unclosed tensor is
 * simply garbage-collected; on a GPU closing is what frees device memory.
 */
public final class Tensor implements AutoCloseable {
  final Backend backend;
  private Storage storage;
  final long offset;
  final int[] shape;
  final long[] strides;

  private boolean requiresGrad;
  private Tensor grad;
  /** zeroGrad() was called and its zeros are not yet written (see {@link #zeroGrad()}). */
  private boolean gradZeroPending;
  Node gradFn;
  private boolean closed;
  MemoryScope owner;

  Tensor(Backend backend, Storage storage, long offset, int[] shape, long[] strides) {
    this.backend = backend;
    this.storage = storage;
    this.offset = offset;
    this.shape = shape;
    this.strides = strides;
    MemoryScope.track(this);
  }

  /** A new contiguous tensor with fresh (zeroed) storage. */
  static Tensor allocate(Backend backend, int... shape) {
    for (int d : shape) {
      if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Shape.str(shape));
    }
    long n = Shape.numel(shape);
    return new Tensor(backend, new Storage(backend.allocate(n)), 0, shape.clone(), Shape.contiguousStrides(shape));
  }

  /**
   * A new contiguous tensor whose contents are unspecified ({@link Backend#allocateForOverwrite}),
   * for an op output that is overwritten in full before anything reads it.
   */
  static Tensor empty(Backend backend, int... shape) {
    for (int d : shape) {
      if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Shape.str(shape));
    }
    long n = Shape.numel(shape);
    return new Tensor(backend, new Storage(backend.allocateForOverwrite(n)), 0, shape.clone(),
        Shape.contiguousStrides(shape));
  }

  /** A view sharing this tensor's storage. */
  Tensor view(long offset, int[] shape, long[] strides) {
    storage().retain();
    return new Tensor(backend, storage, offset, shape, strides);
  }

  // ---- factories ------------------------------------------------------------------------------

  public static Tensor zeros(Backend backend, int... shape) {
    return allocate(backend, shape);
  }

  public static Tensor zeros(int... shape) {
    return zeros(Devices.defaultBackend(), shape);
  }

  public static Tensor full(Backend backend, float value, int... shape) {
    Tensor t = value == 0f ? allocate(backend, shape) : empty(backend, shape);
    if (value != 0f) backend.fill(t.buffer(), 0, t.numel(), value);
    return t;
  }

  public static Tensor ones(Backend backend, int... shape) {
    return full(backend, 1f, shape);
  }

  public static Tensor ones(int... shape) {
    return ones(Devices.defaultBackend(), shape);
  }

  public static Tensor scalar(Backend backend, float value) {
    return full(backend, value);
  }

  /** A tensor holding a copy of {@code data} (row-major) with the given shape. */
  public static Tensor of(Backend backend, float[] data, int... shape) {
    if (Shape.numel(shape) != data.length) {
      throw new IllegalArgumentException("Tensor.of: " + data.length + " values do not fill shape " + Shape.str(shape)
          + " (" + Shape.numel(shape) + " elements)");
    }
    Tensor t = empty(backend, shape);
    backend.upload(data, 0, t.buffer(), 0, data.length);
    return t;
  }

  public static Tensor of(float[] data, int... shape) {
    return of(Devices.defaultBackend(), data, shape);
  }

  // ---- metadata -------------------------------------------------------------------------------

  public int[] shape() {
    return shape.clone();
  }

  public int size(int axis) {
    return shape[Shape.axis("size", axis, shape.length)];
  }

  public int dim() {
    return shape.length;
  }

  public long numel() {
    return Shape.numel(shape);
  }

  public Backend backend() {
    return backend;
  }

  public boolean isContiguous() {
    return Shape.isContiguous(shape, strides);
  }

  long[] strides() {
    return strides;
  }

  Buffer buffer() {
    return storage().buffer;
  }

  /**
   * The buffer holding this tensor's elements and the index of its first element in it, for a native library
   * that works on device memory in place (NCCL's collectives, {@code dev.duel.engine.cuda.NcclCommunicator}).
   * Only meaningful for a contiguous tensor; the buffer lives as long as the tensor.
   */
  public Buffer storageBuffer() {
    return buffer();
  }

  /** The offset of element 0 in {@link #storageBuffer()}, in elements. */
  public long storageOffset() {
    return offset;
  }

  /** This tensor's storage, for {@link Autograd}'s bookkeeping of which gradients share memory. */
  Storage storageObject() {
    return storage;
  }

  /** Whether this tensor is its storage's whole buffer in row-major order (offset 0, contiguous, no spare room). */
  boolean isWholeBuffer() {
    return !closed && !storage.isFreed() && offset == 0 && isContiguous() && storage.buffer.size() == numel();
  }

  /**
   * Swaps the storages of two tensors of the same shape that are each their whole buffer, this one with no other
   * view of its storage: Autograd's accumulation takes a gradient its closures just made as a leaf's zeroed
   * gradient without copying it, and the leaf's grad stays the same Tensor object (PyTorch's AccumulateGrad keeps
   * such a gradient the same way).
   */
  void exchangeStorage(Tensor other) {
    if (!Arrays.equals(shape, other.shape) || backend != other.backend || !holdsUnsharedBuffer()
        || !other.isWholeBuffer()) {
      throw new IllegalStateException("exchangeStorage: " + Shape.str(shape) + " and " + Shape.str(other.shape)
          + " are not both whole buffers of the same shape, the first unshared");
    }
    Storage mine = storage;
    storage = other.storage;
    other.storage = mine;
  }

  /** Whether {@link #exchangeStorage} may give this tensor's storage away: no view of it exists. */
  boolean holdsUnsharedBuffer() {
    return isWholeBuffer() && !storage.isShared();
  }

  private Storage storage() {
    if (closed || storage.isFreed()) {
      throw new IllegalStateException("tensor " + Shape.str(shape) + " was used after close() (or after the "
          + "MemoryScope it was made in closed); keep it with MemoryScope.keep(t) if it must outlive the scope");
    }
    return storage;
  }

  // ---- data out -------------------------------------------------------------------------------

  /** A row-major copy of the elements, on the host. */
  public float[] toArray() {
    Tensor c = contiguousNoGrad();
    float[] out = new float[Math.toIntExact(numel())];
    backend.download(c.buffer(), c.offset, out, 0, out.length);
    if (c != this) c.close();
    return out;
  }

  /** The value of a one-element tensor. */
  public float item() {
    if (numel() != 1) {
      throw new IllegalStateException("item() needs a one-element tensor, this one has shape " + Shape.str(shape));
    }
    float[] v = new float[1];
    backend.download(buffer(), offset, v, 0, 1);
    return v[0];
  }

  /** This tensor's data on another backend (a copy, not recorded by autograd). */
  public Tensor to(Backend target) {
    if (target == backend) return this;
    return of(target, toArray(), shape);
  }

  // ---- autograd -------------------------------------------------------------------------------

  public boolean requiresGrad() {
    return requiresGrad;
  }

  /** Marks a leaf as a variable whose gradient backward() computes. Returns this. */
  public Tensor requiresGrad(boolean value) {
    if (gradFn != null && !value) {
      throw new IllegalStateException("requiresGrad(false) on the result of op '" + gradFn.op
          + "': use detach() to cut a tensor out of the graph");
    }
    requiresGrad = value;
    return this;
  }

  /** ∂L/∂this accumulated by backward(), or null. */
  public Tensor grad() {
    if (gradZeroPending) {
      gradZeroPending = false;
      backend.fill(grad.buffer(), grad.offset, grad.numel(), 0f);
    }
    return grad;
  }

  /**
   * For {@link Autograd}'s accumulation: the gradient buffer when {@link #zeroGrad()} left its zeros unwritten
   * (they are then no longer pending: the caller overwrites the whole buffer), else null.
   */
  Tensor takeZeroedGrad() {
    if (!gradZeroPending) return null;
    gradZeroPending = false;
    return grad;
  }

  public void setGrad(Tensor g) {
    if (g != null && !Arrays.equals(g.shape, shape)) {
      throw new IllegalArgumentException("setGrad: gradient shape " + Shape.str(g.shape) + " != tensor shape "
          + Shape.str(shape));
    }
    grad = g;
    gradZeroPending = false;
  }

  /**
   * Sets the gradient to zero in place (the same Tensor object, a buffer of its size), or leaves it null. The zeros
   * are written when the gradient is next read ({@link #grad()}), unless a backward's accumulation comes first: that
   * puts its gradient there instead of adding it to zeros (0 + g = g): the buffer its closures made, swapped in, when
   * nothing else shares either buffer, else a copy (one pass over the buffer instead of three).
   */
  public void zeroGrad() {
    if (grad != null) gradZeroPending = true;
  }

  public boolean isLeaf() {
    return gradFn == null;
  }

  /** The name of the op that produced this tensor, or null for a leaf. */
  public String gradFnName() {
    return gradFn == null ? null : gradFn.op;
  }

  /**
   * Records that this tensor was computed by {@code op} from {@code inputs}, when grad mode is on and an
   * input requires a gradient. Returns this.
   */
  Tensor recordOp(String op, Node.Backward backward, Tensor... inputs) {
    if (!GradMode.isEnabled()) return this;
    for (Tensor in : inputs) {
      if (in != null && in.requiresGrad) {
        gradFn = new Node(op, inputs, backward);
        requiresGrad = true;
        return this;
      }
    }
    return this;
  }

  /** Copies src's elements into this tensor in place (shapes must match; not recorded by autograd). */
  public void assign(Tensor src) {
    if (!Arrays.equals(src.shape, shape)) {
      throw new IllegalArgumentException("assign: source shape " + Shape.str(src.shape) + " != destination shape "
          + Shape.str(shape));
    }
    Tensor s = src.backend == backend ? src : src.to(backend);
    backend.copyStrided(shape, s.buffer(), s.offset, Shape.broadcastStrides(s.shape, s.strides, shape),
        buffer(), offset, strides);
    if (s != src) s.close();
  }

  /** The same data, cut out of the graph. */
  public Tensor detach() {
    return view(offset, shape, strides);
  }

  /** backward() of a scalar: ∂this/∂leaf added into every leaf's grad. The graph is freed. */
  public void backward() {
    Autograd.backward(this, null, false);
  }

  public void backward(Tensor gradOutput, boolean retainGraph) {
    Autograd.backward(this, gradOutput, retainGraph);
  }

  // ---- elementwise (ElementwiseOps) ----------------------------------------------------------

  public Tensor add(Tensor o) { return ElementwiseOps.binary(BinaryOp.ADD, this, o); }
  public Tensor sub(Tensor o) { return ElementwiseOps.binary(BinaryOp.SUB, this, o); }
  public Tensor mul(Tensor o) { return ElementwiseOps.binary(BinaryOp.MUL, this, o); }
  public Tensor div(Tensor o) { return ElementwiseOps.binary(BinaryOp.DIV, this, o); }
  public Tensor maximum(Tensor o) { return ElementwiseOps.binary(BinaryOp.MAX, this, o); }
  public Tensor minimum(Tensor o) { return ElementwiseOps.binary(BinaryOp.MIN, this, o); }
  /** 1 where this &gt; o, else 0 (no gradient). */
  public Tensor gt(Tensor o) { return ElementwiseOps.binary(BinaryOp.GT, this, o); }
  /** 1 where this == o, else 0 (no gradient). */
  public Tensor eq(Tensor o) { return ElementwiseOps.binary(BinaryOp.EQ, this, o); }

  public Tensor add(float c) { return ElementwiseOps.unary(UnaryOp.ADD_SCALAR, c, this); }
  public Tensor sub(float c) { return ElementwiseOps.unary(UnaryOp.ADD_SCALAR, -c, this); }
  public Tensor mul(float c) { return ElementwiseOps.unary(UnaryOp.SCALE, c, this); }
  public Tensor div(float c) { return ElementwiseOps.unary(UnaryOp.SCALE, 1f / c, this); }
  /** c − this. */
  public Tensor rsub(float c) { return neg().add(c); }

  public Tensor neg() { return ElementwiseOps.unary(UnaryOp.NEG, 0f, this); }
  public Tensor abs() { return ElementwiseOps.unary(UnaryOp.ABS, 0f, this); }
  public Tensor sign() { return ElementwiseOps.unary(UnaryOp.SIGN, 0f, this); }
  public Tensor relu() { return ElementwiseOps.unary(UnaryOp.RELU, 0f, this); }
  public Tensor leakyRelu(float slope) { return ElementwiseOps.unary(UnaryOp.LEAKY_RELU, slope, this); }
  public Tensor tanh() { return ElementwiseOps.unary(UnaryOp.TANH, 0f, this); }
  public Tensor sigmoid() { return ElementwiseOps.unary(UnaryOp.SIGMOID, 0f, this); }
  public Tensor softplus() { return ElementwiseOps.unary(UnaryOp.SOFTPLUS, 0f, this); }
  public Tensor exp() { return ElementwiseOps.unary(UnaryOp.EXP, 0f, this); }
  public Tensor log() { return ElementwiseOps.unary(UnaryOp.LOG, 0f, this); }
  public Tensor sqrt() { return ElementwiseOps.unary(UnaryOp.SQRT, 0f, this); }
  public Tensor rsqrt() { return ElementwiseOps.unary(UnaryOp.RSQRT, 0f, this); }
  public Tensor square() { return ElementwiseOps.unary(UnaryOp.SQUARE, 0f, this); }
  public Tensor reciprocal() { return ElementwiseOps.unary(UnaryOp.RECIPROCAL, 0f, this); }
  public Tensor pow(float p) { return ElementwiseOps.unary(UnaryOp.POW, p, this); }

  /** A backend unary op applied without recording (masks such as STEP and LEAKY_SLOPE). */
  Tensor backendUnary(UnaryOp op, float alpha) {
    Tensor xc = contiguousNoGrad();
    Tensor y = empty(backend, shape);
    backend.unary(op, alpha, xc.buffer(), xc.offset, y.buffer(), y.numel());
    return y;
  }

  /** this where mask is 1, other where it is 0 (mask is not differentiated). */
  public Tensor where(Tensor mask, Tensor other) {
    return mask.mul(this).add(mask.rsub(1f).mul(other));
  }

  // ---- reductions (ReductionOps) ------------------------------------------------------------

  /** Σ of all elements, a scalar (shape []). */
  public Tensor sum() { return ReductionOps.sumAll(this); }
  public Tensor mean() { return ReductionOps.sumAll(this).mul(1f / numel()); }
  public Tensor sum(boolean keepDim, int... axes) { return ReductionOps.sum(this, keepDim, axes); }
  public Tensor mean(boolean keepDim, int... axes) { return ReductionOps.mean(this, keepDim, axes); }
  /** Largest element along one axis; the gradient goes to the maximal elements (split evenly on ties). */
  public Tensor max(int axis, boolean keepDim) { return ReductionOps.max(this, axis, keepDim); }
  public Tensor max() { return ReductionOps.maxAll(this); }

  // ---- shape (ShapeOps) ---------------------------------------------------------------------

  /** The same elements in a new shape; one dim may be −1. A view when the layout allows it. */
  public Tensor reshape(int... newShape) { return ShapeOps.reshape(this, newShape); }
  /** (N, ...) to (N, Π ...). */
  public Tensor flatten() { return ShapeOps.reshape(this, shape.length == 0 ? 1 : shape[0], -1); }
  public Tensor transpose(int a, int b) { return ShapeOps.transpose(this, a, b); }
  /** The transpose of a matrix. */
  public Tensor t() { return ShapeOps.transpose(this, 0, 1); }
  public Tensor permute(int... order) { return ShapeOps.permute(this, order); }
  /** Elements [start, start + length) along axis, a view. */
  public Tensor narrow(int axis, int start, int length) { return ShapeOps.narrow(this, axis, start, length); }
  /** Joins tensors along an axis. */
  public static Tensor concat(int axis, Tensor... parts) { return ShapeOps.concat(axis, parts); }

  Tensor narrowNoGrad(int axis, int start, int length) {
    try (GradMode g = GradMode.disabled()) {
      return ShapeOps.narrow(this, axis, start, length);
    }
  }

  /** A view repeating size-1 dims (and new leading dims) to {@code newShape}. */
  public Tensor expand(int... newShape) { return ShapeOps.expand(this, newShape); }
  /** This tensor if already contiguous, else a contiguous copy (recorded). */
  public Tensor contiguous() { return isContiguous() ? this : ShapeOps.copy(this); }

  /** Contiguous and starting at element 0 of its buffer (what buffer-level ops without offsets need). */
  Tensor compact() { return isContiguous() && offset == 0 ? this : ShapeOps.copy(this); }

  Tensor contiguousNoGrad() {
    if (isContiguous()) return this;
    try (GradMode g = GradMode.disabled()) {
      return ShapeOps.copy(this);
    }
  }

  // ---- linear algebra ------------------------------------------------------------------------

  /** Matrix product (m×k)·(k×n), or batched (b×m×k)·(b×k×n). */
  public Tensor matmul(Tensor o) { return MatmulOps.matmul(this, o, false, false); }

  /**
   * bias + a·b (PyTorch's addmm): a m×k, b k×n, a bias of shape [n] or [1, n] added to every row of the product in
   * place, one node; other shapes as {@code a.matmul(b).add(bias)}.
   */
  public static Tensor addmm(Tensor bias, Tensor a, Tensor b) { return MatmulOps.addmm(bias, a, b); }

  /**
   * act(bias + a·b) with act RELU or LEAKY_RELU (slope alpha): a linear layer and its activation as one op, the bias and
   * the activation applied to each row of the product in one pass; the same floats as {@link #addmm} and the
   * activation in turn.
   */
  public static Tensor addmmActivation(Tensor bias, Tensor a, Tensor b, UnaryOp act, float alpha) {
    return MatmulOps.addmmActivation(bias, a, b, act, alpha);
  }

  // ---- lifetime -------------------------------------------------------------------------------

  /** Releases this tensor's reference to its storage (and its gradient's). Idempotent. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    storage.release();
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Tensor").append(Shape.str(shape)).append(" on ").append(backend.name());
    if (gradFn != null) sb.append(" grad_fn=").append(gradFn.op);
    else if (requiresGrad) sb.append(" requires_grad");
    if (!closed && numel() <= 16) sb.append(' ').append(Arrays.toString(toArray()));
    return sb.toString();
  }
}
