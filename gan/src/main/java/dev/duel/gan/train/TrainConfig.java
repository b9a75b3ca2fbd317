package dev.duel.gan.train;

import dev.duel.nn.state.Json;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Everything that defines a training run. One source of truth for three readers: the command line
 * ({@code duel train --lr-d 4e-4}, through the picocli annotations), config files
 * ({@code --config run.json}: {"lr-d": 4e-4}) and checkpoints (the state.json "config" object). A key's
 * name is the long option's name without the dashes.
 *
 * <p>Defaults are the benchmark step of DESIGN.md (non-saturating BCE, Adam 2e-4, betas (0.5, 0.999),
 * one D step per G step, no stabiliser) on dcgan28 and the shipped Fashion-MNIST.
 */
public final class TrainConfig {
  public static final List<String> MODELS = List.of("mlp", "dcgan28", "cgan-mlp");
  public static final List<String> DEVICES = List.of("cpu", "cuda", "cuda-emu");
  /** Options a resumed run may change: they do not alter the numbers it computes. */
  public static final Set<String> CHANGEABLE_ON_RESUME =
      Set.of("epochs", "device", "sample-every", "checkpoint-every", "keep-checkpoints", "out", "name", "fid-every", "fid-samples");
  /** The default of --fid-samples: the sample count of {@code duel eval} and of docs/evaluation.md's tables. */
  public static final int DEFAULT_FID_SAMPLES = 10_000;

  // ---- model ----------------------------------------------------------------------------------
  @Option(names = "--model", paramLabel = "NAME", description = "mlp, dcgan28 or cgan-mlp (default: ${DEFAULT-VALUE})")
  public String model = "dcgan28";

  @Option(names = "--latent", paramLabel = "N", description = "size of the noise vector z (default: ${DEFAULT-VALUE})")
  public int latent = 100;

  @Option(names = "--width", paramLabel = "N",
      description = "model width w; 0 = the model's own (128 for mlp and cgan-mlp, 64 for dcgan28)")
  public int width = 0;

  // ---- objective and stabilisers -------------------------------------------------------------
  @Option(names = "--loss", paramLabel = "NAME", description = "GAN objective (default: ${DEFAULT-VALUE})")
  public String loss = "non-saturating";

  @Option(names = "--label-smoothing", paramLabel = "S",
      description = "one-sided label smoothing: D's target for real images is 1 - S (default: 0 = off; 0.1 is usual)")
  public float labelSmoothing = 0f;

  @Option(names = "--instance-noise", paramLabel = "SIGMA",
      description = "instance noise: N(0, sigma^2) added to every image D sees, sigma annealed linearly to 0 (default: 0 = off)")
  public float instanceNoise = 0f;

  @Option(names = "--feature-matching", description = "G matches the mean of D's last hidden features instead of fooling D")
  public boolean featureMatching = false;

  @Option(names = "--spectral-norm", description = "spectral normalisation of every weight of D")
  public boolean spectralNorm = false;

  @Option(names = "--r1", paramLabel = "GAMMA", description = "R1 penalty weight (gamma/2 * ||grad D(x)||^2 on real images; default: 0 = off)")
  public float r1 = 0f;

  @Option(names = "--gp", paramLabel = "LAMBDA", description = "weight of the gradient penalty of --loss wgan-gp (default: ${DEFAULT-VALUE})")
  public float gp = 10f;

  @Option(names = "--clip", paramLabel = "C", description = "--loss wgan clips D's weights to [-C, C] after each D step (default: ${DEFAULT-VALUE})")
  public float clip = 0.01f;

  @Option(names = "--d-steps", paramLabel = "K", description = "D steps per G step, k of Algorithm 1 (default: ${DEFAULT-VALUE})")
  public int dSteps = 1;

  // ---- optimisers -----------------------------------------------------------------------------
  @Option(names = "--lr-g", paramLabel = "LR", description = "G's Adam learning rate (default: ${DEFAULT-VALUE})")
  public float lrG = 2e-4f;

  @Option(names = "--lr-d", paramLabel = "LR", description = "D's Adam learning rate; differing from --lr-g is TTUR (default: ${DEFAULT-VALUE})")
  public float lrD = 2e-4f;

  @Option(names = "--beta1", paramLabel = "B", description = "Adam beta1 for both (default: ${DEFAULT-VALUE})")
  public float beta1 = 0.5f;

  @Option(names = "--beta2", paramLabel = "B", description = "Adam beta2 for both (default: ${DEFAULT-VALUE})")
  public float beta2 = 0.999f;

  @Option(names = "--ema-decay", paramLabel = "BETA",
      description = "keep an exponential moving average of G's weights (G-EMA) with this decay; 0 = off, 0.999 is usual")
  public float emaDecay = 0f;

  // ---- schedule and data ----------------------------------------------------------------------
  @Option(names = "--epochs", paramLabel = "N", description = "passes over the data (default: ${DEFAULT-VALUE})")
  public int epochs = 5;

  @Option(names = "--batch", paramLabel = "N", description = "images per batch (default: ${DEFAULT-VALUE})")
  public int batch = 64;

