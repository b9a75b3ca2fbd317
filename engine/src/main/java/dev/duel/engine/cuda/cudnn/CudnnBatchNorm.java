package dev.duel.engine.cuda.cudnn;

import java.util.HashMap;
import java.util.Map;

/**
 * Batch normalisation through cuDNN, mode CUDNN_BATCHNORM_SPATIAL: per channel c, statistics over the
 * m = N·H·W values x[n,c,h,w] of an NCHW tensor. BatchNorm2d passes (N, C, H, W); BatchNorm1d passes
 * (N, C, 1, 1); {@code Backend}'s (n, c, hw) is (n, c, hw, 1). Parameters gamma, beta and the
 * statistics are C floats.
 *
 * <pre>
 *   μ_c = mean of x,  σ²_c = biased variance,  invStd_c = 1/sqrt(σ²_c + ε),  x̂ = (x − μ_c)·invStd_c
 *   training forward   y = γ_c·x̂ + β_c
 *   inference forward  y = γ_c·(x − runningMean_c)/sqrt(runningVar_c + ε) + β_c
 *   backward           gβ = Σ gy,  gγ = Σ gy·x̂,  gx = γ_c·invStd_c/m · (m·gy − gβ − x̂·gγ)
 * </pre>
 *
 * Every output is overwritten (alpha = 1, beta = 0). Descriptors are cached per (N, C, H, W). All
 * pointers are device addresses valid until the handle's stream has run the work. Not thread-safe:
 * use from the handle's thread. Close it before the {@link Cudnn} it uses.
 */
public final class CudnnBatchNorm implements AutoCloseable {

  private record Dims(int n, int c, int h, int w) {
    @Override
    public String toString() { return n + "x" + c + "x" + h + "x" + w; }
  }

  /** x's 4-d descriptor (also used for y, gy, gx) and the derived 1×C×1×1 parameter descriptor. */
  private record Descs(long x, long bn) {}

  private static final int MODE = CudnnEnums.BATCHNORM_SPATIAL;

  private final CudnnHandle handle;
  private final Cudnn cudnn;
  private final Map<Dims, Descs> descs = new HashMap<>();

  public CudnnBatchNorm(CudnnHandle handle) {
    this.handle = handle;
    this.cudnn = handle.cudnn();
  }

