package dev.duel.engine;

/**
 * A device's primitive operations on flat float32 buffers: the ~30 ops every backend supplies.
 * Tensors, views, broadcasting and autograd live above this line; a backend sees only buffers,
 * offsets (in elements), sizes and strides.
 *
 * <p>Conventions (llm.c's): outputs are named {@code out}/{@code y}/{@code gx}; unless a method says it
 * accumulates, it overwrites its output. All matrices are row-major. Shape legend:
 * N = batch, C = input channels, H, W = input height/width, K = output channels, R, S = kernel
 * height/width, P, Q = output height/width.
 */
public interface Backend {

  /** "cpu", "cuda" or "cuda-emu". */
  String name();

  // ---- memory ---------------------------------------------------------------------------------

  /** A new buffer of {@code elements} floats, filled with zeros. */
  Buffer allocate(long elements);

  /**
   * A new buffer of {@code elements} floats whose contents are unspecified (PyTorch's
   * {@code torch.empty}): for an op's output that the op overwrites in full, so the zero fill of
   * {@link #allocate} is not paid twice. Backends without a cheaper form return {@link #allocate}.
   */
  default Buffer allocateForOverwrite(long elements) {
    return allocate(elements);
  }

  void upload(float[] src, int srcOff, Buffer dst, long dstOff, int n);

  void download(Buffer src, long srcOff, float[] dst, int dstOff, int n);

  void fill(Buffer dst, long off, long n, float value);

  /**
   * dst[dstOff + Σ_d i_d·dstStrides_d] = src[srcOff + Σ_d i_d·srcStrides_d] for every index i of
   * {@code shape}. A stride of 0 in src broadcasts. Materialises views, concat and slice.
   */
  void copyStrided(int[] shape, Buffer src, long srcOff, long[] srcStrides,
                   Buffer dst, long dstOff, long[] dstStrides);

  /** Blocks until all queued work on this device is done (GPU timing, downloads). */
  default void synchronize() {}

  // ---- elementwise ----------------------------------------------------------------------------

  /** out[i] = op(x[xOff + i]; alpha) for i < n. {@code out} may be {@code x}. */
  void unary(UnaryOp op, float alpha, Buffer x, long xOff, Buffer out, long n);

  /**
   * gx[i] = gy[i] · op'(x[i]) for i < n, the fused first-order backward of an activation;
   * {@code y} is op(x), passed because tanh and sigmoid differentiate through it.
   */
  void unaryBackward(UnaryOp op, float alpha, Buffer x, Buffer y, Buffer gy, Buffer gx, long n);

  /**
   * out[i] = op(a[aOff + Σ i_d·aStrides_d], b[bOff + Σ i_d·bStrides_d]) over {@code shape}, out
   * contiguous. Broadcast dims have stride 0. {@code out} may alias a contiguous {@code a}.
   */
  void binary(BinaryOp op, int[] shape, Buffer a, long aOff, long[] aStrides,
              Buffer b, long bOff, long[] bStrides, Buffer out);

  // ---- reductions -----------------------------------------------------------------------------

  /** x viewed as contiguous (outer, len, inner): out[o·inner + i] = op_l x[xOff + (o·len + l)·inner + i]. */
  void reduce(ReduceOp op, Buffer x, long xOff, int outer, int len, int inner, Buffer out);

  /**
   * out[c] = Σ_{i < n, j < hw} x[(i·C + c)·hw + j]: the per-channel sum of an n×C×hw tensor (a convolution bias's
   * gradient). The default takes the two reductions that a sum over axes (0, 2, 3) takes (over hw, then over n);
   * the CPU sums each channel's n runs in shared SIMD lanes as batch norm does.
   */
  default void channelSum(int n, int c, int hw, Buffer x, Buffer out) {
    try (Buffer rows = allocateForOverwrite((long) n * c)) {
      reduce(ReduceOp.SUM, x, 0, n * c, hw, 1, rows);
      reduce(ReduceOp.SUM, rows, 0, 1, n, c, out);
    }
  }

