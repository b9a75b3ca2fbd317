package dev.duel.bench;

import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.gan.data.FashionMnist;
import dev.duel.gan.data.ImageDataset;
import dev.duel.gan.models.CganMlp;
import dev.duel.gan.models.Dcgan28;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.gan.models.GeneratorNet;
import dev.duel.gan.models.Mlp;
import dev.duel.gan.train.ReferenceStep;
import dev.duel.nn.Init;
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
  @Param({"mlp:64", "mlp:256", "dcgan28:64", "dcgan28:128", "cgan-mlp:64"})
  public String config;

  @Param({"cpu"})
  public String device;

  private ReferenceStep step;
  private ImageDataset data;
  private Backend backend;
  private int batch;
  private int cursor;
  private boolean conditional;
  private final float[] images = new float[256 * 784];
  private final int[] labels = new int[256];

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    String[] parts = config.split(":");
    String model = parts[0];
    batch = Integer.parseInt(parts[1]);
    backend = Devices.get(device);
    Generator rng = new Generator(42);
    GeneratorNet g;
    DiscriminatorNet d;
    switch (model) {
      case "mlp" -> { g = new Mlp.G(backend, rng, 100, 128); d = new Mlp.D(backend, rng, 128); }
      case "cgan-mlp" -> { g = new CganMlp.G(backend, rng, 100, 128); d = new CganMlp.D(backend, rng, 128); }
      case "dcgan28" -> {
        g = new Dcgan28.G(backend, rng, 100, 64);
        d = new Dcgan28.D(backend, rng, 64, false);
        Init.dcgan(g, rng);
        Init.dcgan(d, rng);
      }
      default -> throw new IllegalArgumentException("unknown model " + model);
    }
    conditional = model.equals("cgan-mlp");
    step = new ReferenceStep(g, d, rng, backend);
    data = FashionMnist.load(null, ImageDataset.Split.TRAIN);
  }

  @Benchmark
  public ReferenceStep.Stats step() {
    int[] idx = new int[batch];
    for (int i = 0; i < batch; i++) idx[i] = (cursor + i) % data.size();
    cursor = (cursor + batch) % data.size();
    data.gather(idx, batch, images, labels);
    float[] x = java.util.Arrays.copyOf(images, batch * 784);
    try (Tensor real = Tensor.of(backend, x, batch, 1, 28, 28)) {
      return step.step(real, conditional ? java.util.Arrays.copyOf(labels, batch) : null);
    }
  }
}
