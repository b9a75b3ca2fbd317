package dev.duel.engine.cuda.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.ConvShape;
import dev.duel.engine.cuda.cudnn.CudnnConvOptions.AlgoSearch;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** CudnnConv over the stand-in cuDNN against float64 loops: odd shapes, both search modes, all directions. */
class CudnnConvTest {

  private static final double TOL = 2e-6;   // × (1 + Σ|terms|): float accumulation over ≤ 1024 terms

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

  // n, c, h, w, k, r, s, strideH, strideW, padH, padW
  static Stream<Arguments> shapes() {
    return Stream.of(
        shape(1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0),
        shape(3, 3, 7, 6, 2, 3, 3, 2, 2, 1, 1),
        shape(1, 3, 5, 7, 4, 1, 1, 1, 1, 0, 0),
        shape(3, 1, 9, 9, 5, 4, 4, 2, 2, 1, 1),
        shape(2, 2, 7, 8, 3, 3, 2, 2, 1, 1, 0),
        shape(3, 3, 1, 1, 2, 1, 1, 1, 1, 0, 0),
        shape(1, 2, 2, 3, 3, 3, 3, 1, 1, 1, 1),
        // dcgan28 at batch 2: D's Conv2d(1,64,4,2,1) = G's last ConvTranspose2d(64,1,4,2,1) transposed,
        // D's Conv2d(64,128,4,2,1) = G's ConvTranspose2d(128,64,4,2,1) transposed
        shape(2, 1, 28, 28, 64, 4, 4, 2, 2, 1, 1),
        shape(2, 64, 14, 14, 128, 4, 4, 2, 2, 1, 1));
  }