  /**
   * gz = gy · act'(y) for the n×C×hw tensor y = act(z) (act RELU or LEAKY_RELU, as {@link #unaryBackward} takes it
   * from y) and sums[c] = {@link #channelSum} of gz: the backward of an activation fused into a convolution with a
   * bias, whose bias gradient is gz's channel sum. The default runs the two ops in turn; the CPU sums each run of gz
   * as it is written.
   */
  default void activationBackwardChannelSum(UnaryOp act, float alpha, int n, int c, int hw, Buffer y, Buffer gy,
                                            Buffer gz, Buffer sums) {
    unaryBackward(act, alpha, y, y, gy, gz, (long) n * c * hw);
    channelSum(n, c, hw, gz, sums);
  }

  // ---- matrix multiply ------------------------------------------------------------------------

  /**
   * y[i, j] = act(y[i, j] + bias[biasOff + j·biasStride]) in place over a row-major m×n y, act {@link UnaryOp#RELU} or
   * {@link UnaryOp#LEAKY_RELU} (slope alpha) or null for the bias alone: a linear layer's bias and activation after
   * its GEMM ({@code Tensor.addmm}). The default runs the add and the activation in turn; the CPU does both to each
   * row while it is in L1. The same floats either way.
   */
  default void addRowBiasActivation(int m, int n, Buffer bias, long biasOff, long biasStride, UnaryOp act, float alpha,
                                    Buffer y) {
    binary(BinaryOp.ADD, new int[] {m, n}, y, 0, new long[] {n, 1}, bias, biasOff, new long[] {0, n == 1 ? 0 : biasStride}, y);
    if (act != null) unary(act, alpha, y, 0, y, (long) m * n);
  }

