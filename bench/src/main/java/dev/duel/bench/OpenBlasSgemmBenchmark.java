package dev.duel.bench;

import dev.ludovic.netlib.blas.NativeBLAS;
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
 * The peer: the system's OpenBLAS SGEMM (Debian's libopenblas0-pthread, all cores) through
 * dev.ludovic.netlib's JNI binding, on the same square row-major problem as {@link SgemmCpuBenchmark}
 * (row-major C = A·B is column-major Cᵀ = Bᵀ·Aᵀ, so B and A are passed swapped).
 *
 * <p>FLOPs per call: 2·n³. Fails at setup, rather than measuring a Java fallback, when the native
 * library cannot be loaded: install it with {@code apt-get install -y libopenblas0-pthread}.
 *
 * <p>How to run: see {@link SgemmCpuBenchmark}; both in one run give the ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class OpenBlasSgemmBenchmark {
  @Param({"128", "256", "512", "1024", "2048"})
  public int n;

  private float[] a, b, c;
  private NativeBLAS blas;

  @Setup
  public void setup() {
    blas = NativeBLAS.getInstance(); // throws when libblas.so.3 cannot be loaded
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
    blas.sgemm("N", "N", n, n, n, 1f, b, n, a, n, 0f, c, n);
    return c;
  }
}