  private static Arguments shape(int n, int c, int h, int w, int k, int r, int s, int sh, int sw, int ph, int pw) {
    return Arguments.of(new ConvShape(n, c, h, w, k, r, s, sh, sw, ph, pw));
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void allDirectionsMatchFloat64LoopsWithHeuristicAndMeasuredChoice(ConvShape s) {
    SplittableRandom rng = new SplittableRandom(s.hashCode());
    float[] x = Close.random(rng, s.n() * s.c() * s.h() * s.w());
    float[] w = Close.random(rng, s.k() * s.c() * s.r() * s.s());
    float[] gy = Close.random(rng, s.n() * s.k() * s.p() * s.q());
    double[][] y = ConvReference.forward(s, x, w);
    double[][] gx = ConvReference.backwardData(s, gy, w);
    double[][] gw = ConvReference.backwardFilter(s, x, gy);
    for (AlgoSearch search : AlgoSearch.values()) {
      try (HostDeviceMemory mem = new HostDeviceMemory();
           CudnnConv conv = new CudnnConv(handle, CudnnConvOptions.defaults().withSearch(search))) {
        HostDeviceMemory.Workspace ws = mem.workspace();
        long dx = mem.upload(x), dw = mem.upload(w), dgy = mem.upload(gy);
        // outputs start as NaN: overwrite semantics (beta = 0) must never read them
        long dy = mem.filled(y[0].length, Float.NaN), dgx = mem.filled(gx[0].length, Float.NaN);
        long dgw = mem.filled(gw[0].length, Float.NaN);
        for (int rep = 0; rep < 2; rep++) {   // the second round reuses the cached descriptors and choices
          conv.forward(s, dx, dw, dy, ws);
          conv.backwardData(s, dgy, dw, dgx, ws);
          conv.backwardFilter(s, dx, dgy, dgw, ws);
          String at = search + " " + s + " round " + rep + " ";
          Close.assertClose(at + "forward", y[0], y[1], HostDeviceMemory.download(dy, y[0].length), TOL);
          Close.assertClose(at + "backwardData", gx[0], gx[1], HostDeviceMemory.download(dgx, gx[0].length), TOL);
          Close.assertClose(at + "backwardFilter", gw[0], gw[1], HostDeviceMemory.download(dgw, gw[0].length), TOL);
        }
        ws.assertCanariesIntact();
        assertEquals(1, conv.cachedShapes());
        for (ConvDirection d : ConvDirection.values()) assertTrue(conv.chosen(s, d).isPresent(), d + " chosen");
      }
    }
  }

  @Test
  void heuristicChoiceUsesTheWorkspacePathAndMeasuredChoiceTimesTheCandidates() {
    ConvShape s = new ConvShape(2, 3, 9, 9, 4, 3, 3, 2, 2, 1, 1);
    try (HostDeviceMemory mem = new HostDeviceMemory();
         CudnnConv heuristic = new CudnnConv(handle, CudnnConvOptions.defaults().withSearch(AlgoSearch.HEURISTIC));
         CudnnConv measured = new CudnnConv(handle, CudnnConvOptions.defaults())) {
      long x = mem.filled(2 * 3 * 81, 0.5f), w = mem.filled(4 * 3 * 9, 0.25f), y = mem.filled(2 * 4 * 25, 0f);
      HostDeviceMemory.Workspace ws = mem.workspace();
      heuristic.forward(s, x, w, y, ws);
      // the stand-in ranks GEMM (workspace: one image's im2col matrix, C·R·S × P·Q floats) first
      AlgoPerf h = heuristic.chosen(s, ConvDirection.FORWARD).orElseThrow();
      assertEquals("GEMM", CudnnEnums.algoName(ConvDirection.FORWARD, h.algo()));
      assertEquals(java.util.List.of(3L * 9 * 25 * 4), ws.requests, "one exact workspace request");
      assertTrue(h.timeMs() < 0, "heuristics do not measure");

      HostDeviceMemory.Workspace ws2 = mem.workspace();
      measured.forward(s, x, w, y, ws2);
      AlgoPerf m = measured.chosen(s, ConvDirection.FORWARD).orElseThrow();
      assertTrue(m.timeMs() >= 0, "Find measures: " + m);
      assertEquals(1, ws2.requests.size(), "Find's workspace is reused for the run: " + ws2.requests);
      assertEquals(3L * 9 * 25 * 4, ws2.requests.get(0), "as large as the largest candidate (GEMM's im2col)");
      assertTrue(measured.describe(s).contains("forward "), measured.describe(s));
      ws.assertCanariesIntact();
      ws2.assertCanariesIntact();
    }
  }

  @Test
  void optionsRestrictTheChoice() {
    ConvShape s = new ConvShape(2, 3, 6, 6, 2, 3, 3, 1, 1, 1, 1);
    try (HostDeviceMemory mem = new HostDeviceMemory();
         CudnnConv noWorkspace = new CudnnConv(handle, CudnnConvOptions.defaults().withWorkspaceLimit(0));
         CudnnConv deterministic = new CudnnConv(handle,
             CudnnConvOptions.defaults().withSearch(AlgoSearch.HEURISTIC).withDeterministic(true))) {
      long x = mem.filled(2 * 3 * 36, 1f), w = mem.filled(2 * 3 * 9, 1f), gy = mem.filled(2 * 2 * 36, 1f);
      long y = mem.filled(2 * 2 * 36, 0f), gx = mem.filled(2 * 3 * 36, 0f), gw = mem.filled(2 * 3 * 9, 0f);
      WorkspaceProvider never = bytes -> { throw new AssertionError("no workspace may be requested, asked " + bytes); };
      noWorkspace.forward(s, x, w, y, never);
      noWorkspace.backwardData(s, gy, w, gx, never);
      noWorkspace.backwardFilter(s, x, gy, gw, never);
      for (ConvDirection d : ConvDirection.values()) {
        assertEquals(0, noWorkspace.chosen(s, d).orElseThrow().memory(), d.name());
      }
      HostDeviceMemory.Workspace ws = mem.workspace();
      deterministic.backwardData(s, gy, w, gx, ws);
      deterministic.backwardFilter(s, x, gy, gw, ws);
      assertTrue(deterministic.chosen(s, ConvDirection.BACKWARD_DATA).orElseThrow().deterministic());
      assertTrue(deterministic.chosen(s, ConvDirection.BACKWARD_FILTER).orElseThrow().deterministic());
      // interior elements of an all-ones 3x3 conv with pad 1: 3 channels · 9 taps
      assertEquals(27f, HostDeviceMemory.download(y, 2 * 2 * 36)[7]);
    }
  }

  @Test
  void anEmptyBatchZeroesTheFilterGradientAndWritesNothingElse() {
    ConvShape s = new ConvShape(0, 2, 5, 5, 3, 3, 3, 1, 1, 0, 0);
    try (HostDeviceMemory mem = new HostDeviceMemory();
         CudnnConv conv = new CudnnConv(handle, CudnnConvOptions.defaults())) {
      long gw = mem.filled(3 * 2 * 9, Float.NaN);
      WorkspaceProvider never = bytes -> { throw new AssertionError("workspace for an empty batch"); };
      conv.forward(s, 1, 1, 1, never);   // no pointer is touched for N = 0
      conv.backwardFilter(s, 1, 1, gw, never);
      for (float v : HostDeviceMemory.download(gw, 3 * 2 * 9)) assertEquals(0f, v);
      assertEquals(0, conv.cachedShapes());
    }
  }

  @Test
  void everyListedAlgorithmHonoursAlphaAndBeta() {
    ConvShape s = new ConvShape(2, 2, 5, 6, 3, 3, 2, 2, 1, 1, 0);
    SplittableRandom rng = new SplittableRandom(7);
    float[] x = Close.random(rng, 2 * 2 * 30), w = Close.random(rng, 3 * 2 * 6);
    float[] gy = Close.random(rng, 2 * 3 * s.p() * s.q());
    float[] old = Close.random(rng, 2 * 2 * 30);
    double[][] want = ConvReference.backwardData(s, gy, w);
    double[] blended = new double[old.length], bound = new double[old.length];
    for (int i = 0; i < old.length; i++) {
      blended[i] = 2 * want[0][i] + 0.5 * old[i];
      bound[i] = 2 * want[1][i] + 0.5 * Math.abs(old[i]);
    }
    try (HostDeviceMemory mem = new HostDeviceMemory(); ConvPlan plan = new ConvPlan(cudnn, s, CudnnEnums.FMA_MATH)) {
      long h = handle.address();
      long[] d = plan.descriptors(ConvDirection.BACKWARD_DATA);
      var listed = cudnn.getConvolutionAlgorithm(ConvDirection.BACKWARD_DATA, h, d[0], d[1], d[2], d[3]);
      assertTrue(listed.stream().filter(AlgoPerf::ok).count() >= 2, "two runnable algorithms: " + listed);
      assertTrue(listed.stream().anyMatch(p -> !p.ok()), "an inapplicable one is listed with its status: " + listed);
      long dw = mem.upload(w), dgy = mem.upload(gy);
      for (AlgoPerf p : listed) {
        if (!p.ok()) continue;
        long bytes = cudnn.getConvolutionWorkspaceSize(ConvDirection.BACKWARD_DATA, h, d[0], d[1], d[2], d[3],
            p.algo());
        assertEquals(p.memory(), bytes);
        long gx = mem.upload(old);
        cudnn.convolutionBackwardData(h, 2f, plan.wDesc, dw, plan.yDesc, dgy, plan.convDesc, p.algo(),
            mem.bytes(bytes), bytes, 0.5f, plan.xDesc, gx);
        Close.assertClose("algo " + p.describe(ConvDirection.BACKWARD_DATA), blended, bound,
            HostDeviceMemory.download(gx, old.length), TOL);
      }
      // cudnnFind*Algorithm (cuDNN's own buffers): fastest first, the inapplicable entry last
      var found = cudnn.findConvolutionAlgorithm(ConvDirection.BACKWARD_DATA, h, d[0], d[1], d[2], d[3]);
      assertEquals(listed.size(), found.size());
      assertTrue(found.get(0).ok() && found.get(0).timeMs() >= 0, found.toString());
      assertFalse(found.get(found.size() - 1).ok(), found.toString());
    }
  }

  @Test
  void mismatchedShapesAreACudnnExceptionNamingTheCallStatusAndShapes() {
    ConvShape s = new ConvShape(2, 3, 5, 5, 4, 3, 3, 2, 2, 1, 1);   // y is 2x4x3x3
    ConvShape other = new ConvShape(2, 3, 5, 5, 4, 3, 3, 1, 1, 1, 1);   // y is 2x4x5x5
    try (HostDeviceMemory mem = new HostDeviceMemory(); ConvPlan plan = new ConvPlan(cudnn, s, CudnnEnums.FMA_MATH);
         ConvPlan wrong = new ConvPlan(cudnn, other, CudnnEnums.FMA_MATH)) {
      long buf = mem.bytes(4096);
      CudnnException e = assertThrows(CudnnException.class, () -> cudnn.convolutionForward(handle.address(), 1f,
          plan.xDesc, buf, plan.wDesc, buf, plan.convDesc, 0, 0, 0, 0f, wrong.yDesc, buf));
      assertEquals(CudnnStatus.BAD_PARAM, e.status());
      assertEquals("CUDNN_STATUS_BAD_PARAM", e.statusName());
      assertTrue(e.call().startsWith("cudnnConvolutionForward"), e.call());
      assertTrue(e.getMessage().contains("y: tensor 2x4x5x5 NCHW FLOAT"), e.getMessage());
      assertTrue(e.getMessage().contains("x: tensor 2x3x5x5"), e.getMessage());
      assertTrue(e.getMessage().contains("w: filter 4x3x3x3"), e.getMessage());

      // a filter whose channels do not match x
      long w2 = cudnn.createFilterDescriptor();
      try {
        cudnn.setFilter4dDescriptor(w2, CudnnEnums.DATA_FLOAT, CudnnEnums.TENSOR_NCHW, 4, 2, 3, 3);
        CudnnException c = assertThrows(CudnnException.class, () -> cudnn.getConvolutionAlgorithm(
            ConvDirection.FORWARD, handle.address(), plan.xDesc, w2, plan.convDesc, plan.yDesc));
        assertEquals(CudnnStatus.BAD_PARAM, c.status());
        assertTrue(c.getMessage().contains("cudnnGetConvolutionForwardAlgorithm_v7 failed: CUDNN_STATUS_BAD_PARAM"),
            c.getMessage());
        assertTrue(c.getMessage().contains("channels"), "cuDNN's last error text is included: " + c.getMessage());
        assertTrue(c.getMessage().contains("w: filter 4x2x3x3"), c.getMessage());
      } finally {
        cudnn.destroyFilterDescriptor(w2);
      }

      // too little workspace for the algorithm
      CudnnException ws = assertThrows(CudnnException.class, () -> cudnn.convolutionForward(handle.address(), 1f,
          plan.xDesc, buf, plan.wDesc, buf, plan.convDesc, 2 /* GEMM */, buf, 16, 0f, plan.yDesc, buf));
      assertEquals(CudnnStatus.BAD_PARAM, ws.status());
      assertTrue(ws.call().contains("algo GEMM"), ws.call());

      // a negative size when setting a descriptor names what was asked for
      long t = cudnn.createTensorDescriptor();
      try {
        CudnnException neg = assertThrows(CudnnException.class,
            () -> cudnn.setTensor4dDescriptor(t, CudnnEnums.TENSOR_NCHW, CudnnEnums.DATA_FLOAT, 2, -3, 4, 4));
        assertTrue(neg.getMessage().contains("requested: tensor 2x-3x4x4"), neg.getMessage());
      } finally {
        cudnn.destroyTensorDescriptor(t);
      }
    }
  }

  @Test
  void unsupportedDataTypesAreNotSupported() {
    ConvShape s = new ConvShape(1, 1, 4, 4, 1, 3, 3, 1, 1, 0, 0);
    try (HostDeviceMemory mem = new HostDeviceMemory(); ConvPlan plan = new ConvPlan(cudnn, s, CudnnEnums.FMA_MATH)) {
      long half = cudnn.createTensorDescriptor();
      try {
        cudnn.setTensor4dDescriptor(half, CudnnEnums.TENSOR_NCHW, CudnnEnums.DATA_HALF, 1, 1, 4, 4);
        long buf = mem.bytes(1024);
        CudnnException e = assertThrows(CudnnException.class, () -> cudnn.convolutionForward(handle.address(), 1f,
            half, buf, plan.wDesc, buf, plan.convDesc, 0, 0, 0, 0f, plan.yDesc, buf));
        assertEquals(CudnnStatus.NOT_SUPPORTED, e.status());
        assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
      } finally {
        cudnn.destroyTensorDescriptor(half);
      }
    }
  }
}