  @Option(names = "--seed", paramLabel = "N", description = "seed of every random stream of the run (default: ${DEFAULT-VALUE})")
  public long seed = 1;

  @Option(names = "--device", paramLabel = "NAME", description = "cpu, cuda or cuda-emu (default: ${DEFAULT-VALUE})")
  public String device = "cpu";

  @Option(names = "--data", paramLabel = "FOLDER",
      description = "an MNIST-format folder (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz]); default: the shipped Fashion-MNIST")
  public String data = "";

  @Option(names = "--limit", paramLabel = "N",
      description = "at most N steps per epoch, for dry runs and tests (default: 0 = the whole data set)")
  public int limit = 0;

  // ---- outputs --------------------------------------------------------------------------------
  @Option(names = "--out", paramLabel = "FOLDER", description = "where runs are kept (default: ${DEFAULT-VALUE})")
  public String out = "runs";

  @Option(names = "--name", paramLabel = "NAME",
      description = "the run's folder under --out (default: the model's name, numbered -2, -3, ... when taken)")
  public String name = "";

  @Option(names = "--sample-every", paramLabel = "STEPS",
      description = "also write a sample grid every STEPS steps (default: 0 = at each epoch's end only)")
  public int sampleEvery = 0;

  @Option(names = "--checkpoint-every", paramLabel = "STEPS",
      description = "also write a checkpoint every STEPS steps (one is always written at each epoch's end; default: ${DEFAULT-VALUE})")
  public int checkpointEvery = 500;

  @Option(names = "--keep-checkpoints", paramLabel = "N", description = "keep the newest N checkpoints (default: ${DEFAULT-VALUE})")
  public int keepCheckpoints = 3;

  // ---- evaluation during training --------------------------------------------------------------
  @Option(names = "--fid-every", paramLabel = "EPOCHS",
      description = "score FID every EPOCHS epochs (and after the last one) into metrics.jsonl; needs the data folder's test split (default: 0 = off)")
  public int fidEvery = 0;

  @Option(names = "--fid-samples", paramLabel = "N", description = "images generated for each --fid-every score (default: ${DEFAULT-VALUE})")
  public int fidSamples = DEFAULT_FID_SAMPLES;

  // ---- derived values -------------------------------------------------------------------------

  /** The model width after resolving 0 to the model's default. */
  public int resolvedWidth() {
    return width > 0 ? width : model.equals("dcgan28") ? 64 : 128;
  }

  public boolean conditional() {
    return model.equals("cgan-mlp");
  }

  /** D's target for real images: 1 − label smoothing. */
  public float realTarget() {
    return 1f - labelSmoothing;
  }

  // ---- checks ---------------------------------------------------------------------------------

  /**
   * Refuses values that cannot make a run, naming the option and the fix. The loss name is checked
   * by {@link Objectives}; a data folder by the loader.
   */
  public TrainConfig validate() {
    List<String> bad = new ArrayList<>();
    if (!MODELS.contains(model)) bad.add("--model '" + model + "' is not a model; choose one of " + String.join(", ", MODELS));
    if (!DEVICES.contains(device)) bad.add("--device '" + device + "' is not a device; choose one of " + String.join(", ", DEVICES));
    range(bad, "latent", latent, 1, 4096);
    range(bad, "width", width, 0, 4096);
    range(bad, "d-steps", dSteps, 1, 100);
    range(bad, "epochs", epochs, 1, 1_000_000);
    range(bad, "batch", batch, 1, 65536);
    range(bad, "limit", limit, 0, Integer.MAX_VALUE);
    range(bad, "sample-every", sampleEvery, 0, Integer.MAX_VALUE);
    range(bad, "checkpoint-every", checkpointEvery, 0, Integer.MAX_VALUE);
    range(bad, "keep-checkpoints", keepCheckpoints, 1, 1_000_000);
    range(bad, "fid-every", fidEvery, 0, 1_000_000);
    range(bad, "fid-samples", fidSamples, 2, 100_000);    // a Gaussian fit needs 2; 100k images are 314 MB of floats
    if (!(labelSmoothing >= 0f && labelSmoothing < 0.5f)) bad.add("--label-smoothing must be in [0, 0.5), got " + labelSmoothing);
    nonNegative(bad, "instance-noise", instanceNoise);
    nonNegative(bad, "r1", r1);
    nonNegative(bad, "gp", gp);
    nonNegative(bad, "clip", clip);
    if (!(lrG > 0f && Float.isFinite(lrG))) bad.add("--lr-g must be a positive number, got " + lrG);
    if (!(lrD > 0f && Float.isFinite(lrD))) bad.add("--lr-d must be a positive number, got " + lrD);
    if (!(beta1 >= 0f && beta1 < 1f)) bad.add("--beta1 must be in [0, 1), got " + beta1);
    if (!(beta2 >= 0f && beta2 < 1f)) bad.add("--beta2 must be in [0, 1), got " + beta2);
    if (!(emaDecay >= 0f && emaDecay < 1f)) bad.add("--ema-decay must be in [0, 1) (0 = off), got " + emaDecay);
    if (out.isBlank()) bad.add("--out must name a folder");
    if (!name.isEmpty() && (name.contains("/") || name.contains("\\") || name.startsWith(".")))
      bad.add("--name '" + name + "' must be a plain folder name (no '/', not starting with '.')");
    if (!bad.isEmpty()) throw new IllegalArgumentException(String.join("; ", bad));
    return this;
  }

