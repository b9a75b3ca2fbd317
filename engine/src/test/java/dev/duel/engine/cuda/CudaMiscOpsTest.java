package dev.duel.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duel.engine.Buffer;
import dev.duel.engine.Distribution;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Upsampling, embedding, Philox random numbers and the fused optimizer updates on cuda-emu against the CPU. */
class CudaMiscOpsTest {
  static java.util.stream.Stream<org.junit.jupiter.api.Named<CudaBackend>> backends() {
    return TestCuda.both();
  }

  @ParameterizedTest
  @MethodSource("backends")
  void nearestUpsampleAndItsBackward(CudaBackend be) {
    SplittableRandom rng = new SplittableRandom(30);
    int[][] cases = {{1, 1, 1, 1, 2}, {2, 3, 5, 7, 2}, {1, 2, 3, 4, 3}};
    for (int[] c : cases) {
      int n = c[0], ch = c[1], h = c[2], w = c[3], f = c[4], in = n * ch * h * w, out = in * f * f;
      float[] x = Compare.uniform(rng, in, -1, 1), gy = Compare.uniform(rng, out, -1, 1);
      Twin t = Twin.run(be, new float[][] {x, new float[out], gy, new float[in]}, (b, buf) -> {
        b.upsampleNearest(n, ch, h, w, f, buf[0], buf[1]);
        b.upsampleNearestBackward(n, ch, h, w, f, buf[2], buf[3]);
      });
      Compare.bitwise("upsample " + java.util.Arrays.toString(c), t.cpu[1], t.gpu[1]);
      float[] bound = new float[in];
      java.util.Arrays.fill(bound, f * f);
      Compare.summed("upsample backward " + java.util.Arrays.toString(c), t.cpu[3], bound, t.gpu[3], Compare.ELEMENTWISE);
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void embeddingGatherAndScatterAddWithRepeatedRows(CudaBackend be) {
    SplittableRandom rng = new SplittableRandom(31);
    int rows = 10, dim = 7;
    int[] idx = {3, 0, 9, 3, 3, 5, 9};
    float[] weight = Compare.uniform(rng, rows * dim, -1, 1), g = Compare.uniform(rng, idx.length * dim, -1, 1);
    float[] gw = Compare.uniform(rng, rows * dim, -1, 1);   // scatter-add accumulates into this
    Twin t = Twin.run(be, new float[][] {weight, new float[idx.length * dim], g, gw}, (b, buf) -> {
      b.embeddingGather(buf[0], dim, idx, buf[1]);
      b.embeddingScatterAdd(buf[2], dim, idx, buf[3]);
    });
    Compare.bitwise("embedding gather", t.cpu[1], t.gpu[1]);
    float[] bound = new float[rows * dim];
    java.util.Arrays.fill(bound, 4f);
    Compare.summed("embedding scatter-add", t.cpu[3], bound, t.gpu[3], Compare.ELEMENTWISE);
    try (Buffer w = be.allocate(rows * dim); Buffer out = be.allocate(dim)) {
      assertThrows(IllegalArgumentException.class, () -> be.embeddingGather(w, dim, new int[] {rows}, out));
      assertThrows(IllegalArgumentException.class, () -> be.embeddingGather(w, dim, new int[] {-1}, out));
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void philoxStreamsEqualTheCpuBackend(CudaBackend be) {
    for (int n : new int[] {1, 3, 17, 1030}) {
      for (long offset : new long[] {0, 5, (1L << 32) + 3}) {
        float[][] none = {new float[n], new float[n], new float[n]};
        Twin t = Twin.run(be, none, (b, buf) -> {
          b.random(Distribution.UNIFORM, 42, offset, -1.5f, 2.25f, buf[0], n);
          b.random(Distribution.BERNOULLI, -7, offset, 0.3f, 0f, buf[1], n);
          b.random(Distribution.NORMAL, 1234567890123L, offset, 0.5f, 2f, buf[2], n);
        });
        Compare.bitwise("uniform n=" + n + " offset=" + offset, t.cpu[0], t.gpu[0]);
        Compare.bitwise("bernoulli n=" + n + " offset=" + offset, t.cpu[1], t.gpu[1]);
        Compare.elementwise("normal n=" + n + " offset=" + offset, t.cpu[2], t.gpu[2], 1e-6);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void sgdWithMomentumNesterovAndWeightDecay(CudaBackend be) {
    SplittableRandom rng = new SplittableRandom(32);
    int n = 131;
    for (boolean nesterov : new boolean[] {false, true}) {
      float[] p = Compare.uniform(rng, n, -1, 1), g = Compare.uniform(rng, n, -1, 1), v = Compare.uniform(rng, n, -1, 1);
      Twin t = Twin.run(be, new float[][] {p, g, v}, (b, buf) -> {
        for (int step = 0; step < 3; step++) b.sgdUpdate(buf[0], buf[1], buf[2], n, 0.1f, 0.9f, 0.1f, 1e-2f, nesterov);
      });
      Compare.elementwise("sgd p nesterov=" + nesterov, t.cpu[0], t.gpu[0], Compare.ELEMENTWISE);
      Compare.elementwise("sgd v nesterov=" + nesterov, t.cpu[2], t.gpu[2], Compare.ELEMENTWISE);
    }
    float[] p = Compare.uniform(rng, n, -1, 1), g = Compare.uniform(rng, n, -1, 1);
    Twin t = Twin.run(be, new float[][] {p, g, new float[n]}, (b, buf) -> b.sgdUpdate(buf[0], buf[1], buf[2], n, 0.1f,
        0f, 0f, 0f, false));
    Compare.elementwise("plain sgd", t.cpu[0], t.gpu[0], Compare.ELEMENTWISE);
  }

  @ParameterizedTest
  @MethodSource("backends")
  void adamOverSeveralSteps(CudaBackend be) {
    SplittableRandom rng = new SplittableRandom(33);
    int n = 257;
    float[] p = Compare.uniform(rng, n, -1, 1), g = Compare.uniform(rng, n, -1, 1);
    Twin t = Twin.run(be, new float[][] {p, g, new float[n], new float[n]}, (b, buf) -> {
      for (int step = 1; step <= 7; step++) b.adamUpdate(buf[0], buf[1], buf[2], buf[3], n, 2e-4f, 0.5f, 0.999f, 1e-8f,
          step == 7 ? 1e-2f : 0f, step);
    });
    Compare.elementwise("adam p", t.cpu[0], t.gpu[0], Compare.ELEMENTWISE);
    Compare.elementwise("adam m", t.cpu[2], t.gpu[2], Compare.ELEMENTWISE);
    Compare.elementwise("adam v", t.cpu[3], t.gpu[3], Compare.ELEMENTWISE);
  }
}
