package dev.duel.engine.cpu;

import dev.duel.engine.Backend;
import dev.duel.engine.BinaryOp;
import dev.duel.engine.Buffer;
import dev.duel.engine.ConvShape;
import dev.duel.engine.Distribution;
import dev.duel.engine.ReduceOp;
import dev.duel.engine.UnaryOp;
import java.util.Arrays;

/**
 * The pure-Java backend: the embedded default, and the backend every device is compared with. GEMM and
 * convolution go to {@link Sgemm} and {@link Conv2dCpu}; elementwise, reduction and normalisation
 * loops are in {@link CpuKernels}. All three are the fast path; {@link CpuReference} holds the serial
 * readable loops they are tested against.
 */
public final class CpuBackend implements Backend {
  private static final CpuBackend INSTANCE = new CpuBackend();
  private final ArrayPool pool = new ArrayPool();

  private CpuBackend() {}

  public static CpuBackend instance() {
    return INSTANCE;
  }

  static float[] a(Buffer b) {
    return ((CpuBuffer) b).data;
  }

  @Override
  public String name() {
    return "cpu";
  }

  // ---- memory ---------------------------------------------------------------------------------

  @Override
  public Buffer allocate(long elements) {
    if (elements > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("cpu: a tensor of " + elements + " elements exceeds the 2^31 element limit");
    }
    return new CpuBuffer(this, pool.take((int) elements));
  }

  /**
   * A recycled array as it was left (or a new one). With {@code -Dduel.cpu.poison=true} (the test
   * suite sets it) it is filled with NaN instead, so an op that fails to overwrite its whole output
   * shows NaN in its tests rather than stale numbers.
   */
  @Override
  public Buffer allocateForOverwrite(long elements) {
    if (elements > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("cpu: a tensor of " + elements + " elements exceeds the 2^31 element limit");
    }
    float[] data = pool.takeForOverwrite((int) elements);
    if (POISON) java.util.Arrays.fill(data, Float.NaN);
    return new CpuBuffer(this, data);
  }

  private static final boolean POISON = Boolean.getBoolean("duel.cpu.poison");

  void recycle(float[] data) {
    pool.give(data);
  }

  /** Arrays currently parked in the pool and the bytes they hold (for allocation measurements). */
  public ArrayPool pool() {
    return pool;
  }

  @Override
  public void upload(float[] src, int srcOff, Buffer dst, long dstOff, int n) {
    System.arraycopy(src, srcOff, a(dst), (int) dstOff, n);
  }

  @Override
  public void download(Buffer src, long srcOff, float[] dst, int dstOff, int n) {
    System.arraycopy(a(src), (int) srcOff, dst, dstOff, n);
  }

  @Override
  public void fill(Buffer dst, long off, long n, float value) {
    Arrays.fill(a(dst), (int) off, (int) (off + n), value);
  }

  @Override
  public void copyStrided(int[] shape, Buffer src, long srcOff, long[] srcStrides, Buffer dst, long dstOff,
                          long[] dstStrides) {
    CpuKernels.copyStrided(shape, a(src), (int) srcOff, srcStrides, a(dst), (int) dstOff, dstStrides);
  }

  // ---- elementwise ----------------------------------------------------------------------------

  @Override
  public void unary(UnaryOp op, float alpha, Buffer x, long xOff, Buffer out, long n) {
    CpuKernels.unary(op, alpha, a(x), (int) xOff, a(out), (int) n);
  }

  @Override
  public void unaryBackward(UnaryOp op, float alpha, Buffer x, Buffer y, Buffer gy, Buffer gx, long n) {
    CpuKernels.unaryBackward(op, alpha, a(x), a(y), a(gy), a(gx), (int) n);
  }

  @Override
  public void binary(BinaryOp op, int[] shape, Buffer a, long aOff, long[] aStrides, Buffer b, long bOff,
                     long[] bStrides, Buffer out) {
    CpuKernels.binary(op, shape, a(a), (int) aOff, aStrides, a(b), (int) bOff, bStrides, a(out));
  }

  @Override
  public void addRowBiasActivation(int m, int n, Buffer bias, long biasOff, long biasStride, UnaryOp act, float alpha,
                                   Buffer y) {
    if (biasStride != 1 && n > 1) {
      Backend.super.addRowBiasActivation(m, n, bias, biasOff, biasStride, act, alpha, y);
    } else {
      CpuKernels.addRowBiasActivation(m, n, a(bias), (int) biasOff, act, alpha, a(y));
    }
  }

  @Override
  public void reduce(ReduceOp op, Buffer x, long xOff, int outer, int len, int inner, Buffer out) {
    CpuKernels.reduce(op, a(x), (int) xOff, outer, len, inner, a(out));
  }

  @Override
  public void activationBackwardChannelSum(UnaryOp act, float alpha, int n, int c, int hw, Buffer y, Buffer gy,
                                           Buffer gz, Buffer sums) {
    CpuKernels.activationBackwardChannelSum(act, alpha, n, c, hw, a(y), a(gy), a(gz), a(sums));
  }

  @Override
  public void channelSum(int n, int c, int hw, Buffer x, Buffer out) {
    CpuKernels.channelSum(n, c, hw, a(x), a(out));
  }

