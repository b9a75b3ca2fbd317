package dev.duel.engine.cuda.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** CudnnBatchNorm over the stand-in cuDNN against float64 loops with Backend's formulas. */
class CudnnBatchNormTest {

  private static final double TOL = 1e-5;   // × (1 + |reference|)
  private static final double EPS = 1e-5;

  private static Cudnn cudnn;
  private static CudnnHandle handle;

  @BeforeAll
  static void load() {
    cudnn = FakeCudnn.loadIfBuilt();
    if (cudnn != null) handle = new CudnnHandle(cudnn);
  }

  @BeforeEach
  void needsTheStandIn() {
    FakeCudnn.assumeBuilt();
  }

  @AfterAll
  static void unload() {
    if (handle != null) handle.close();
    if (cudnn != null) cudnn.close();
  }

  // n, c, h, w
  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of(2, 1, 1, 1),      // the smallest training batch: m = 2
        Arguments.of(3, 3, 5, 7),
        Arguments.of(1, 3, 4, 4),      // N = 1 is fine when H·W > 1
        Arguments.of(5, 17, 1, 1),     // BatchNorm1d
        Arguments.of(3, 6272, 1, 1),   // dcgan28 G: BatchNorm1d(128·7·7)
        Arguments.of(3, 64, 14, 14),   // dcgan28 G: BatchNorm2d(64)
        Arguments.of(3, 128, 7, 7));   // dcgan28 D: BatchNorm2d(128)
  }

  /** Inputs with a per-channel offset and scale, so mean and variance differ by channel. */
  private static float[] input(SplittableRandom rng, int n, int c, int hw) {
    float[] x = new float[n * c * hw];
    for (int i = 0; i < n; i++)
      for (int ch = 0; ch < c; ch++)
        for (int j = 0; j < hw; j++) {
          x[(i * c + ch) * hw + j] = (float) ((ch % 5) - 2 + (1 + ch % 3) * (rng.nextDouble() * 2 - 1));
        }
    return x;
  }

  /**
   * gx = γ·invStd/m·(m·gy − gβ − x̂·gγ) subtracts terms of similar size, so its rounding error scales
   * with γ·invStd/m·(m·|gy| + |gβ| + |x̂·gγ|), not with |gx|.
   */
  private static double[] gxBound(int n, int c, int hw, float[] x, float[] gy, float[] gamma, BatchNormReference ref,
                                  double[][] grads) {
    int m = n * hw;
    double[] bound = new double[x.length];
    for (int i = 0; i < n; i++)
      for (int ch = 0; ch < c; ch++)
        for (int j = 0; j < hw; j++) {
          int k = (i * c + ch) * hw + j;
          double xhat = Math.abs((x[k] - ref.mean[ch]) * ref.invStd[ch]);
          bound[k] = Math.abs(gamma[ch] * ref.invStd[ch]) / m
              * (m * Math.abs(gy[k]) + Math.abs(grads[2][ch]) + xhat * Math.abs(grads[1][ch]));
        }
    return bound;
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void trainingForwardUpdatesRunningStatsLikePyTorchAndBackwardMatches(int n, int c, int h, int w) {
    int hw = h * w, m = n * hw;
    SplittableRandom rng = new SplittableRandom(31L * n + c);
    float[] x = input(rng, n, c, hw), gamma = Close.random(rng, c), beta = Close.random(rng, c);
    float[] gy = Close.random(rng, x.length), runMean = Close.random(rng, c), runVar = new float[c];
    for (int i = 0; i < c; i++) runVar[i] = 0.5f + (float) rng.nextDouble();
    double momentum = 0.1;
    BatchNormReference ref = new BatchNormReference(n, c, hw, EPS, x, gamma, beta);
    double[] wantMean = new double[c], wantVar = new double[c];
    for (int i = 0; i < c; i++) {
      wantMean[i] = momentum * ref.mean[i] + (1 - momentum) * runMean[i];
      wantVar[i] = momentum * ref.var[i] * m / (m - 1) + (1 - momentum) * runVar[i];
    }
    double[][] grads = ref.backward(n, c, hw, x, gy, gamma);
    try (HostDeviceMemory mem = new HostDeviceMemory(); CudnnBatchNorm bn = new CudnnBatchNorm(handle)) {
      long dx = mem.upload(x), dGamma = mem.upload(gamma), dBeta = mem.upload(beta), dGy = mem.upload(gy);
      long y = mem.filled(x.length, Float.NaN), rm = mem.upload(runMean), rv = mem.upload(runVar);
      long saveMean = mem.filled(c, Float.NaN), saveInvStd = mem.filled(c, Float.NaN);
      bn.forwardTraining(n, c, h, w, EPS, momentum, dx, dGamma, dBeta, y, rm, rv, saveMean, saveInvStd);
      String at = n + "x" + c + "x" + h + "x" + w + " ";
      Close.assertClose(at + "y", ref.y, HostDeviceMemory.download(y, x.length), TOL);
      Close.assertClose(at + "saved mean", ref.mean, HostDeviceMemory.download(saveMean, c), TOL);
      Close.assertClose(at + "saved invStd", ref.invStd, HostDeviceMemory.download(saveInvStd, c), TOL);
      Close.assertClose(at + "running mean", wantMean, HostDeviceMemory.download(rm, c), TOL);
      Close.assertClose(at + "running var (unbiased)", wantVar, HostDeviceMemory.download(rv, c), TOL);

      long gx = mem.filled(x.length, Float.NaN), gGamma = mem.filled(c, Float.NaN), gBeta = mem.filled(c, Float.NaN);
      bn.backward(n, c, h, w, EPS, dx, dGy, dGamma, saveMean, saveInvStd, gx, gGamma, gBeta);
      Close.assertClose(at + "gx", grads[0], gxBound(n, c, hw, x, gy, gamma, ref, grads),
          HostDeviceMemory.download(gx, x.length), TOL);
      Close.assertClose(at + "gGamma", grads[1], HostDeviceMemory.download(gGamma, c), TOL * Math.sqrt(m));
      Close.assertClose(at + "gBeta", grads[2], HostDeviceMemory.download(gBeta, c), TOL * Math.sqrt(m));
      assertEquals(1, bn.cachedShapes());
    }
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void batchStatsGiveBackendsMeanInvStdAndUnbiasedVariance(int n, int c, int h, int w) {
    int hw = h * w;
    SplittableRandom rng = new SplittableRandom(17L * c + n);
    float[] x = input(rng, n, c, hw), gamma = Close.random(rng, c), beta = Close.random(rng, c);
    BatchNormReference ref = new BatchNormReference(n, c, hw, EPS, x, gamma, beta);
    try (HostDeviceMemory mem = new HostDeviceMemory(); CudnnBatchNorm bn = new CudnnBatchNorm(handle)) {
      HostDeviceMemory.Workspace scratch = mem.workspace();
      long y = mem.filled(x.length, Float.NaN), mean = mem.filled(c, Float.NaN);
      long invStd = mem.filled(c, Float.NaN), varUnbiased = mem.filled(c, Float.NaN);   // NaN: must be zeroed first
      // Backend passes (n, c, hw): the same statistics with the spatial size as H×1
      bn.forwardTrainingBatchStats(n, c, hw, 1, EPS, mem.upload(x), mem.upload(gamma), mem.upload(beta), y, mean,
          invStd, varUnbiased, scratch);
      Close.assertClose("y", ref.y, HostDeviceMemory.download(y, x.length), TOL);
      Close.assertClose("mean", ref.mean, HostDeviceMemory.download(mean, c), TOL);
      Close.assertClose("invStd", ref.invStd, HostDeviceMemory.download(invStd, c), TOL);
      Close.assertClose("varUnbiased", ref.varUnbiased, HostDeviceMemory.download(varUnbiased, c), TOL);
      assertEquals(java.util.List.of((long) c * Float.BYTES), scratch.requests);
      scratch.assertCanariesIntact();
    }
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void inferenceUsesTheGivenStatistics(int n, int c, int h, int w) {
    int hw = h * w;
    SplittableRandom rng = new SplittableRandom(5L * c + n);
    float[] x = input(rng, n, c, hw), gamma = Close.random(rng, c), beta = Close.random(rng, c);
    float[] mean = Close.random(rng, c), var = new float[c];
    for (int i = 0; i < c; i++) var[i] = 0.25f + 2 * (float) rng.nextDouble();
    double[] want = BatchNormReference.inference(n, c, hw, EPS, x, gamma, beta, mean, var);
    try (HostDeviceMemory mem = new HostDeviceMemory(); CudnnBatchNorm bn = new CudnnBatchNorm(handle)) {
      long y = mem.filled(x.length, Float.NaN);
      bn.forwardInference(n, c, h, w, EPS, mem.upload(x), mem.upload(gamma), mem.upload(beta), mem.upload(mean),
          mem.upload(var), y);
      Close.assertClose("inference y", want, HostDeviceMemory.download(y, x.length), TOL);
    }
  }

  @Test
  void inferenceWorksForASingleValuePerChannelButTrainingRefusesIt() {
    try (HostDeviceMemory mem = new HostDeviceMemory(); CudnnBatchNorm bn = new CudnnBatchNorm(handle)) {
      long x = mem.upload(new float[] {3f, -1f}), ones = mem.filled(2, 1f), zeros = mem.filled(2, 0f);
      long y = mem.filled(2, Float.NaN);
      bn.forwardInference(1, 2, 1, 1, 0.0, x, ones, zeros, zeros, ones, y);
      float[] got = HostDeviceMemory.download(y, 2);
      assertEquals(3f, got[0]);
      assertEquals(-1f, got[1]);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> bn.forwardTraining(1, 2, 1, 1, EPS, 0.1, x, ones, zeros, y, 0, 0, zeros, zeros));
      assertTrue(e.getMessage().contains("more than one value per channel") && e.getMessage().contains("1x2x1x1"),
          e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> bn.forwardTraining(2, 2, 1, 1, EPS, 1.5, x, ones, zeros, y, 0, 0, zeros, zeros));
    }
  }

  @Test
  void backwardBlendsParameterGradientsWithAlphaAndBeta() {
    // cuDNN's alphaParamDiff/betaParamDiff: dγ ← 1·dγ_batch + 1·dγ accumulates across calls
    int n = 4, c = 3, hw = 5;
    SplittableRandom rng = new SplittableRandom(11);
    float[] x = input(rng, n, c, hw), gamma = Close.random(rng, c), gy = Close.random(rng, x.length);
    float[] before = Close.random(rng, c);
    BatchNormReference ref = new BatchNormReference(n, c, hw, EPS, x, gamma, new float[c]);
    double[][] grads = ref.backward(n, c, hw, x, gy, gamma);
    double[] want = new double[c];
    for (int i = 0; i < c; i++) want[i] = grads[1][i] + before[i];
    try (HostDeviceMemory mem = new HostDeviceMemory()) {
      long h = handle.address();
      long xd = cudnn.createTensorDescriptor(), bnd = cudnn.createTensorDescriptor();
      try {
        cudnn.setTensor4dDescriptor(xd, CudnnEnums.TENSOR_NCHW, CudnnEnums.DATA_FLOAT, n, c, hw, 1);
        cudnn.deriveBNTensorDescriptor(bnd, xd, CudnnEnums.BATCHNORM_SPATIAL);
        long gGamma = mem.upload(before), gBeta = mem.filled(c, 0f), gx = mem.filled(x.length, 0f);
        // without saved statistics cuDNN recomputes them from x
        cudnn.batchNormalizationBackward(h, CudnnEnums.BATCHNORM_SPATIAL, 1f, 0f, 1f, 1f, xd, mem.upload(x), xd,
            mem.upload(gy), xd, gx, bnd, mem.upload(gamma), gGamma, gBeta, EPS, 0, 0);
        Close.assertClose("accumulated gGamma", want, HostDeviceMemory.download(gGamma, c), 1e-5);
        Close.assertClose("gx", grads[0], gxBound(n, c, hw, x, gy, gamma, ref, grads),
            HostDeviceMemory.download(gx, x.length), TOL);
      } finally {
        cudnn.destroyTensorDescriptor(xd);
        cudnn.destroyTensorDescriptor(bnd);
      }
    }
  }

  @Test
  void aWrongParameterDescriptorIsACudnnExceptionNamingTheCallAndShapes() {
    try (HostDeviceMemory mem = new HostDeviceMemory()) {
      long xd = cudnn.createTensorDescriptor(), wrong = cudnn.createTensorDescriptor();
      try {
        cudnn.setTensor4dDescriptor(xd, CudnnEnums.TENSOR_NCHW, CudnnEnums.DATA_FLOAT, 4, 3, 2, 2);
        cudnn.setTensor4dDescriptor(wrong, CudnnEnums.TENSOR_NCHW, CudnnEnums.DATA_FLOAT, 1, 4, 1, 1);
        long buf = mem.bytes(1024);
        CudnnException e = assertThrows(CudnnException.class, () -> cudnn.batchNormalizationForwardTraining(
            handle.address(), CudnnEnums.BATCHNORM_SPATIAL, 1f, 0f, xd, buf, xd, buf, wrong, buf, buf, 0.1, buf, buf,
            EPS, buf, buf));
        assertEquals(CudnnStatus.BAD_PARAM, e.status());
        assertEquals("cudnnBatchNormalizationForwardTraining", e.call());
        assertTrue(e.getMessage().contains("bn: tensor 1x4x1x1 NCHW FLOAT"), e.getMessage());
        assertTrue(e.getMessage().contains("x: tensor 4x3x2x2"), e.getMessage());

        CudnnException mode = assertThrows(CudnnException.class, () -> cudnn.batchNormalizationForwardInference(
            handle.address(), 7, 1f, 0f, xd, buf, xd, buf, wrong, buf, buf, buf, buf, EPS));
        assertEquals(CudnnStatus.BAD_PARAM, mode.status());
        assertTrue(mode.getMessage().contains("mode 7"), mode.getMessage());
      } finally {
        cudnn.destroyTensorDescriptor(xd);
        cudnn.destroyTensorDescriptor(wrong);
      }
    }
  }
}
