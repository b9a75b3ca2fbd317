package dev.duel.bench;

import dev.ludovic.netlib.blas.NativeBLAS;
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
 * Every GEMM shape of the reference models ({@link GemmShape#REFERENCE}: mlp, cgan-mlp and dcgan28 at
 * batch 64 and 256), Duel's {@code Sgemm} and OpenBLAS (through dev.ludovic.netlib, the system's
 * libblas.so.3) on the same operands, in the same JVM: one benchmark method each, so one JMH run gives
 * both columns. The operands and the column-major mapping are {@link PairedWorker}'s. GemmShapeTest
 * checks that the {@code shape} list below is exactly {@link GemmShape#REFERENCE}.
 *
 * <p>This is the same-JVM, JMH view of issue 17's GEMM table; {@code bench/paired.py gemm reference}
 * is the paired view (separate processes, alternating bursts) that docs/benchmarks.md reports, because
 * the shared machine's slow spells can land on one method's iterations and not the other's here.
 *
 * <p>OpenBLAS is whatever {@code libblas.so.3} the loader finds, with the kernels it picks for the CPU:
 * Debian's 0.3.21 takes a Zen 5 for Haswell (AVX2). Name both, as bench/paired.py does for its peers
 * (docs/benchmarks.md, "Against OpenBLAS's AVX-512 kernels"):
 *
 * <pre>
 * OPENBLAS_CORETYPE=SkylakeX LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \\
 * java --add-modules jdk.incubator.vector -jar bench/target/duel-bench.jar GemmShapeBenchmark \\
 *     -p shape=NN:64x1x256,TN:6272x1x256 -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmShapeBenchmark {
  @Param({
      "NN:256x100x128", "NN:256x128x256", "NN:256x1x256", "NN:256x1x6272", "NN:256x256x1", "NN:256x256x512",
      "NN:256x512x256", "NN:256x512x784", "NN:256x6272x1", "NN:256x784x512", "NN:64x100x128", "NN:64x128x256",
      "NN:64x1x256", "NN:64x1x6272", "NN:64x256x1", "NN:64x256x512", "NN:64x512x256", "NN:64x512x784",
      "NN:64x6272x1", "NN:64x784x512", "NT:256x128x100", "NT:256x256x128", "NT:256x256x512", "NT:256x512x256",
      "NT:256x512x784", "NT:256x6272x100", "NT:256x784x512", "NT:64x128x100", "NT:64x256x128", "NT:64x256x512",
      "NT:64x512x256", "NT:64x512x784", "NT:64x6272x100", "NT:64x784x512", "TN:128x100x256", "TN:128x100x64",
      "TN:256x128x256", "TN:256x128x64", "TN:256x1x256", "TN:256x1x64", "TN:256x512x256", "TN:256x512x64",
      "TN:512x256x256", "TN:512x256x64", "TN:512x784x256", "TN:512x784x64", "TN:6272x100x256", "TN:6272x100x64",
      "TN:6272x1x256", "TN:6272x1x64", "TN:784x512x256", "TN:784x512x64"})
  public String shape;

  private Runnable duel, openBlas;
  private float[][] duelOperands, openBlasOperands;

  @Setup
  public void setup() {
    GemmShape s = GemmShape.parse(shape);
    duelOperands = PairedWorker.operands(s);
    openBlasOperands = PairedWorker.operands(s);
    duel = PairedWorker.duelGemm(s, duelOperands);
    openBlas = PairedWorker.openBlasGemm(s, openBlasOperands); // throws when libblas.so.3 cannot be loaded
  }

  @Benchmark
  public float[] duel() {
    duel.run();
    return duelOperands[2];
  }

  @Benchmark
  public float[] openBlas() {
    openBlas.run();
    return openBlasOperands[2];
  }
}
