package dev.duel.bench;

import dev.duel.engine.cpu.Sgemm;
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
 * Duel's pure-Java SGEMM, C = A·B for square n×n row-major matrices, on all cores (CpuPool).
 *
 * <p>FLOPs per call: 2·n³ (GFLOP/s = 2·n³ / time). Compare with {@link OpenBlasSgemmBenchmark} in the
 * same run and with the machine's FP32 peak (docs/benchmarks.md).
 *
 * <p>How to run: {@code ./mvnw -q -B -pl bench -am package -DskipTests} then
 * {@code java -jar bench/target/duel-bench.jar "SgemmCpuBenchmark|OpenBlasSgemmBenchmark" -f 1}
 * (add {@code -rf json -rff sgemm.json} and run {@code python3 bench/report.py sgemm.json} for GFLOP/s).
 * Warm-up is 5×2 s: the Vector API code is slow until C2 has compiled it. Results: docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SgemmCpuBenchmark {
  @Param({"128", "256", "512", "1024", "2048"})
  public int n;

  private float[] a, b, c;

  @Setup
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(42);
    a = new float[n * n];
    b = new float[n * n];
    c = new float[n * n];
    for (int i = 0; i < n * n; i++) {
      a[i] = (float) rnd.nextDouble(-1, 1);
      b[i] = (float) rnd.nextDouble(-1, 1);
    }
  }

  @Benchmark
  public float[] sgemm() {
    Sgemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
    return c;
  }
}
