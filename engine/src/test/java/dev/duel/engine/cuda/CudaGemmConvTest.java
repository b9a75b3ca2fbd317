package dev.duel.engine.cuda;

import dev.duel.engine.Backend;
import dev.duel.engine.Buffer;
import dev.duel.engine.ConvShape;
import dev.duel.engine.Devices;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * gemm, the three convolutions and batch norm on cuda-emu against the CPU backend, on the library path
 * (stand-in cuBLAS and cuDNN) and on Duel's kernels. GEMM and convolution are judged at 1e-4 of the
 * magnitude of each output's terms (the same op on |inputs|, computed by the CPU backend).
 */
class CudaGemmConvTest {
  static java.util.stream.Stream<org.junit.jupiter.api.Named<CudaBackend>> backends() {
    return TestCuda.both();
  }

  private static float[] abs(float[] a) {
    float[] r = new float[a.length];
    for (int i = 0; i < a.length; i++) r[i] = Math.abs(a[i]);
    return r;
  }

  @ParameterizedTest
  @MethodSource("backends")
  void gemmAllTransposesPitchesBatchesAndBeta(CudaBackend be) {
    SplittableRandom rng = new SplittableRandom(20);
    int[][] sizes = {{1, 1, 1}, {17, 33, 5}, {3, 1, 130}, {65, 70, 33}};
    for (int[] sz : sizes) {
      int m = sz[0], n = sz[1], k = sz[2];
      for (int t = 0; t < 8; t++) {
        boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
        int lda = (ta ? m : k) + 2, ldb = (tb ? k : n) + 1, ldc = n + 3, batch = t < 4 ? 3 : 1;   // batched and single
        long sa = (long) (ta ? k : m) * lda + 5, sb = (long) (tb ? n : k) * ldb, sc = (long) m * ldc + 1;
        float[] a = Compare.uniform(rng, (int) (batch * sa), -1, 1), b = Compare.uniform(rng, (int) (batch * sb), -1, 1);
        float[] c = Compare.uniform(rng, (int) (batch * sc), -1, 1);
        float alpha = 0.75f, beta = t % 4 == 3 ? 0f : 0.5f;
        Twin.Op gemm = (bk, buf) -> bk.gemm(ta, tb, m, n, k, alpha, buf[0], 0, lda, sa, buf[1], 0, ldb, sb, beta, buf[2], 0,
            ldc, sc, batch);
        Twin r = Twin.run(be, new float[][] {a, b, c}, gemm);
        float[] bound = on(Devices.cpu(), new float[][] {abs(a), abs(b), abs(c)}, (bk, buf) -> bk.gemm(ta, tb, m, n, k,
            Math.abs(alpha), buf[0], 0, lda, sa, buf[1], 0, ldb, sb, Math.abs(beta), buf[2], 0, ldc, sc, batch))[2];
        Compare.summed("gemm " + (ta ? "T" : "N") + (tb ? "T" : "N") + " " + m + "x" + n + "x" + k + " batch " + batch,
            r.cpu[2], bound,
            r.gpu[2], Compare.GEMM);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void gemmWithSharedAAndEmptyK(CudaBackend be) {
    SplittableRandom rng = new SplittableRandom(21);
    int m = 7, n = 9, k = 11, batch = 4;
    float[] a = Compare.uniform(rng, m * k, -1, 1), b = Compare.uniform(rng, batch * k * n, -1, 1);
    float[] c = Compare.uniform(rng, batch * m * n, -1, 1);
    Twin r = Twin.run(be, new float[][] {a, b, c}, (bk, buf) -> bk.gemm(false, false, m, n, k, 1f, buf[0], 0, k, 0,
        buf[1], 0, n, (long) k * n, 0f, buf[2], 0, n, (long) m * n, batch));
    float[] bound = on(Devices.cpu(), new float[][] {abs(a), abs(b), new float[c.length]}, (bk, buf) -> bk.gemm(false,
        false, m, n, k, 1f, buf[0], 0, k, 0, buf[1], 0, n, (long) k * n, 0f, buf[2], 0, n, (long) m * n, batch))[2];
    Compare.summed("gemm strideA = 0", r.cpu[2], bound, r.gpu[2], Compare.GEMM);
    // k = 0: C = β·C
    r = Twin.run(be, new float[][] {new float[1], new float[1], c}, (bk, buf) -> bk.gemm(false, false, m, n, 0, 1f,
        buf[0], 0, 1, 0, buf[1], 0, n, 0, 0.5f, buf[2], 0, n, (long) m * n, batch));
    Compare.elementwise("gemm k = 0", r.cpu[2], r.gpu[2], Compare.ELEMENTWISE);
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> convCases() {
    ConvShape[] shapes = {
        new ConvShape(1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0),
        new ConvShape(3, 3, 7, 6, 2, 3, 3, 2, 2, 1, 1),
        new ConvShape(2, 2, 7, 8, 3, 3, 2, 2, 1, 1, 0),
        new ConvShape(3, 3, 1, 1, 2, 1, 1, 1, 1, 0, 0),
        new ConvShape(2, 1, 28, 28, 8, 4, 4, 2, 2, 1, 1),     // dcgan28 D's first conv at width 8
        new ConvShape(2, 8, 14, 14, 16, 4, 4, 2, 2, 1, 1)};   // and its second
    java.util.List<org.junit.jupiter.params.provider.Arguments> out = new java.util.ArrayList<>();
    backends().forEach(b -> {
      for (ConvShape s : shapes) out.add(org.junit.jupiter.params.provider.Arguments.of(b, s));
    });
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("convCases")
  void convolutionInAllThreeDirections(CudaBackend be, ConvShape s) {
    SplittableRandom rng = new SplittableRandom(s.hashCode());
    int xs = s.n() * s.c() * s.h() * s.w(), ws = s.k() * s.c() * s.r() * s.s(), ys = s.n() * s.k() * s.p() * s.q();
    float[] x = Compare.uniform(rng, xs, -1, 1), w = Compare.uniform(rng, ws, -1, 1), gy = Compare.uniform(rng, ys, -1, 1);
    float[] nan = new float[Math.max(xs, Math.max(ws, ys))];
    java.util.Arrays.fill(nan, Float.NaN);   // outputs start as NaN: every direction overwrites
    Twin.Op all = (bk, buf) -> {
      bk.conv2d(s, buf[0], buf[1], buf[3]);
      bk.conv2dBackwardData(s, buf[2], buf[1], buf[4]);
      bk.conv2dBackwardFilter(s, buf[0], buf[2], buf[5]);
    };
    float[][] inputs = {x, w, gy, java.util.Arrays.copyOf(nan, ys), java.util.Arrays.copyOf(nan, xs),
        java.util.Arrays.copyOf(nan, ws)};
    Twin r = Twin.run(be, inputs, all);
    float[][] bound = on(Devices.cpu(), new float[][] {abs(x), abs(w), abs(gy), new float[ys], new float[xs],
        new float[ws]}, all);
    Compare.summed("conv2d " + s, r.cpu[3], bound[3], r.gpu[3], Compare.GEMM);
    Compare.summed("conv2dBackwardData " + s, r.cpu[4], bound[4], r.gpu[4], Compare.GEMM);
    Compare.summed("conv2dBackwardFilter " + s, r.cpu[5], bound[5], r.gpu[5], Compare.GEMM);
  }

  /** The convolution and the transposed convolution with a bias (the backend's default: the bias added in place). */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("convCases")
  void convolutionsWithABias(CudaBackend be, ConvShape s) {
    SplittableRandom rng = new SplittableRandom(s.hashCode() + 1);
    int xs = s.n() * s.c() * s.h() * s.w(), ws = s.k() * s.c() * s.r() * s.s(), ys = s.n() * s.k() * s.p() * s.q();
    float[] x = Compare.uniform(rng, xs, -1, 1), w = Compare.uniform(rng, ws, -1, 1), gy = Compare.uniform(rng, ys, -1, 1);
    float[] bk = Compare.uniform(rng, s.k(), -1, 1), bc = Compare.uniform(rng, s.c(), -1, 1);
    Twin.Op both = (bk2, buf) -> {
      bk2.conv2dBias(s, buf[0], buf[1], buf[3], buf[5]);
      bk2.conv2dBackwardDataBias(s, buf[2], buf[1], buf[4], buf[6]);
    };
    float[] nanY = new float[ys], nanX = new float[xs];
    java.util.Arrays.fill(nanY, Float.NaN);
    java.util.Arrays.fill(nanX, Float.NaN);
    Twin r = Twin.run(be, new float[][] {x, w, gy, bk, bc, nanY, nanX}, both);
    float[][] bound = on(Devices.cpu(), new float[][] {abs(x), abs(w), abs(gy), abs(bk), abs(bc), new float[ys],
        new float[xs]}, both);
    Compare.summed("conv2dBias " + s, r.cpu[5], bound[5], r.gpu[5], Compare.GEMM);
    // the bias's gradient: the per-channel sum of gy (the backend's default, two reductions, on cuda-emu)
    Twin.Op sum = (bk2, buf) -> bk2.channelSum(s.n(), s.k(), s.p() * s.q(), buf[0], buf[1]);
    Twin rs = Twin.run(be, new float[][] {gy, new float[s.k()]}, sum);
    float[] sumBound = on(Devices.cpu(), new float[][] {abs(gy), new float[s.k()]}, sum)[1];
    Compare.summed("channelSum " + s, rs.cpu[1], sumBound, rs.gpu[1], Compare.GEMM);
    // a fused activation's backward with the bias's gradient (CPU: one pass; CUDA: the default, the two ops)
    float[] y = Compare.uniform(rng, ys, -1, 1);
    Twin.Op actSum = (bk2, buf) -> bk2.activationBackwardChannelSum(dev.duel.engine.UnaryOp.LEAKY_RELU, 0.2f, s.n(),
        s.k(), s.p() * s.q(), buf[0], buf[1], buf[2], buf[3]);
    Twin ra = Twin.run(be, new float[][] {y, gy, nanY, new float[s.k()]}, actSum);
    Compare.bitwise("activationBackwardChannelSum gz " + s, ra.cpu[2], ra.gpu[2]);
    float[] actBound = on(Devices.cpu(), new float[][] {abs(y), abs(gy), new float[ys], new float[s.k()]}, actSum)[3];
    Compare.summed("activationBackwardChannelSum sums " + s, ra.cpu[3], actBound, ra.gpu[3], Compare.GEMM);
    Compare.summed("conv2dBackwardDataBias " + s, r.cpu[6], bound[6], r.gpu[6], Compare.GEMM);
  }

  @org.junit.jupiter.api.Test
  void convolutionOnTheKernelsInChunksOfOneAndTwoImages() {
    for (long chunkFloats : new long[] {1, 2L * 27 * 12}) {   // 1 image; 2 images of C·R·S × P·Q = 27 × 12 floats
      CudaBackend be = new CudaBackend(TestCuda.kernels().device(), CudaOptions.kernelsOnly(), null, null);
      be.kernelConv().chunkFloats = chunkFloats;
      convolutionInAllThreeDirections(be, new ConvShape(5, 3, 7, 6, 2, 3, 3, 2, 2, 1, 1));
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void batchNormForwardAndBackward(CudaBackend be) {
    SplittableRandom rng = new SplittableRandom(22);
    int[][] cases = {{3, 5, 7}, {4, 3, 1}, {1, 4, 1}, {2, 16, 49}};   // (n, c, hw); n·hw = 1 uses the kernels
    for (int[] cs : cases) {
      int n = cs[0], c = cs[1], hw = cs[2], size = n * c * hw;
      float[] x = Compare.uniform(rng, size, -2, 3), gamma = Compare.uniform(rng, c, 0.5, 1.5);
      float[] beta = Compare.uniform(rng, c, -1, 1), gy = Compare.uniform(rng, size, -1, 1);
      Twin r = Twin.run(be, new float[][] {x, gamma, beta, new float[size], new float[c], new float[c], new float[c], gy,
          new float[size], new float[c], new float[c]}, (bk, b) -> {
            bk.batchNormForward(n, c, hw, 1e-5f, b[0], b[1], b[2], b[3], b[4], b[5], b[6]);
            bk.batchNormBackward(n, c, hw, b[0], b[7], b[1], b[4], b[5], b[8], b[9], b[10]);
          });
      String what = "batchnorm (" + n + ", " + c + ", " + hw + ") ";
      float[] scale = new float[size];
      java.util.Arrays.fill(scale, 4f);   // |x − μ|·invStd·γ + |β| stays within a few units here
      Compare.summed(what + "y", r.cpu[3], scale, r.gpu[3], Compare.ELEMENTWISE);
      float[] three = new float[c];
      java.util.Arrays.fill(three, 3f);   // the mean is a sum of n·hw values in [−2, 3] over n·hw
      Compare.summed(what + "mean", r.cpu[4], three, r.gpu[4], Compare.ELEMENTWISE);
      Compare.elementwise(what + "invStd", r.cpu[5], r.gpu[5], Compare.ELEMENTWISE * 4);
      Compare.elementwise(what + "varUnbiased", r.cpu[6], r.gpu[6], Compare.ELEMENTWISE * 4);
      // gx = γ·invStd·(gy − (gβ + x̂·gγ)/m): terms of size ≲ 4; gγ, gβ: sums of n·hw terms |gy·x̂| ≲ 4
      Compare.summed(what + "gx", r.cpu[8], scale, r.gpu[8], Compare.ELEMENTWISE);
      float[] sums = new float[c];
      java.util.Arrays.fill(sums, 4f * n * hw);
      Compare.summed(what + "gGamma", r.cpu[9], sums, r.gpu[9], Compare.ELEMENTWISE);
      Compare.summed(what + "gBeta", r.cpu[10], sums, r.gpu[10], Compare.ELEMENTWISE);
    }
  }

  /** Runs an op on one backend and returns every buffer's contents. */
  private static float[][] on(Backend be, float[][] inputs, Twin.Op op) {
    Buffer[] b = new Buffer[inputs.length];
    for (int i = 0; i < inputs.length; i++) b[i] = TestCuda.of(be, inputs[i]);
    op.run(be, b);
    float[][] out = new float[inputs.length][];
    for (int i = 0; i < inputs.length; i++) {
      out[i] = TestCuda.get(be, b[i]);
      b[i].close();
    }
    return out;
  }
}
