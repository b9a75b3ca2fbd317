package dev.duel.gan.train;

import dev.duel.engine.Devices;
import dev.duel.nn.state.Json;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything that defines a training run: a plain class of public fields and its key table
 * ({@link #KEYS}). The keys are the names of config files ({@code --config run.json}: {"lr-d": 4e-4}),
 * of checkpoints' state.json "config" object, and (with two dashes) of {@code duel train}'s options,
 * which the CLI maps onto this class (dev.duel.gan.cli.TrainOptions); this class knows no CLI framework.
 *
 * <p>Defaults are the benchmark step of DESIGN.md (non-saturating BCE, Adam 2e-4, betas (0.5, 0.999),
 * one D step per G step, no stabiliser) on dcgan28 and the shipped Fashion-MNIST.
 */
public final class TrainConfig {
  public static final List<String> MODELS = List.of("mlp", "dcgan28", "cgan-mlp", "keras-dcgan", "pix2pix");
  /** The values of --d-norm. */
  public static final List<String> D_NORMS = List.of("batch", "layer", "none");
  /**
   * Options a resumed run may change: they do not alter the model, the data order or the random streams.
   * The learning rates change the updates from the resumed step on (what a diverged run needs, as its
   * message says); the optimiser's moments and step counts are kept.
   */
  public static final Set<String> CHANGEABLE_ON_RESUME =
      Set.of("epochs", "device", "sample-every", "checkpoint-every", "keep-checkpoints", "out", "name", "fid-every", "fid-samples",
          "lr-g", "lr-d");
  /** The default of --fid-samples: the sample count of {@code duel eval} and of docs/evaluation.md's tables. */
  public static final int DEFAULT_FID_SAMPLES = 10_000;

  /**
   * The key table: every option's key, in the order of config files. A key's field is its camel-case
   * form ("lr-d" → {@code lrD}); the class refuses to load when a key and the fields disagree.
   */
  public static final List<String> KEYS = List.of(
      "model", "latent", "width",
      "loss", "label-smoothing", "instance-noise", "instance-noise-steps", "feature-matching", "spectral-norm", "d-norm",
      "minibatch-stddev", "r1", "gp", "clip", "d-steps",
      "lr-g", "lr-d", "beta1", "beta2", "ema-decay",
      "epochs", "batch", "seed", "device", "data", "limit",
      "task", "edge-threshold", "mask-size", "scale", "noise-std", "l1-weight", "l1-only",
      "out", "name", "sample-every", "checkpoint-every", "keep-checkpoints",
      "fid-every", "fid-samples");
  private static final Map<String, Field> FIELDS = fieldsByKey();

  // Fields: the defaults; what each means is in docs/cli.md and in duel train --help (TrainOptions).
  // ---- model ----------------------------------------------------------------------------------
  public String model = "dcgan28";
  public int latent = 100;
  /** 0 = the model's own width, see {@link #resolvedWidth()}. */
  public int width = 0;

  // ---- objective and stabilisers -------------------------------------------------------------
  public String loss = "non-saturating";
  public float labelSmoothing = 0f;
  public float instanceNoise = 0f;
  /**
   * The horizon T over which instance noise anneals from σ₀ to 0, in steps; 0 = the run's step count,
   * fixed when the run starts and stored in its checkpoints, so a --resume with another --epochs does
   * not move the schedule.
   */
  public long instanceNoiseSteps = 0;
  public boolean featureMatching = false;
  public boolean spectralNorm = false;
  /** D's normalisation: "batch", "layer" or "none"; "" = the default of {@link #resolvedDNorm()}. */
  public String dNorm = "";
  /** Minibatch standard deviation (ProGAN) before D's last layer (mlp, dcgan28). */
  public boolean minibatchStddev = false;
  public float r1 = 0f;
  public float gp = 10f;
  public float clip = 0.01f;
  public int dSteps = 1;

  // ---- optimisers -----------------------------------------------------------------------------
  public float lrG = 2e-4f;
  public float lrD = 2e-4f;
  public float beta1 = 0.5f;
  public float beta2 = 0.999f;
  public float emaDecay = 0f;

  // ---- schedule and data ----------------------------------------------------------------------
  public int epochs = 5;
  public int batch = 64;
  public long seed = 1;
  /** The default device, {@link Devices#defaultName()} (DUEL_DEVICE, else the detected default); --device overrides it. */
  public String device = Devices.defaultName();
  /** "" = the shipped Fashion-MNIST. */
  public String data = "";
  public int limit = 0;

  // ---- image-to-image (pix2pix) ---------------------------------------------------------------
  /** edges, inpaint, superres, denoise (built from --data's images) or folder:PATH (paired PNGs). */
  public String task = "edges";
  public float edgeThreshold = 0.5f;
  public int maskSize = 10;
  public int scale = 2;
  public float noiseStd = 0.4f;
  /** λ of L_G = L_cGAN + λ·‖y − G(x)‖₁. */
  public float l1Weight = 100f;
  /** Train the U-Net on λ·‖y − G(x)‖₁ alone, with no D. */
  public boolean l1Only = false;

  // ---- outputs --------------------------------------------------------------------------------
  public String out = "runs";
  /** "" = the model's name, numbered when taken. */
  public String name = "";
  public int sampleEvery = 0;
  public int checkpointEvery = 500;
  public int keepCheckpoints = 3;

  // ---- evaluation during training --------------------------------------------------------------
  public int fidEvery = 0;
  public int fidSamples = DEFAULT_FID_SAMPLES;

  // ---- derived values -------------------------------------------------------------------------

  /** The model width after resolving 0 to the model's default. */
  public int resolvedWidth() {
    return width > 0 ? width : model.equals("dcgan28") ? 64 : model.equals("pix2pix") ? 32 : 128;
  }

  /** Whether the model's D has a normalisation layer that --d-norm chooses (dcgan28, keras-dcgan). */
  public boolean hasDNorm() {
    return model.equals("dcgan28") || model.equals("keras-dcgan") || model.equals("pix2pix");
  }

  public boolean conditional() {
    return model.equals("cgan-mlp");
  }

  /** Image-to-image: G maps an input image to an output image (pix2pix), trained on pairs. */
  public boolean translation() {
    return model.equals("pix2pix");
  }

  /** The folder of --task folder:PATH, or null for a task built from --data's images. */
  public String taskFolder() {
    return task.startsWith("folder:") ? task.substring("folder:".length()) : null;
  }

  /** Whether L_D carries a gradient penalty on D's input: WGAN-GP's or R1. */
  public boolean penalisesInputGradient() {
    return loss.equals("wgan-gp") || r1 > 0f;
  }

  /**
   * D's normalisation after resolving "" to the default: the MLP discriminators have none; dcgan28's has
   * batch norm (DESIGN.md), except that with a gradient penalty (--loss wgan-gp, --r1) it has layer norm
   * (Gulrajani et al.: batch norm would take the penalty through batch statistics) and with
   * --spectral-norm none (Miyato et al.'s SN-GAN: batch norm after SN undoes its Lipschitz bound).
   */
  public String resolvedDNorm() {
    if (!dNorm.isEmpty()) return dNorm;
    if (!hasDNorm()) return "none";
    return penalisesInputGradient() ? "layer" : spectralNorm ? "none" : "batch";
  }

  /**
   * The papers' optimiser settings for the WGAN losses, for every option not in {@code given} (the keys
   * the user set on the command line or in a config file): --loss wgan, Arjovsky et al.'s RMSProp
   * (lr 5e-5, n_critic 5) as Adam without momentum (β1 0, β2 0.99); --loss wgan-gp, Gulrajani et al.'s
   * Algorithm 1 (lr 1e-4, β1 0, β2 0.9, n_critic 5). Other losses keep the DCGAN settings. Returns this.
   */
  public TrainConfig withLossDefaults(Set<String> given) {
    boolean wgan = loss.equals("wgan"), gpLoss = loss.equals("wgan-gp");
    if (!wgan && !gpLoss) return this;
    if (!given.contains("d-steps")) dSteps = 5;
    if (!given.contains("lr-g")) lrG = wgan ? 5e-5f : 1e-4f;
    if (!given.contains("lr-d")) lrD = wgan ? 5e-5f : 1e-4f;
    if (!given.contains("beta1")) beta1 = 0f;
    if (!given.contains("beta2")) beta2 = wgan ? 0.99f : 0.9f;
    return this;
  }

  /**
   * Settings that run but break the math docs/math.md teaches, one line each with the reason (the
   * trainer prints them as warnings); empty when there are none.
   */
  public List<String> warnings() {
    List<String> w = new ArrayList<>();
    boolean bn = resolvedDNorm().equals("batch");
    if (bn && penalisesInputGradient()) {
      w.add((loss.equals("wgan-gp") ? "--loss wgan-gp" : "--r1") + " with a batch-normalised D: the penalty on ∇ₓD(x) is"
          + " then taken through batch statistics, so one sample's gradient depends on the whole batch; use --d-norm layer or none");
    }
    if (bn && spectralNorm) {
      w.add("--spectral-norm followed by batch norm in D: batch norm rescales each channel by 1/σ_batch and undoes"
          + " the Lipschitz bound spectral norm gives; use --d-norm none (SN-GAN) or layer");
    }
    if (loss.startsWith("wgan") && dSteps == 1 && beta1 == 0.5f) {
      w.add("--loss " + loss + " with --d-steps 1 and --beta1 0.5: the critic is far from optimal when G steps, so it"
          + " does not estimate W, and Adam's momentum made WGAN unstable; the papers use --d-steps 5 --beta1 0");
    }
    return w;
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
    if (!Devices.NAMES.contains(device)) bad.add("--device '" + device + "' is not a device; choose one of " + String.join(", ", Devices.NAMES));
    range(bad, "latent", latent, 1, 4096);
    range(bad, "width", width, 0, 4096);
    range(bad, "d-steps", dSteps, 1, 100);
    range(bad, "instance-noise-steps", instanceNoiseSteps, 0, Long.MAX_VALUE);
    if (!dNorm.isEmpty() && !D_NORMS.contains(dNorm)) {
      bad.add("--d-norm '" + dNorm + "' is not a normalisation; choose one of " + String.join(", ", D_NORMS));
    } else if (!hasDNorm() && !resolvedDNorm().equals("none")) {
      bad.add("--d-norm " + dNorm + ": " + model + "'s D has no normalisation layer (only dcgan28's, keras-dcgan's and pix2pix's have); use --d-norm none or leave it out");
    }
    validateTranslation(bad);
    if (minibatchStddev && !model.equals("mlp") && !model.equals("dcgan28")) bad.add("--minibatch-stddev is built into mlp and dcgan28 only, not " + model);
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

  /** The pix2pix options: valid values, and the GAN options pix2pix does not take. */
  private void validateTranslation(List<String> bad) {
    if (!translation()) {
      if (!task.equals("edges") || l1Only) bad.add("--task and --l1-only are options of --model pix2pix, not " + model);
      return;
    }
    if (taskFolder() != null ? taskFolder().isBlank() : !dev.duel.gan.data.TaskPairs.TASKS.contains(task)) {
      bad.add("--task '" + task + "' is not a task; choose one of " + String.join(", ", dev.duel.gan.data.TaskPairs.TASKS)
          + " or folder:PATH (a folder of paired PNGs)");
    }
    nonNegative(bad, "edge-threshold", edgeThreshold);
    range(bad, "mask-size", maskSize, 1, 1024);
    range(bad, "scale", scale, 2, 64);
    nonNegative(bad, "noise-std", noiseStd);
    if (!(l1Weight >= 0f && Float.isFinite(l1Weight))) bad.add("--l1-weight must be a number >= 0, got " + l1Weight);
    if (l1Only && !(l1Weight > 0f)) bad.add("--l1-only trains on λ·L1 alone: --l1-weight must be > 0");
    if (featureMatching) bad.add("--feature-matching is not built for pix2pix (its D returns a map of patch logits)");
    if (minibatchStddev) bad.add("--minibatch-stddev is built into mlp and dcgan28 only, not pix2pix");
    if (fidEvery > 0) bad.add("--fid-every is not built for pix2pix: score a translation run with duel eval");
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
    for (Map.Entry<String, Field> e : FIELDS.entrySet()) {
      try {
        m.put(e.getKey(), e.getValue().get(this));
      } catch (IllegalAccessException x) {
        throw new IllegalStateException(x);
      }
    }
    return m;
  }

  /** A copy of this config with {@code values} (key → JSON value) applied; {@code source} names them in errors. */
  public TrainConfig with(Map<String, Object> values, String source) {
    TrainConfig c = copy();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      Field f = FIELDS.get(e.getKey());
      if (f == null) {
        throw new IllegalArgumentException(source + ": unknown option '" + e.getKey() + "' (known: "
            + String.join(", ", KEYS) + ")");
      }
      c.set(e.getKey(), f, e.getValue(), source);
    }
    return c;
  }

  /**
   * A checkpoint's saved options. Runs saved before --d-norm existed had the models' fixed D: batch norm
   * in dcgan28, none in the MLPs.
   */
  public static TrainConfig fromSaved(Map<String, Object> values, String source) {
    TrainConfig c = new TrainConfig().with(values, source);
    if (!values.containsKey("d-norm")) c.dNorm = c.model.equals("dcgan28") ? "batch" : "none";
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
      for (Field f : FIELDS.values()) f.set(this, f.get(o));
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
    return this;
  }

  /** The value of option {@code key} (as in {@link #toJson()}), or null when there is no such option. */
  public Object get(String key) {
    return toJson().get(key);
  }

  private void set(String k, Field f, Object v, String source) {
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

  /** The key table's fields: "lr-d" → {@code lrD}; every instance field has exactly one key. */
  private static Map<String, Field> fieldsByKey() {
    Map<String, Field> byKey = new LinkedHashMap<>();
    for (String k : KEYS) {
      StringBuilder name = new StringBuilder();
      for (String part : k.split("-")) name.append(name.isEmpty() ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
      try {
        byKey.put(k, TrainConfig.class.getField(name.toString()));
      } catch (NoSuchFieldException e) {
        throw new ExceptionInInitializerError("TrainConfig: key '" + k + "' has no field " + name);
      }
    }
    for (Field f : TrainConfig.class.getDeclaredFields()) {
      if (!Modifier.isStatic(f.getModifiers()) && !byKey.containsValue(f)) {
        throw new ExceptionInInitializerError("TrainConfig: field " + f.getName() + " has no key in KEYS");
      }
    }
    return byKey;
  }

  @Override
  public String toString() {
    return Json.write(toJson());
  }
}