  private static void range(List<String> bad, String key, long v, long lo, long hi) {
    if (v < lo || v > hi) bad.add("--" + key + " must be in [" + lo + ", " + hi + "], got " + v);
  }

  private static void nonNegative(List<String> bad, String key, float v) {
    if (!(v >= 0f && Float.isFinite(v))) bad.add("--" + key + " must be a number >= 0, got " + v);
  }

  /**
   * The options that differ from {@code saved} and may not change when resuming it, as readable
   * sentences ("--lr-d is 0.001 here but 2.0E-4 in the run"); empty when this config may resume it.
   */
  public List<String> differencesFrom(TrainConfig saved) {
    List<String> out = new ArrayList<>();
    Map<String, Object> mine = toJson(), theirs = saved.toJson();
    for (Map.Entry<String, Object> e : mine.entrySet()) {
      String k = e.getKey();
      if (CHANGEABLE_ON_RESUME.contains(k)) continue;
      Object v = k.equals("width") ? (Object) resolvedWidth() : e.getValue();
      Object w = k.equals("width") ? (Object) saved.resolvedWidth() : theirs.get(k);
      if (!v.equals(w)) out.add("--" + k + " is " + v + " here but " + w + " in the run");
    }
    return out;
  }

  // ---- JSON -----------------------------------------------------------------------------------

  /** The options by key ("lr-d" → 2.0E-4), in declaration order: what config files and state.json hold. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Field f : optionFields()) {
      try {
        m.put(key(f), f.get(this));
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    return m;
  }

  /** A copy of this config with {@code values} (key → JSON value) applied; {@code source} names them in errors. */
  public TrainConfig with(Map<String, Object> values, String source) {
    TrainConfig c = copy();
    Map<String, Field> byKey = new LinkedHashMap<>();
    for (Field f : optionFields()) byKey.put(key(f), f);
    for (Map.Entry<String, Object> e : values.entrySet()) {
      Field f = byKey.get(e.getKey());
      if (f == null) {
        throw new IllegalArgumentException(source + ": unknown option '" + e.getKey() + "' (known: "
            + String.join(", ", byKey.keySet()) + ")");
      }
      c.set(f, e.getValue(), source);
    }
    return c;
  }

  /** Parses a config file's text (a JSON object of options). */
  public static TrainConfig fromJson(String text, String source) {
    Map<String, Object> m;
    try {
      m = Json.parseObject(text);
    } catch (Json.JsonException e) {
      throw new IllegalArgumentException(source + ": not a JSON object of options: " + e.getMessage(), e);
    }
    return new TrainConfig().with(m, source);
  }

  public TrainConfig copy() {
    return new TrainConfig().withFieldsOf(this);
  }

  private TrainConfig withFieldsOf(TrainConfig o) {
    try {
      for (Field f : optionFields()) f.set(this, f.get(o));
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
    return this;
  }

  /** The value of option {@code key} (as in {@link #toJson()}), or null when there is no such option. */
  public Object get(String key) {
    return toJson().get(key);
  }

  private void set(Field f, Object v, String source) {
    String k = key(f);
    Class<?> t = f.getType();
    try {
      if (t == String.class && v instanceof String s) f.set(this, s);
      else if (t == boolean.class && v instanceof Boolean b) f.set(this, b);
      else if (t == float.class && v instanceof Number n) {
        float x = n.floatValue();
        if (!Float.isFinite(x)) throw new IllegalArgumentException(source + ": '" + k + "' = " + v + " is not a finite float");
        f.set(this, x);
      } else if ((t == int.class || t == long.class) && v instanceof Number n) {
        if (!(n instanceof Long) && !(n instanceof Integer))
          throw new IllegalArgumentException(source + ": '" + k + "' must be a whole number, got " + v);
        long x = n.longValue();
        if (t == int.class) {
          if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE)
            throw new IllegalArgumentException(source + ": '" + k + "' = " + v + " does not fit an int");
          f.set(this, (int) x);
        } else {
          f.set(this, x);
        }
      } else {
        throw new IllegalArgumentException(source + ": '" + k + "' must be " + typeName(t) + ", got " + Json.typeName(v)
            + " " + Json.write(v));
      }
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String typeName(Class<?> t) {
    return t == String.class ? "a string" : t == boolean.class ? "true or false" : t == float.class ? "a number" : "a whole number";
  }

  /** "--lr-d" → "lr-d". */
  static String key(Field f) {
    return f.getAnnotation(Option.class).names()[0].substring(2);
  }

  static List<Field> optionFields() {
    List<Field> out = new ArrayList<>();
    for (Field f : TrainConfig.class.getDeclaredFields()) {
      if (!Modifier.isStatic(f.getModifiers()) && f.isAnnotationPresent(Option.class)) out.add(f);
    }
    return out;
  }

  @Override
  public String toString() {
    return Json.write(toJson());
  }
}
