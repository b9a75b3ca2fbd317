package dev.duel.bench;

import dev.duel.engine.ConvShape;
import dev.duel.engine.cpu.Conv2dCpu;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The four convolution layers of dcgan28 at batch 64, forward and forward+backward (both gradients),
 * on {@link Conv2dCpu} (all cores). Compare with PyTorch's per-layer times in ANCHORS.md.
 *
 * <pre>
 * layer      what it is                                   as Conv2dCpu calls on s (ConvShape)
 * D_conv1    Conv2d(1,64,4,2,1) 28→14                      s1 = (64,1,28,28, 64,4,4, 2,2,1,1)
 *            forward: forward(s1);  backward: backwardData(s1) + backwardFilter(s1)
 * D_conv2    Conv2d(64,128,4,2,1) 14→7                     s2 = (64,64,14,14, 128,4,4, 2,2,1,1)
 *            forward: forward(s2);  backward: backwardData(s2) + backwardFilter(s2)
 * G_convT1   ConvTranspose2d(128,64,4,2,1) 7→14            forward: backwardData(s2) of the 64×128×7×7 input
 *            backward: forward(s2) of the 64×64×14×14 output gradient (input gradient)
 *                      + backwardFilter(s2, x = output gradient, gy = input) (weight gradient)
 * G_convT2   ConvTranspose2d(64,1,4,2,1) 14→28             the same on s1
 * </pre>
 *
 * <p>FLOPs: each of the three calls is 2·N·K·P·Q·C·R·S = 2·macs: forward = 2·macs, forward+backward =
 * 6·macs. s1: macs = 12,845,056 (25.7 MFLOP per call); s2: macs = 411,041,792 (822 MFLOP per call).
 *
 * <p>How to run: {@code ./mvnw -q -B -pl bench -am package -DskipTests} then
 * {@code java -jar bench/target/duel-bench.jar Conv2dCpuBenchmark -f 1 -rf json -rff conv.json}
 * and {@code python3 bench/report.py conv.json}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class Conv2dCpuBenchmark {
  @Param({"D_conv1", "D_conv2", "G_convT1", "G_convT2"})
  public String layer;

  static final ConvShape S1 = new ConvShape(64, 1, 28, 28, 64, 4, 4, 2, 2, 1, 1);
  static final ConvShape S2 = new ConvShape(64, 64, 14, 14, 128, 4, 4, 2, 2, 1, 1);

  private ConvShape s;
  private boolean transposed;
  /** x-side (N×C×H×W), w, y-side (N×K×P×Q), and their gradients. */
  private float[] x, w, y, gx, gw, gy;

  @Setup
  public void setup() {
    s = switch (layer) {
      case "D_conv1", "G_convT2" -> S1;
      case "D_conv2", "G_convT1" -> S2;
      default -> throw new IllegalArgumentException("unknown layer " + layer);
    };
    transposed = layer.startsWith("G");
    SplittableRandom rnd = new SplittableRandom(7);
    x = random(rnd, s.n() * s.c() * s.h() * s.w());
    w = random(rnd, s.k() * s.c() * s.r() * s.s());
    y = random(rnd, s.n() * s.k() * s.p() * s.q());
    gx = random(rnd, x.length);
    gw = new float[w.length];
    gy = random(rnd, y.length);
  }

  private static float[] random(SplittableRandom rnd, int size) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) v[i] = (float) rnd.nextDouble(-1, 1);
    return v;
  }

  @Benchmark
  public float[] forward() {
    if (transposed) {
      // layer input: y-side (N×K×P×Q); layer output: x-side (N×C×H×W)
      Conv2dCpu.backwardData(s, y, w, x);
      return x;
    }
    Conv2dCpu.forward(s, x, w, y);
    return y;
  }

  @Benchmark
  public float[] forwardBackward() {
    if (transposed) {
      Conv2dCpu.backwardData(s, y, w, x);      // forward: out = convT(in)
      Conv2dCpu.forward(s, gx, w, gy);         // gIn = conv(gOut)
      Conv2dCpu.backwardFilter(s, gx, y, gw);  // gW  = Σ gOut ⊗ in
      return gw;
    }
    Conv2dCpu.forward(s, x, w, y);             // forward
    Conv2dCpu.backwardData(s, gy, w, gx);      // gIn
    Conv2dCpu.backwardFilter(s, x, gy, gw);    // gW
    return gw;
  }
}
