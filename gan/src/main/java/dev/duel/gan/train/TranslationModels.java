package dev.duel.gan.train;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.gan.models.PatchGan;
import dev.duel.gan.models.UNet;
import dev.duel.nn.Init;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * pix2pix's G (a {@link UNet}) and D (a {@link PatchGan}) for a config and an image shape, DCGAN-initialised
 * (N(0, 0.02) weights, N(1, 0.02) batch-norm scales, as the paper's code) from the init stream; and the
 * G of a checkpoint, for {@code duel translate} and {@code duel eval}.
 */
public final class TranslationModels {
  /** The key in a checkpoint's state.json that records the pairs' shape. */
  public static final String SHAPE_KEY = "pairs";

  private TranslationModels() {}

  /** The pairs a model is built for: C_in×H×W → C_out×H×W. */
  public record PairShape(int inputChannels, int outputChannels, int height, int width) {
    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("input_channels", inputChannels);
      m.put("output_channels", outputChannels);
      m.put("height", height);
      m.put("width", width);
      return m;
    }

    static PairShape fromJson(Object o, String source) {
      if (o instanceof Map<?, ?> m && m.get("input_channels") instanceof Long ci && m.get("output_channels") instanceof Long co
          && m.get("height") instanceof Long h && m.get("width") instanceof Long w
          && ci >= 1 && ci <= 4 && co >= 1 && co <= 4 && h >= UNet.MIN_SIDE && h <= UNet.MAX_SIDE && w >= UNet.MIN_SIDE && w <= UNet.MAX_SIDE) {
        return new PairShape((int) (long) ci, (int) (long) co, (int) (long) h, (int) (long) w);
      }
      throw new IllegalArgumentException(source + ": \"" + SHAPE_KEY + "\" must give input_channels, output_channels (1…4), height"
          + " and width (" + UNet.MIN_SIDE + "…" + UNet.MAX_SIDE + "), got " + o);
    }
  }

  /** G, with dropout drawing from {@code dropoutRng} (null: a G that never draws, for G-EMA and inference). */
  public static UNet generator(TrainConfig c, PairShape s, Backend b, Generator initRng, Generator dropoutRng) {
    UNet g = new UNet(b, initRng, dropoutRng, s.inputChannels(), s.outputChannels(), s.height(), s.width(), c.resolvedWidth());
    Init.dcgan(g, initRng);
    return g;
  }

  /** D on pairs [x, y]: C_in + C_out channels, its norm from --d-norm, spectrally normalised with --spectral-norm. */
  public static PatchGan discriminator(TrainConfig c, PairShape s, Backend b, Generator initRng) {
    PatchGan d = new PatchGan(b, initRng, s.inputChannels() + s.outputChannels(), s.height(), s.width(), c.resolvedWidth(),
        c.resolvedDNorm(), c.spectralNorm);
    Init.dcgan(d, initRng);
    return d;
  }

  /**
   * The generator saved in a pix2pix checkpoint ({@code file}: "g.safetensors" or "g_ema.safetensors"),
   * built from the checkpoint's config and pair shape, in eval mode (batch norm on its running
   * statistics, no dropout).
   */
  public static UNet generatorFrom(Checkpoints.Checkpoint c, String file, Backend b) throws IOException {
    if (!c.has(file)) {
      throw new NoSuchFileException(c.folder().resolve(file).toString(), null,
          file.equals("g_ema.safetensors") ? "the run kept no G-EMA (train with --ema-decay 0.999)" : "not in the checkpoint");
    }
    String source = c.folder().resolve(Checkpoints.STATE).toString();
    TrainConfig cfg = TrainConfig.fromSaved(c.config(), source).validate();
    if (!cfg.translation()) throw new IllegalArgumentException(source + ": a " + cfg.model + " run, not an image-to-image (pix2pix) one");
    PairShape shape = PairShape.fromJson(c.state().get(SHAPE_KEY), source);
    UNet g = generator(cfg, shape, b, new Generator(RunStreams.init(cfg.seed)), null);
    StateMaps.load(g.stateDict(), c.tensors(file), c.folder().resolve(file));
    g.eval();
    return g;
  }

  /** The shape a checkpoint's G was trained on. */
  public static PairShape shapeOf(Checkpoints.Checkpoint c) {
    return PairShape.fromJson(c.state().get(SHAPE_KEY), c.folder().resolve(Checkpoints.STATE).toString());
  }
}