  /**
   * Training forward with PyTorch's running statistics: y, saveMean = μ, saveInvStd = invStd, and
   * runningMean ← momentum·μ + (1 − momentum)·runningMean, runningVar ← momentum·σ²·m/(m−1) +
   * (1 − momentum)·runningVar (cuDNN's exponentialAverageFactor is PyTorch's momentum, e.g. 0.1).
   */
  public void forwardTraining(int n, int c, int h, int w, double eps, double momentum, long x, long gamma,
                              long beta, long y, long runningMean, long runningVar, long saveMean, long saveInvStd) {
    Dims d = checkTraining("forwardTraining", n, c, h, w, eps);
    if (!(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException("CudnnBatchNorm.forwardTraining " + d + ": momentum " + momentum
          + " must be in [0, 1]");
    }
    Descs ds = descs(d);
    cudnn.batchNormalizationForwardTraining(handle.address(), MODE, 1f, 0f, ds.x, x, ds.x, y, ds.bn, gamma, beta,
        momentum, runningMean, runningVar, eps, saveMean, saveInvStd);
  }

  /**
   * Training forward with {@code Backend#batchNormForward}'s outputs: y, mean = μ, invStd, and
   * varUnbiased = σ²·m/(m−1). Runs cuDNN with exponentialAverageFactor 1 on zeroed "running"
   * statistics (varUnbiased and a C-float scratch from {@code scratch}), so they receive exactly this
   * batch's mean and unbiased variance.
   */
  public void forwardTrainingBatchStats(int n, int c, int h, int w, double eps, long x, long gamma, long beta, long y,
                                        long mean, long invStd, long varUnbiased, WorkspaceProvider scratch) {
    Dims d = checkTraining("forwardTrainingBatchStats", n, c, h, w, eps);
    Descs ds = descs(d);
    long runningMean = scratch.address((long) c * Float.BYTES);
    long hd = handle.address();
    cudnn.setTensor(hd, ds.bn, runningMean, 0f);   // f = 1 still reads them: (1 − f)·r must not be NaN·0
    cudnn.setTensor(hd, ds.bn, varUnbiased, 0f);
    cudnn.batchNormalizationForwardTraining(hd, MODE, 1f, 0f, ds.x, x, ds.x, y, ds.bn, gamma, beta, 1.0,
        runningMean, varUnbiased, eps, mean, invStd);
  }

  /** Inference forward with the given (running) statistics. */
  public void forwardInference(int n, int c, int h, int w, double eps, long x, long gamma, long beta,
                               long runningMean, long runningVar, long y) {
    Dims d = check("forwardInference", n, c, h, w, eps);
    Descs ds = descs(d);
    cudnn.batchNormalizationForwardInference(handle.address(), MODE, 1f, 0f, ds.x, x, ds.x, y, ds.bn, gamma, beta,
        runningMean, runningVar, eps);
  }

  /**
   * Backward from the training forward's saved μ and invStd: writes gx (N×C×H×W), gGamma and gBeta
   * (C each). eps must be the forward's (cuDNN uses it only when the saved statistics are absent).
   */
  public void backward(int n, int c, int h, int w, double eps, long x, long gy, long gamma, long saveMean,
                       long saveInvStd, long gx, long gGamma, long gBeta) {
    Dims d = checkTraining("backward", n, c, h, w, eps);
    if (saveMean == 0 || saveInvStd == 0) {
      throw new IllegalArgumentException("CudnnBatchNorm.backward " + d + ": saveMean and saveInvStd are required"
          + " (pass the training forward's outputs)");
    }
    Descs ds = descs(d);
    cudnn.batchNormalizationBackward(handle.address(), MODE, 1f, 0f, 1f, 0f, ds.x, x, ds.x, gy, ds.x, gx, ds.bn,
        gamma, gGamma, gBeta, eps, saveMean, saveInvStd);
  }

  /** How many (N, C, H, W) shapes have cached descriptors. */
  public int cachedShapes() { return descs.size(); }

  private static Dims check(String op, int n, int c, int h, int w, double eps) {
    Dims d = new Dims(n, c, h, w);
    if (n <= 0 || c <= 0 || h <= 0 || w <= 0) {
      throw new IllegalArgumentException("CudnnBatchNorm." + op + " " + d + ": every size must be positive");
    }
    if (!(eps >= CudnnEnums.BN_MIN_EPSILON) || Double.isInfinite(eps)) {
      throw new IllegalArgumentException("CudnnBatchNorm." + op + " " + d + ": eps " + eps + " must be finite and >= "
          + CudnnEnums.BN_MIN_EPSILON);
    }
    return d;
  }

  private static Dims checkTraining(String op, int n, int c, int h, int w, double eps) {
    Dims d = check(op, n, c, h, w, eps);
    if ((long) n * h * w < 2) {
      throw new IllegalArgumentException("CudnnBatchNorm." + op + " " + d + ": training needs more than one value"
          + " per channel (N·H·W = " + (long) n * h * w + "); use a batch of at least 2 or eval mode");
    }
    return d;
  }

  private Descs descs(Dims d) {
    Descs ds = descs.get(d);
    if (ds != null) return ds;
    long x = 0, bn = 0;
    try {
      x = cudnn.createTensorDescriptor();
      cudnn.setTensor4dDescriptor(x, CudnnEnums.TENSOR_NCHW, CudnnEnums.DATA_FLOAT, d.n, d.c, d.h, d.w);
      bn = cudnn.createTensorDescriptor();
      cudnn.deriveBNTensorDescriptor(bn, x, MODE);
    } catch (RuntimeException e) {
      if (x != 0) cudnn.destroyTensorDescriptor(x);
      if (bn != 0) cudnn.destroyTensorDescriptor(bn);
      throw e;
    }
    ds = new Descs(x, bn);
    descs.put(d, ds);
    return ds;
  }

  /** Destroys the cached descriptors (skipped when the library is already closed). */
  @Override
  public void close() {
    if (cudnn.isAvailable()) {
      for (Descs ds : descs.values()) {
        cudnn.destroyTensorDescriptor(ds.x);
        cudnn.destroyTensorDescriptor(ds.bn);
      }
    }
    descs.clear();
  }
}
