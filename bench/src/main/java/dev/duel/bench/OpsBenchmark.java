package dev.duel.bench;

import dev.duel.engine.Backend;
import dev.duel.engine.BinaryOp;
import dev.duel.engine.Buffer;
import dev.duel.engine.ConvShape;
import dev.duel.engine.Devices;
import dev.duel.engine.Distribution;
import dev.duel.engine.ReduceOp;
import dev.duel.engine.UnaryOp;
import dev.duel.engine.cuda.CudaBackends;
import dev.duel.engine.cuda.CudaOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One Backend op per benchmark at the dcgan28 shapes (batch 64, width 64; DESIGN.md), on each device:
 * {@code cpu}, {@code cuda} (cuBLAS and cuDNN where they load) and {@code cuda:kernels} (the same GPU,
 * every op on Duel's own kernels: the SGEMM, im2col + GEMM, the batchnorm kernels), so the library and
 * fallback paths are measured side by side. Every GPU benchmark synchronises before it returns, so the
 * time is the device's, not the launch's. The bytes and FLOPs of each, and the H100 roofline time, are
 * in docs/gpu-roofline.md: GB/s = bytes / time, GFLOP/s = FLOPs / time.
 *
 * <p>How to run: {@code java -jar bench/target/duel-bench.jar OpsBenchmark -p device=cuda,cuda:kernels}
 * (on a machine without a GPU: {@code -p device=cpu}; {@code cuda-emu} runs too, but its times measure
 * the CPU emulation, not a GPU).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx4g"})
public class OpsBenchmark {
  @Param({"cpu", "cuda", "cuda:kernels"})
  public String device;

  static final int N = 64, W = 64;
  /** D's Conv2d(64, 128, 4, 2, 1) on 14×14; its backward-data is G's ConvTranspose2d(128, 64, 4, 2, 1). */
  static final ConvShape CONV2 = new ConvShape(N, W, 14, 14, 2 * W, 4, 4, 2, 2, 1, 1);
  /** D's Conv2d(1, 64, 4, 2, 1) on 28×28; its backward-data is G's last ConvTranspose2d(64, 1, 4, 2, 1). */
  static final ConvShape CONV1 = new ConvShape(N, 1, 28, 28, W, 4, 4, 2, 2, 1, 1);
  static final int LINEAR_OUT = 2 * W * 49;           // G's Linear(100, 6272)
  static final int ACT = N * W * 14 * 14;             // 802,816 activations after D's first conv
  static final int G_PARAMS = 778_305;                // dcgan28 G's parameter count (Adam's n)

  private Backend be;
  private final List<Buffer> buffers = new ArrayList<>();
  private Buffer z, wLinear, hLinear, x2, w2, y2, x1, w1, y1, act, actOut, gAct, bias, bnGamma, bnBeta, bnMean,
      bnInvStd, bnVar, bnY, p, g, m, v, sum;

  @Setup(Level.Trial)
  public void setUp() {
    be = switch (device) {
      case "cuda:kernels" -> CudaBackends.get("cuda", CudaOptions.kernelsOnly());
      default -> Devices.get(device);
    };
    z = random(N * 100);
    wLinear = random(100 * LINEAR_OUT);
    hLinear = random(N * LINEAR_OUT);
    x2 = random(N * W * 14 * 14);
    w2 = random(2 * W * W * 16);
    y2 = random(N * 2 * W * 49);
    x1 = random(N * 784);
    w1 = random(W * 16);
    y1 = random(N * W * 196);
    act = random(ACT);
    actOut = random(ACT);
    gAct = random(ACT);
    bias = random(W);
    bnGamma = random(2 * W);
    bnBeta = random(2 * W);
    bnMean = random(2 * W);
    bnInvStd = random(2 * W);
    bnVar = random(2 * W);
    bnY = random(N * 2 * W * 49);
    p = random(G_PARAMS);
    g = random(G_PARAMS);
    m = random(G_PARAMS);
    v = random(G_PARAMS);
    be.unary(UnaryOp.ABS, 0f, v, 0, v, G_PARAMS);   // Adam's second moment is non-negative
    sum = random(1);
    be.synchronize();
  }

  private Buffer random(int n) {
    Buffer b = be.allocate(n);
    be.random(Distribution.NORMAL, 42, buffers.size() * 1_000_000L, 0f, 1f, b, n);
    buffers.add(b);
    return b;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    buffers.forEach(Buffer::close);
    buffers.clear();
  }

  /** G's Linear(100, 6272): C (64×6272) = z (64×100) · W (100×6272); 2·64·6272·100 = 80.3 MFLOP. */
  @Benchmark
  public Buffer gemmLinearG() {
    be.gemm(false, false, N, LINEAR_OUT, 100, 1f, z, 0, 100, 0, wLinear, 0, LINEAR_OUT, 0, 0f, hLinear, 0, LINEAR_OUT, 0, 1);
    be.synchronize();
    return hLinear;
  }

  /** D's Conv2d(64, 128): 822 MFLOP. */
  @Benchmark
  public Buffer conv2dForward() {
    be.conv2d(CONV2, x2, w2, y2);
    be.synchronize();
    return y2;
  }

  /** G's ConvTranspose2d(128, 64) = backward-data of D's Conv2d(64, 128): 822 MFLOP. */
  @Benchmark
  public Buffer conv2dBackwardData() {
    be.conv2dBackwardData(CONV2, y2, w2, x2);
    be.synchronize();
    return x2;
  }

  /** D's Conv2d(64, 128) weight gradient: 822 MFLOP. */
  @Benchmark
  public Buffer conv2dBackwardFilter() {
    be.conv2dBackwardFilter(CONV2, x2, y2, w2);
    be.synchronize();
    return w2;
  }

  /** D's Conv2d(1, 64) on the images: 25.7 MFLOP, 3.4 MB. */
  @Benchmark
  public Buffer conv2dFirstLayer() {
    be.conv2d(CONV1, x1, w1, y1);
    be.synchronize();
    return y1;
  }

  /** LeakyReLU over 802,816 activations: 6.4 MB moved. */
  @Benchmark
  public Buffer leakyRelu() {
    be.unary(UnaryOp.LEAKY_RELU, 0.2f, act, 0, actOut, ACT);
    be.synchronize();
    return actOut;
  }

  /** LeakyReLU's fused backward: 9.6 MB moved. */
  @Benchmark
  public Buffer leakyReluBackward() {
    be.unaryBackward(UnaryOp.LEAKY_RELU, 0.2f, act, actOut, gAct, actOut, ACT);
    be.synchronize();
    return actOut;
  }

  /** Per-channel bias broadcast over 64×64×196 (a strided binary): 6.4 MB moved. */
  @Benchmark
  public Buffer broadcastAdd() {
    be.binary(BinaryOp.ADD, new int[] {N, W, 196}, act, 0, new long[] {W * 196L, 196, 1}, bias, 0,
        new long[] {0, 1, 0}, actOut);
    be.synchronize();
    return actOut;
  }

  /** BatchNorm2d(128) training forward on 64×128×7×7. */
  @Benchmark
  public Buffer batchNormForward() {
    be.batchNormForward(N, 2 * W, 49, 1e-5f, y2, bnGamma, bnBeta, bnY, bnMean, bnInvStd, bnVar);
    be.synchronize();
    return bnY;
  }

  /** Σ over the 802,816 activations (one row, two passes on the GPU). */
  @Benchmark
  public Buffer reduceSum() {
    be.reduce(ReduceOp.SUM, act, 0, 1, ACT, 1, sum);
    be.synchronize();
    return sum;
  }

  /** Adam over G's 778,305 parameters: 21.8 MB moved. */
  @Benchmark
  public Buffer adamG() {
    be.adamUpdate(p, g, m, v, G_PARAMS, 2e-4f, 0.5f, 0.999f, 1e-8f, 0f, 10);
    be.synchronize();
    return p;
  }

  /** z ~ N(0, 1), 64×100 Philox normals. */
  @Benchmark
  public Buffer randomNormal() {
    be.random(Distribution.NORMAL, 7, 0, 0f, 1f, z, N * 100);
    be.synchronize();
    return z;
  }
}
