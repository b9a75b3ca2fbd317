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
import dev.duel.gan.data.TaskPairs;
import dev.duel.gan.models.PatchGan;
import dev.duel.gan.models.UNet;
import dev.duel.gan.train.Pix2PixStep;
import dev.duel.gan.train.ReferenceStep;
import dev.duel.gan.train.TrainConfig;
import dev.duel.gan.train.TranslationData;
import dev.duel.gan.train.TranslationModels;
import dev.duel.nn.Init;
import java.util.Arrays;

/**
 * One benchmark model (DESIGN.md "Reference models") and its training step on real Fashion-MNIST
 * batches, taken in order: what {@link TrainStepBenchmark} times and {@link StepProfile} profiles.
 * Config "model:batch", e.g. "dcgan28:64"; models mlp, cgan-mlp, dcgan28, and pix2pix: the U-Net and
 * PatchGAN of {@code duel train --model pix2pix} at their default width 32 on edges → Fashion-MNIST pairs
 * ({@link Pix2PixStep}; the Sobel edges of each batch are computed inside the timed step, about 0.1% of it).
 */
public final class StepRunner {
  private final ReferenceStep step;          // null for pix2pix
  private final Pix2PixStep pix2pix;         // null for the GANs
  private final TaskPairs pairs;             // pix2pix's edges → image pairs
  private final ImageDataset data;
  private final Backend backend;
  private final int batch;
  private final boolean conditional;
  private final float[] images, inputs;
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
    data = FashionMnist.load(dataDir, ImageDataset.Split.TRAIN);
    images = new float[batch * 784];
    labels = new int[batch];
    if (model.equals("pix2pix")) {
      TrainConfig c = new TrainConfig();
      c.model = "pix2pix";
      TranslationModels.PairShape shape = new TranslationModels.PairShape(1, 1, 28, 28);
      UNet g = TranslationModels.generator(c, shape, backend, rng, rng);
      PatchGan d = TranslationModels.discriminator(c, shape, backend, rng);
      pix2pix = new Pix2PixStep(g, d);
      pairs = new TaskPairs(data, "edges", TranslationData.params(c), "Fashion-MNIST train");
      step = null;
      conditional = false;
      inputs = new float[batch * 784];
      return;
    }
    pix2pix = null;
    pairs = null;
    inputs = null;
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
      default -> throw new IllegalArgumentException("unknown model " + model + ": use mlp, cgan-mlp, dcgan28 or pix2pix");
    }
    conditional = model.equals("cgan-mlp");
    step = new ReferenceStep(g, d, rng, backend);
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
    if (pix2pix != null) {
      pairs.gather(idx, batch, 0L, inputs, images);                  // x: edges, y: the images
      try (Tensor x = Tensor.of(backend, inputs, batch, 1, 28, 28); Tensor y = Tensor.of(backend, images, batch, 1, 28, 28)) {
        return pix2pix.step(x, y);
      }
    }
    data.gather(idx, batch, images, labels);
    try (Tensor real = Tensor.of(backend, Arrays.copyOf(images, batch * 784), batch, 1, 28, 28)) {
      return step.step(real, conditional ? Arrays.copyOf(labels, batch) : null);
    }
  }
}
