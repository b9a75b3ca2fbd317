package dev.duel.bench;

import dev.duel.engine.Backend;
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
import java.util.Arrays;

/**
 * One benchmark model (DESIGN.md "Reference models") and its training step on real Fashion-MNIST
 * batches, taken in order: what {@link TrainStepBenchmark} times and {@link StepProfile} profiles.
 * Config "model:batch", e.g. "dcgan28:64"; models mlp, cgan-mlp, dcgan28.
 */
public final class StepRunner {
  private final ReferenceStep step;
  private final ImageDataset data;
  private final Backend backend;
  private final int batch;
  private final boolean conditional;
  private final float[] images;
  private final int[] labels;
  private int cursor;

  public StepRunner(String config, Backend backend) throws Exception {
    this(config, backend, null);
  }

  /** With the Fashion-MNIST folder {@code dataDir} (null: FashionMnist.locate's search). */
  public StepRunner(String config, Backend backend, java.nio.file.Path dataDir) throws Exception {
    String[] parts = config.split(":");
    if (parts.length != 2) throw new IllegalArgumentException("config '" + config + "': use model:batch, e.g. mlp:64");
    String model = parts[0];
    batch = Integer.parseInt(parts[1]);
    if (batch <= 0) throw new IllegalArgumentException("config '" + config + "': batch must be positive");
    this.backend = backend;
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
      default -> throw new IllegalArgumentException("unknown model " + model + ": use mlp, cgan-mlp or dcgan28");
    }
    conditional = model.equals("cgan-mlp");
    step = new ReferenceStep(g, d, rng, backend);
    data = FashionMnist.load(dataDir, ImageDataset.Split.TRAIN);
    images = new float[batch * 784];
    labels = new int[batch];
  }

  public int batch() {
    return batch;
  }

  /**
   * One D update + one G update on the next batch. Returns after the losses were downloaded
   * ({@code item()}), which waits for the device's queue; a GPU timer still calls
   * {@code backend.synchronize()} after it to be explicit.
   */
  public ReferenceStep.Stats step() {
    int[] idx = new int[batch];
    for (int i = 0; i < batch; i++) idx[i] = (cursor + i) % data.size();
    cursor = (cursor + batch) % data.size();
    data.gather(idx, batch, images, labels);
    try (Tensor real = Tensor.of(backend, Arrays.copyOf(images, batch * 784), batch, 1, 28, 28)) {
      return step.step(real, conditional ? Arrays.copyOf(labels, batch) : null);
    }
  }
}