  // ---- GEMM, convolution ----------------------------------------------------------------------

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                   Buffer a, long aOff, int lda, long strideA, Buffer b, long bOff, int ldb, long strideB,
                   float beta, Buffer c, long cOff, int ldc, long strideC, int batch) {
    for (int i = 0; i < batch; i++) {
      Sgemm.sgemm(transA, transB, m, n, k, alpha, a(a), (int) (aOff + i * strideA), lda,
          a(b), (int) (bOff + i * strideB), ldb, beta, a(c), (int) (cOff + i * strideC), ldc);
    }
  }

  @Override
  public void conv2d(ConvShape s, Buffer x, Buffer w, Buffer y) {
    Conv2dCpu.forward(s, a(x), a(w), a(y));
  }

  @Override
  public void conv2dBackwardData(ConvShape s, Buffer gy, Buffer w, Buffer gx) {
    Conv2dCpu.backwardData(s, a(gy), a(w), a(gx));
  }

  @Override
  public void conv2dBackwardFilter(ConvShape s, Buffer x, Buffer gy, Buffer gw) {
    Conv2dCpu.backwardFilter(s, a(x), a(gy), a(gw));
  }

  @Override
  public void conv2dBias(ConvShape s, Buffer x, Buffer w, Buffer bias, Buffer y) {
    Conv2dCpu.forward(s, a(x), a(w), a(bias), a(y));
  }

  @Override
  public void conv2dBiasActivation(ConvShape s, Buffer x, Buffer w, Buffer bias, UnaryOp act, float alpha, Buffer y) {
    Conv2dCpu.forward(s, a(x), a(w), a(bias), act, alpha, a(y));
  }

  @Override
  public void batchNormActivationForward(int n, int c, int hw, float eps, Buffer x, Buffer gamma, Buffer beta,
                                         UnaryOp act, float alpha, Buffer y, Buffer mean, Buffer invStd,
                                         Buffer varUnbiased) {
    CpuKernels.batchNormForward(n, c, hw, eps, a(x), a(gamma), a(beta), act, alpha, a(y), a(mean), a(invStd),
        a(varUnbiased));
  }

  @Override
  public void conv2dBackwardDataBias(ConvShape s, Buffer gy, Buffer w, Buffer bias, Buffer gx) {
    Conv2dCpu.backwardData(s, a(gy), a(w), a(bias), a(gx));
  }

  // ---- batch norm, resampling, lookup ---------------------------------------------------------

  @Override
  public void batchNormForward(int n, int c, int hw, float eps, Buffer x, Buffer gamma, Buffer beta, Buffer y,
                               Buffer mean, Buffer invStd, Buffer varUnbiased) {
    CpuKernels.batchNormForward(n, c, hw, eps, a(x), a(gamma), a(beta), a(y), a(mean), a(invStd), a(varUnbiased));
  }

  @Override
  public void batchNormBackward(int n, int c, int hw, Buffer x, Buffer gy, Buffer gamma, Buffer mean, Buffer invStd,
                                Buffer gx, Buffer gGamma, Buffer gBeta) {
    CpuKernels.batchNormBackward(n, c, hw, a(x), a(gy), a(gamma), a(mean), a(invStd), a(gx), a(gGamma), a(gBeta));
  }

  @Override
  public void upsampleNearest(int n, int c, int h, int w, int f, Buffer x, Buffer y) {
    float[] xs = a(x), ys = a(y);
    int wo = w * f;
    for (int plane = 0; plane < n * c; plane++) {
      for (int i = 0; i < h * f; i++) {
        int src = (plane * h + i / f) * w, dst = (plane * h * f + i) * wo;
        for (int j = 0; j < wo; j++) ys[dst + j] = xs[src + j / f];
      }
    }
  }

  @Override
  public void upsampleNearestBackward(int n, int c, int h, int w, int f, Buffer gy, Buffer gx) {
    float[] gys = a(gy), gxs = a(gx);
    Arrays.fill(gxs, 0, n * c * h * w, 0f);
    int wo = w * f;
    for (int plane = 0; plane < n * c; plane++) {
      for (int i = 0; i < h * f; i++) {
        int dst = (plane * h + i / f) * w, src = (plane * h * f + i) * wo;
        for (int j = 0; j < wo; j++) gxs[dst + j / f] += gys[src + j];
      }
    }
  }

  @Override
  public void embeddingGather(Buffer weight, int dim, int[] idx, Buffer out) {
    for (int i = 0; i < idx.length; i++) System.arraycopy(a(weight), idx[i] * dim, a(out), i * dim, dim);
  }

  @Override
  public void embeddingScatterAdd(Buffer gOut, int dim, int[] idx, Buffer gWeight) {
    float[] g = a(gOut), gw = a(gWeight);
    for (int i = 0; i < idx.length; i++) {
      for (int d = 0; d < dim; d++) gw[idx[i] * dim + d] += g[i * dim + d];
    }
  }

  // ---- random, optimizers ---------------------------------------------------------------------

  @Override
  public void random(Distribution dist, long seed, long offset, float lo, float hi, Buffer out, long n) {
    CpuKernels.random(dist, seed, offset, lo, hi, a(out), (int) n);
  }

  @Override
  public void sgdUpdate(Buffer p, Buffer g, Buffer v, long n, float lr, float momentum, float dampening,
                        float weightDecay, boolean nesterov) {
    CpuKernels.sgd(a(p), a(g), a(v), (int) n, lr, momentum, dampening, weightDecay, nesterov);
  }

  @Override
  public void adamUpdate(Buffer p, Buffer g, Buffer m, Buffer v, long n, float lr, float beta1, float beta2, float eps,
                         float weightDecay, int t) {
    CpuKernels.adam(a(p), a(g), a(m), a(v), (int) n, lr, beta1, beta2, eps, weightDecay, t);
  }
}
