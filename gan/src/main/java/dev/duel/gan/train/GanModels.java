package dev.duel.gan.train;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.gan.models.CganMlp;
import dev.duel.gan.models.Dcgan28;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.gan.models.GeneratorNet;
import dev.duel.gan.models.KerasDcgan;
import dev.duel.gan.models.Mlp;
import dev.duel.nn.Init;
import dev.duel.nn.Linear;
import dev.duel.nn.Module;

/**
 * Builds the G and D that a config names, initialised as in DESIGN.md's benchmark step (DCGAN init
 * N(0, 0.02) for every linear and conv weight, N(1, 0.02) for batch-norm scales; keras-dcgan with
 * Keras's Glorot-uniform defaults), all draws from one
 * Philox stream so the same seed gives the same models on every device.
 */
public final class GanModels {
  private GanModels() {}

  /** A generator of the config's architecture, DCGAN-initialised from {@code rng}. */
  public static GeneratorNet generator(TrainConfig c, Backend b, Generator rng) {
    int w = c.resolvedWidth();
    GeneratorNet g = switch (c.model) {
      case "mlp" -> new Mlp.G(b, rng, c.latent, w);
      case "dcgan28" -> new Dcgan28.G(b, rng, c.latent, w);
      case "cgan-mlp" -> new CganMlp.G(b, rng, c.latent, w);
      case "pix2pix" -> throw notFromNoise();
      case "keras-dcgan" -> new KerasDcgan.G(b, rng, c.latent, w);
      default -> throw new IllegalArgumentException("unknown model '" + c.model + "'; choose one of " + TrainConfig.MODELS);
    };
    initialise(c, g, rng);
    return g;
  }

  /**
   * A discriminator of the config's architecture (spectrally normalised with --spectral-norm, its
   * normalisation from --d-norm, with --minibatch-stddev), DCGAN-initialised.
   */
  public static DiscriminatorNet discriminator(TrainConfig c, Backend b, Generator rng) {
    int w = c.resolvedWidth();
    DiscriminatorNet d = switch (c.model) {
      case "mlp" -> spectral(new Mlp.D(b, rng, w, c.minibatchStddev), c.spectralNorm, rng);
      case "dcgan28" -> new Dcgan28.D(b, rng, w, c.spectralNorm, c.resolvedDNorm(), c.minibatchStddev);
      case "cgan-mlp" -> spectral(new CganMlp.D(b, rng, w), c.spectralNorm, rng);
      case "pix2pix" -> throw notFromNoise();
      // dropout masks come from rng until the trainer points them at its train stream (Dropout.drawFrom)
      case "keras-dcgan" -> new KerasDcgan.D(b, rng, w, c.spectralNorm, c.resolvedDNorm(), rng);
      default -> throw new IllegalArgumentException("unknown model '" + c.model + "'; choose one of " + TrainConfig.MODELS);
    };
    initialise(c, d, rng);
    return d;
  }

  /** keras-dcgan starts from Keras's defaults (Glorot uniform), the seed's; the others from DCGAN's N(0, 0.02). */
  private static void initialise(TrainConfig c, Module m, Generator rng) {
    if (c.model.equals("keras-dcgan")) Init.glorotUniform(m, rng);
    else Init.dcgan(m, rng);
  }

  /**
   * The generator saved in a checkpoint: {@code file} is "g.safetensors" or "g_ema.safetensors"; the
   * architecture comes from the checkpoint's config. Returned in eval mode.
   */
  public static GeneratorNet generatorFrom(Checkpoints.Checkpoint c, String file, Backend b) throws java.io.IOException {
    if (!c.has(file)) {
      throw new java.nio.file.NoSuchFileException(c.folder().resolve(file).toString(), null,
          file.equals("g_ema.safetensors") ? "the run kept no G-EMA (train with --ema-decay 0.999)" : "not in the checkpoint");
    }
    TrainConfig cfg = new TrainConfig().with(c.config(), c.folder().resolve(Checkpoints.STATE).toString()).validate();
    GeneratorNet g = generator(cfg, b, new Generator(RunStreams.init(cfg.seed)));
    StateMaps.load(g.stateDict(), c.tensors(file), c.folder().resolve(file));
    g.eval();
    return g;
  }

  /** pix2pix's G maps an image to an image: its models come from {@link TranslationModels}. */
  private static IllegalArgumentException notFromNoise() {
    return new IllegalArgumentException("pix2pix translates an input image (duel translate; TranslationModels), it does not"
        + " generate from noise");
  }

  /** The MLP discriminators take no spectral-norm flag: every Linear is normalised after construction. */
  private static DiscriminatorNet spectral(DiscriminatorNet d, boolean on, Generator rng) {
    if (on) {
      for (Module m : d.modules()) if (m instanceof Linear l) l.spectralNorm(rng);
    }
    return d;
  }
}
