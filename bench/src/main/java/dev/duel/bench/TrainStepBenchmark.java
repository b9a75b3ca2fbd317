package dev.duel.bench;

import dev.duel.engine.Devices;
import dev.duel.gan.train.ReferenceStep;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full GAN training step (D update on real + fake, then G update; DESIGN.md "Reference models"),
 * the figure compared with PyTorch CPU in ../shared/ANCHORS.md. Real Fashion-MNIST batches, Adam 2e-4
 * (0.5, 0.999), DCGAN init for dcgan28. images/s = batch / (ms/step) · 1000.
 *
 * <p>How to run: {@code java -jar bench/target/duel-bench.jar TrainStepBenchmark -p model=mlp -p batch=64}
 * (device: {@code -p device=cuda} on a GPU machine; the run synchronises before each timing ends because
 * ReferenceStep reads the losses back to the host).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-XX:+UseParallelGC", "-Xmx4g"})
public class TrainStepBenchmark {
  @Param({"mlp:64", "mlp:256", "dcgan28:64", "dcgan28:128", "cgan-mlp:64", "pix2pix:64"})
  public String config;

  @Param({"cpu"})
  public String device;

  private StepRunner runner;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    runner = new StepRunner(config, Devices.get(device));
  }

  @Benchmark
  public ReferenceStep.Stats step() {
    return runner.step();
  }
}