  /**
   * C = alpha·op(A)·op(B) + beta·C, row-major; op(A) is m×k, op(B) is k×n, C is m×n. With transA
   * A is stored k×m. {@code batch} independent products at the given element strides.
   */
  void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
            Buffer a, long aOff, int lda, long strideA,
            Buffer b, long bOff, int ldb, long strideB,
            float beta, Buffer c, long cOff, int ldc, long strideC, int batch);

  // ---- convolution (cross-correlation, NCHW, weights K×C×R×S) ---------------------------------

  /** y[n,k,p,q] = Σ_{c,r,s} x[n,c,p·sh+r−ph, q·sw+s−pw] · w[k,c,r,s] (zero padding). */
  void conv2d(ConvShape s, Buffer x, Buffer w, Buffer y);

  /** gx = ∂/∂x of Σ gy·conv2d(x, w): the transposed convolution of gy with w. Overwrites gx. */
  void conv2dBackwardData(ConvShape s, Buffer gy, Buffer w, Buffer gx);

  /** gw[k,c,r,s] = Σ_{n,p,q} gy[n,k,p,q] · x[n,c,p·sh+r−ph, q·sw+s−pw]. Overwrites gw. */
  void conv2dBackwardFilter(ConvShape s, Buffer x, Buffer gy, Buffer gw);

  /**
   * y = conv2d(x, w) + bias[k] on every output of channel k (nn.Conv2d with a bias). The default adds the bias in
   * place after {@link #conv2d}; a backend may add it as it writes y (the CPU does), saving a pass over y.
   */
  default void conv2dBias(ConvShape s, Buffer x, Buffer w, Buffer bias, Buffer y) {
    conv2d(s, x, w, y);
    addChannelBias(s.n(), s.k(), s.p() * s.q(), bias, y);
  }

  /**
   * gx = conv2dBackwardData(gy, w) + bias[c] on every element of channel c: the transposed convolution with a bias
   * (nn.ConvTranspose2d). The default adds the bias in place; a backend may fuse it as {@link #conv2dBias}.
   */
  default void conv2dBackwardDataBias(ConvShape s, Buffer gy, Buffer w, Buffer bias, Buffer gx) {
    conv2dBackwardData(s, gy, w, gx);
    addChannelBias(s.n(), s.c(), s.h() * s.w(), bias, gx);
  }

  /**
   * {@link #conv2dBias}, then y = act(y) with act {@link UnaryOp#RELU} or {@link UnaryOp#LEAKY_RELU} (slope alpha):
   * a convolution and the activation after it as one op. The default applies the activation in place after the
   * convolution; the CPU applies it to each image's output as it is written, sparing a pass over y.
   */
  default void conv2dBiasActivation(ConvShape s, Buffer x, Buffer w, Buffer bias, UnaryOp act, float alpha, Buffer y) {
    conv2dBias(s, x, w, bias, y);
    unary(act, alpha, y, 0, y, (long) s.n() * s.k() * s.p() * s.q());
  }

  /** y[n, c, j] += bias[c] over an n×c×len tensor, in place (binary allows out to alias a contiguous a). */
  private void addChannelBias(int n, int c, int len, Buffer bias, Buffer y) {
    binary(BinaryOp.ADD, new int[] {n, c, len}, y, 0, new long[] {(long) c * len, len, 1}, bias, 0,
        new long[] {0, 1, 0}, y);
  }

  // ---- batch normalisation over (N, HW) per channel C -----------------------------------------

  /**
   * Training forward: μ_c = mean over (n, hw), σ²_c the biased variance, invStd_c = 1/sqrt(σ²_c + eps),
   * y = (x − μ_c)·invStd_c·γ_c + β_c. Writes y, mean (μ) and invStd; also varUnbiased (σ² · m/(m−1))
   * for the running statistics.
   */
  void batchNormForward(int n, int c, int hw, float eps, Buffer x, Buffer gamma, Buffer beta,
                        Buffer y, Buffer mean, Buffer invStd, Buffer varUnbiased);

  /**
   * {@link #batchNormForward}, then y = act(y) with act {@link UnaryOp#RELU} or {@link UnaryOp#LEAKY_RELU} (slope
   * alpha): batch norm and the activation after it as one op. The default applies the activation in place after
   * batch norm; the CPU applies it to each run of y as it writes it, sparing a pass over y.
   */
  default void batchNormActivationForward(int n, int c, int hw, float eps, Buffer x, Buffer gamma, Buffer beta,
                                          UnaryOp act, float alpha, Buffer y, Buffer mean, Buffer invStd,
                                          Buffer varUnbiased) {
    batchNormForward(n, c, hw, eps, x, gamma, beta, y, mean, invStd, varUnbiased);
    unary(act, alpha, y, 0, y, (long) n * c * hw);
  }

  /**
   * Training backward with x̂ = (x − μ)·invStd, m = n·hw:
   * gβ = Σ gy, gγ = Σ gy·x̂, gx = γ·invStd/m · (m·gy − gβ − x̂·gγ). Overwrites all three.
   */
  void batchNormBackward(int n, int c, int hw, Buffer x, Buffer gy, Buffer gamma, Buffer mean,
                         Buffer invStd, Buffer gx, Buffer gGamma, Buffer gBeta);

  // ---- resampling, lookup ---------------------------------------------------------------------

  /** y[n,c,h·f+i,w·f+j] = x[n,c,h,w] for i, j < f. */
  void upsampleNearest(int n, int c, int h, int w, int f, Buffer x, Buffer y);

  /** gx[n,c,h,w] = Σ_{i,j<f} gy[n,c,h·f+i,w·f+j]. Overwrites gx. */
  void upsampleNearestBackward(int n, int c, int h, int w, int f, Buffer gy, Buffer gx);

  /** out[i, :] = weight[idx[i], :] for i < idx.length; rows of length dim. */
  void embeddingGather(Buffer weight, int dim, int[] idx, Buffer out);

  /** gWeight[idx[i], :] += gOut[i, :]: accumulates (repeated indices add up). */
  void embeddingScatterAdd(Buffer gOut, int dim, int[] idx, Buffer gWeight);

  // ---- random numbers: Philox4x32-10, see Philox --------------------------------------------

  /**
   * Fills out[0..n) from the Philox stream (seed, offset): uniform on [a, b), normal with mean a and
   * std b, or bernoulli with P(1) = a. Element i uses counter block offset + i/4, word i%4, so every
   * device produces the same numbers.
   */
  void random(Distribution dist, long seed, long offset, float a, float b, Buffer out, long n);

  // ---- optimizer updates (in place) -----------------------------------------------------------

  /** PyTorch's SGD: g' = g + wd·p; v = μ·v + (1−dampening)·g'; p −= lr·(nesterov ? g' + μ·v : v). */
  void sgdUpdate(Buffer p, Buffer g, Buffer v, long n, float lr, float momentum, float dampening,
                 float weightDecay, boolean nesterov);

  /**
   * Adam (Kingma and Ba, PyTorch's form): g' = g + wd·p; m = β1·m + (1−β1)·g'; v = β2·v + (1−β2)·g'²;
   * p −= lr · (m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + eps).
   */
  void adamUpdate(Buffer p, Buffer g, Buffer m, Buffer v, long n, float lr, float beta1, float beta2,
                  float eps, float weightDecay, int t);
}
