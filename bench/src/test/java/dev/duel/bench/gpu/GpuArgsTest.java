package dev.duel.bench.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.ConvShape;
import dev.duel.engine.UnaryOp;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GpuArgsTest {

  @Test
  void defaults() {
    GpuArgs a = GpuArgs.parse(new String[0], 120);
    assertEquals("cuda", a.device());
    assertFalse(a.quick());
    assertEquals(120, a.budgetS());
    assertNull(a.out());
    assertTrue(a.extra().isEmpty());
  }

  @Test
  void everyOptionBothSpellings() {
    GpuArgs a = GpuArgs.parse(new String[] {"--device", "cuda-emu", "--quick", "--budget-s=7.5", "--out", "r.json",
        "--configs=mlp:8", "--path", "kernels"}, 1, "configs", "path");
    assertEquals("cuda-emu", a.device());
    assertTrue(a.quick());
    assertEquals(7.5, a.budgetS());
    assertEquals(Path.of("r.json"), a.out());
    assertEquals(Map.of("configs", "mlp:8", "path", "kernels"), a.extra());
    assertEquals("x", a.extra("rounds", "x"));
  }

  @Test
  void badInputIsAUsageError() {
    assertThrows(GpuArgs.UsageException.class, () -> GpuArgs.parse(new String[] {"--device", "cpu"}, 1));
    assertThrows(GpuArgs.UsageException.class, () -> GpuArgs.parse(new String[] {"--budget-s", "soon"}, 1));
    assertThrows(GpuArgs.UsageException.class, () -> GpuArgs.parse(new String[] {"--budget-s", "0"}, 1));
    assertThrows(GpuArgs.UsageException.class, () -> GpuArgs.parse(new String[] {"--out"}, 1));
    assertThrows(GpuArgs.UsageException.class, () -> GpuArgs.parse(new String[] {"--device", "--quick"}, 1));
    assertThrows(GpuArgs.UsageException.class, () -> GpuArgs.parse(new String[] {"--configs", "mlp:8"}, 1));
    assertThrows(GpuArgs.UsageException.class, () -> GpuArgs.parse(new String[] {"quick"}, 1));
    assertThrows(GpuArgs.UsageException.class, () -> GpuStepTiming.checkConfig("mlp"));
    assertThrows(GpuArgs.UsageException.class, () -> GpuStepTiming.checkConfig("resnet:64"));
    assertThrows(GpuArgs.UsageException.class, () -> GpuStepTiming.checkConfig("dcgan28:0"));
    assertThrows(GpuArgs.UsageException.class, () -> GpuStepTiming.checkConfig("dcgan28:x"));
    GpuStepTiming.checkConfig("dcgan28:512");
  }

  @Test
  void usageExitsTwoWithoutStartingADevice() {
    assertEquals(2, GpuKernelBandwidth.run(new String[] {"--bogus"}, System.out));
    assertEquals(2, GpuGemmConv.run(new String[] {"--device", "gpu"}, System.out));
    assertEquals(0, GpuStepTiming.run(new String[] {"--help"}, System.out));
  }

  @Test
  void byteCounts() {
    int n = 802_816;
    assertEquals(8L * n, Bytes.unaryFwd(n));
    assertEquals(12L * n, Bytes.unaryBwd(UnaryOp.LEAKY_RELU, n));   // gy, x, gx
    assertEquals(12L * n, Bytes.unaryBwd(UnaryOp.TANH, n));         // gy, y, gx
    assertEquals(8L * n, Bytes.unaryBwd(UnaryOp.SCALE, n));         // gy, gx
    assertEquals(12L * n, Bytes.binary(n));
    assertEquals(4L * (2 * n + 128), Bytes.binaryBroadcast(n, 128));
    assertEquals(4L * (64 * 6272 + 64), Bytes.reduce(64, 6272, 1));
    assertEquals(8L * n, Bytes.copy(n));
    assertEquals(4L * 6400, Bytes.random(6400));
    // the roofline page's Adam rows: 21.8 MB for G, 3.89 MB for D
    assertEquals(21_792_540L, Bytes.adam(778_305));
    assertEquals(3_886_876L, Bytes.adam(138_817));
    assertEquals(20L * n, Bytes.sgd(n));
    assertEquals(4L * 5 * n, Bytes.upsample(n, 2));
    int[] labels = {0, 1, 2, 0, 1, 2};
    assertEquals(3, Bytes.distinct(labels));
    assertEquals(4L * (3 * 784 + 6 * 784 + 6), Bytes.gather(labels, 784));
    assertEquals(4L * (6 * 784 + 2 * 3 * 784 + 6), Bytes.scatterAdd(labels, 784));
    // ≈ the roofline page's batch-norm rows: 9.63 MB fwd for BN2d(64), 8.03 MB bwd for BN2d(128)
    assertEquals(9_635_072L, Bytes.batchNormFwd(64, 64, 196));
    assertEquals(8_030_720L, Bytes.batchNormBwd(64, 128, 49));
    assertEquals(4L * (64 * 100 + 100 * 6272 + 64 * 6272), Bytes.gemm(64, 6272, 100));
    ConvShape c2 = new ConvShape(64, 64, 14, 14, 128, 4, 4, 2, 2, 1, 1);
    assertEquals(64L * 1024 * 49, Bytes.columns(c2));
    assertEquals(4L * (64 * 64 * 196 + 2 * 64L * 1024 * 49 + 128 * 1024 + 64 * 128 * 49), Bytes.convThroughColumns(c2));
    assertEquals(822_083_584L, Bytes.convFlops(c2));   // the roofline page's 822 MFLOP per direction
  }

  @Test
  void dcgan28ParameterCounts() {
    GpuKernelBandwidth.Sizes s = GpuKernelBandwidth.Sizes.of(false);
    assertEquals(778_305, s.gParams());
    assertEquals(138_817, s.dParams());
    assertEquals(802_816, s.act());
    assertEquals(6272, s.linOut());
    assertEquals(1 << 26, s.big());
  }

  @Test
  void reducePathsFollowTheBackendsRule() {
    assertEquals("cols", GpuKernelBandwidth.reducePath(1, 64, 6272));
    assertEquals("rows", GpuKernelBandwidth.reducePath(64, 6272, 1));
    assertEquals("partial+final", GpuKernelBandwidth.reducePath(1, 802_816, 1));
    assertEquals("rows", GpuKernelBandwidth.reducePath(16, 802_816, 1));
  }

  @Test
  void stepRepsFitTheBudget() {
    assertEquals(200, GpuStepTiming.repsFor(200, 3, 0.001, 10));   // plenty of time
    assertEquals(33, GpuStepTiming.repsFor(200, 3, 0.01, 1));      // 1 s for 3 rounds of 10 ms steps
    assertEquals(3, GpuStepTiming.repsFor(20, 3, 5, 1));           // never fewer than 3
  }

  @Test
  void json() {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("s", "a\"b\\c\n");
    m.put("d", 1.5);
    m.put("nan", Double.NaN);
    m.put("l", 3L);
    m.put("b", true);
    m.put("null", null);
    assertEquals("{\"s\":\"a\\\"b\\\\c\\n\",\"d\":1.50000,\"nan\":null,\"l\":3,\"b\":true,\"null\":null}",
        GpuReport.toJson(m));
  }
}
