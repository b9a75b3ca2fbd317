package dev.duel.gan.metrics;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.CganMlp;
import dev.duel.gan.models.Dcgan28;
import dev.duel.gan.models.GeneratorNet;
import dev.duel.gan.models.Mlp;
import dev.duel.nn.state.Json;
import dev.duel.nn.state.Safetensors;
import dev.duel.nn.state.StateFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Samples images from a training checkpoint: a folder {@code runs/NAME/checkpoints/step-N} holding the
 * generator's weights {@code g.safetensors} and {@code state.json}, whose {@code "config"} object names
 * the model ({@code "model"}: mlp, dcgan28 or cgan-mlp) and its sizes ({@code "latent"}, {@code "width"}).
 * The generator is rebuilt from that config, loaded strictly (every tensor present with its shape) and
 * run in eval mode (BatchNorm uses its running statistics) on z ~ N(0, I), an n×latent matrix drawn in
 * one go from Philox with the given seed (so the batch size does not change the samples); cgan-mlp gets the labels 0, 1, …, 9, 0, 1, … so the classes are balanced.
 */
public final class CheckpointSampler {
  public static final String WEIGHTS = "g.safetensors", STATE = "state.json";
  private static final Pattern STEP = Pattern.compile("step-(\\d+)");
  private static final int MAX_STATE_CHARS = 16 << 20;

  private CheckpointSampler() {}

  /** The generator's configuration from state.json. */
  public record Config(String model, int latent, int width) {}

  /**
   * The checkpoint folder that {@code path} names: the folder itself when it holds g.safetensors, else
   * the highest step-N under {@code path/checkpoints} (a run folder) or under {@code path}; null when
   * {@code path} is none of these.
   */
  public static Path resolve(Path path) throws IOException {
    if (!Files.isDirectory(path)) return null;
    if (Files.isRegularFile(path.resolve(WEIGHTS))) return path;
    for (Path dir : List.of(path.resolve("checkpoints"), path)) {
      if (!Files.isDirectory(dir)) continue;
      Path best = null;
      long bestStep = -1;
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          Matcher m = STEP.matcher(p.getFileName().toString());
          if (m.matches() && Files.isRegularFile(p.resolve(WEIGHTS))) {
            long step = Long.parseLong(m.group(1));
            if (step > bestStep) { bestStep = step; best = p; }
          }
        }
      } catch (NumberFormatException tooLong) {
        continue;
      }
      if (best != null) return best;
    }
    return null;
  }

  /** Reads {@code "config"} from the checkpoint's state.json. */
  public static Config readConfig(Path checkpoint) throws IOException {
    Path file = checkpoint.resolve(STATE);
    if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "checkpoint has no state.json");
    if (Files.size(file) > MAX_STATE_CHARS) throw new StateFormatException(file, "larger than 16 MiB: not a Duel state.json");
    Map<String, Object> root;
    try {
      root = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (Json.JsonException e) {
      throw new StateFormatException(file, "not valid JSON: " + e.getMessage(), e);
    }
    if (!(root.get("config") instanceof Map<?, ?> config)) throw new StateFormatException(file, "has no \"config\" object");
    if (!(config.get("model") instanceof String model)) throw new StateFormatException(file, "config has no string \"model\"");
    return new Config(model, intField(file, config, "latent", 100), intField(file, config, "width", defaultWidth(model)));
  }

  /** The generator of {@code config}, with freshly initialised weights. */
  public static GeneratorNet build(Config config, Backend backend) {
    Generator rng = new Generator(0);
    return switch (config.model()) {
      case "mlp" -> new Mlp.G(backend, rng, config.latent(), config.width());
      case "dcgan28" -> new Dcgan28.G(backend, rng, config.latent(), config.width());
      case "cgan-mlp" -> new CganMlp.G(backend, rng, config.latent(), config.width());
      default -> throw new IllegalArgumentException("model '" + config.model() + "' cannot be sampled by duel eval "
          + "(it knows mlp, dcgan28 and cgan-mlp); sample it with duel sample and score the IDX file");
    };
  }

  /** The checkpoint's generator, loaded from {@code weightsName} (g.safetensors by default), in eval mode. */
  public static GeneratorNet load(Path checkpoint, String weightsName, Backend backend) throws IOException {
    Config config = readConfig(checkpoint);
    GeneratorNet g = build(config, backend);
    Path weights = checkpoint.resolve(weightsName);
    if (!Files.isRegularFile(weights)) throw new NoSuchFileException(weights.toString(), null, "checkpoint has no generator weights");
    ModuleState.load(g, Safetensors.read(weights).tensors(), weights);
    g.eval();
    return g;
  }

  /** n images from the checkpoint's generator with noise seed {@code seed}. */
  public static ImageSet sample(Path checkpoint, String weightsName, Backend backend, int n, long seed, int batchSize) throws IOException {
    if (n < 1) throw new IllegalArgumentException("--samples must be at least 1, got " + n);
    Config config = readConfig(checkpoint);
    GeneratorNet g = load(checkpoint, weightsName, backend);
    float[] images = new float[n * ImageSet.PIXELS];
    // All the noise in one draw, so the samples do not depend on the batch size.
    int latent = g.latentDim();
    float[] noise;
    try (MemoryScope scope = MemoryScope.open()) {
      noise = new Generator(seed).normal(backend, 0f, 1f, n, latent).toArray();
    }
    boolean conditional = config.model().equals("cgan-mlp");
    for (int start = 0; start < n; start += batchSize) {
      int b = Math.min(batchSize, n - start);
      int[] labels = null;
      if (conditional) {
        labels = new int[b];
        for (int i = 0; i < b; i++) labels[i] = (start + i) % CganMlp.CLASSES;
      }
      try (MemoryScope scope = MemoryScope.open(); GradMode off = GradMode.disabled()) {
        Tensor z = Tensor.of(backend, java.util.Arrays.copyOfRange(noise, start * latent, (start + b) * latent), b, latent);
        float[] x = g.generate(z, labels).toArray();
        if (x.length != b * ImageSet.PIXELS)
          throw new IllegalStateException("the generator made " + x.length + " values for " + b + " images of 28×28");
        for (float v : x) {
          if (!Float.isFinite(v)) throw new ArithmeticException(checkpoint + ": the generator produced NaN/Inf pixels (a diverged checkpoint?)");
        }
        System.arraycopy(x, 0, images, start * ImageSet.PIXELS, x.length);
      }
    }
    List<String> what = new ArrayList<>(List.of(config.model(), "seed " + seed));
    if (!weightsName.equals(WEIGHTS)) what.add(weightsName);
    return new ImageSet(images, n, "checkpoint " + checkpoint + " (" + String.join(", ", what) + ")");
  }

  private static int defaultWidth(String model) {
    return model.equals("dcgan28") ? 64 : 128;
  }

  private static int intField(Path file, Map<?, ?> config, String key, int fallback) throws StateFormatException {
    Object v = config.get(key);
    if (v == null) return fallback;
    if (!(v instanceof Long l) || l < 1 || l > 1 << 16)
      throw new StateFormatException(file, "config \"" + key + "\" must be an integer in [1, 65536], found " + Json.write(v));
    return (int) (long) l;
  }
}
