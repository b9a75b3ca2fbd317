package dev.duel.gan.train;

import dev.duel.engine.Generator;
import dev.duel.engine.MemoryScope;
import dev.duel.gan.data.Shuffler;
import dev.duel.gan.train.Checkpoints.Checkpoint;
import dev.duel.nn.Module;
import dev.duel.nn.optim.Adam;
import dev.duel.nn.optim.Ema;
import dev.duel.nn.state.TensorData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the checkpoints of {@link Trainer} and {@link Pix2PixTrainer} have in common, written and read back in one
 * place: the tensor files and state.json's training position,
 * <pre>
 *   g.safetensors, d.safetensors, opt_g.safetensors, opt_d.safetensors, g_ema.safetensors   (d, opt_d: runs with a D;
 *                                                                                          g_ema: runs with --ema-decay)
 *   state.json: "epoch" (of the last step taken), "steps_per_epoch",
 *               "rng": {"init": {seed, offset}, "train": {seed, offset}},  "data": {"epoch", "position"}
 * </pre>
 * Each trainer adds its own keys to the state (world_size; the pair shape) and checks its own config.
 */
final class CheckpointContents {
  private CheckpointContents() {}

  /** The tensor files, copied to the host; d and optD null for a run without D, ema null without --ema-decay. */
  static Map<String, Map<String, TensorData>> tensors(Module g, Module d, Adam optG, Adam optD, Ema ema) {
    Map<String, Map<String, TensorData>> files = new LinkedHashMap<>();
    try (MemoryScope scope = MemoryScope.open()) {
      files.put("g.safetensors", StateMaps.toHost(g.stateDict()));
      if (d != null) files.put("d.safetensors", StateMaps.toHost(d.stateDict()));
      files.put("opt_g.safetensors", StateMaps.toHost(optG.stateDict()));
      if (optD != null) files.put("opt_d.safetensors", StateMaps.toHost(optD.stateDict()));
      if (ema != null) files.put("g_ema.safetensors", StateMaps.toHost(ema.stateDict()));
    }
    return files;
  }

  /** state.json's position after {@code step} steps: epoch, steps_per_epoch, rng, data, in that order. */
  static Map<String, Object> position(long step, int stepsPerEpoch, Generator initRng, Generator trainRng, Shuffler.Cursor cursor) {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("epoch", (int) ((step - 1) / stepsPerEpoch) + 1);
    state.put("steps_per_epoch", stepsPerEpoch);
    Map<String, Object> rng = new LinkedHashMap<>();
    rng.put("init", stream(initRng));
    rng.put("train", stream(trainRng));
    state.put("rng", rng);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("epoch", cursor.epoch());
    data.put("position", cursor.position());
    state.put("data", data);
    return state;
  }

  private static Map<String, Object> stream(Generator r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seed", r.seed());
    m.put("offset", r.offset());
    return m;
  }

  /**
   * Writes checkpoints/step-N (metrics.jsonl forced to disk first, so the log reaches at least the checkpoint) and
   * prunes to the newest {@code keep}; returns the folder. An I/O error names the folder.
   */
  static Path write(RunFolder run, long step, Map<String, Map<String, TensorData>> files, Map<String, Object> state,
                    MetricsLog metrics, int keep) throws IOException {
    try {
      if (metrics != null) metrics.force();
      Path folder = Checkpoints.write(run.checkpoints(), step, files, state);
      Checkpoints.prune(run.checkpoints(), keep);
      return folder;
    } catch (IOException e) {
      throw IoErrors.at(run.checkpoints().resolve(Checkpoints.folderName(step)), e);
    }
  }

  /**
   * Refuses {@code c} unless its config equals {@code cfg} but for {@link TrainConfig#CHANGEABLE_ON_RESUME}. The
   * instance-noise horizon: a config saved before the key existed takes this run's; a run that left it unset
   * ({@code horizonUnset}: --instance-noise-steps 0) takes the saved one, the run's horizon rather than this
   * --epochs'. Returns true when {@code cfg}'s horizon changed so (the caller rebuilds its InstanceNoise).
   */
  static boolean checkConfig(Checkpoint c, TrainConfig cfg, boolean horizonUnset) {
    TrainConfig saved = TrainConfig.fromSaved(c.config(), c.folder().resolve(Checkpoints.STATE).toString());
    boolean horizonTaken = false;
    if (saved.instanceNoiseSteps == 0) {
      saved.instanceNoiseSteps = cfg.instanceNoiseSteps;
    } else if (horizonUnset && saved.instanceNoiseSteps != cfg.instanceNoiseSteps) {
      cfg.instanceNoiseSteps = saved.instanceNoiseSteps;
      horizonTaken = true;
    }
    List<String> diff = cfg.differencesFrom(saved);
    if (!diff.isEmpty()) {
      throw new IllegalArgumentException("cannot resume " + c.folder() + " with a different config: " + String.join("; ", diff));
    }
    return horizonTaken;
  }

  /** Loads what {@link #tensors} wrote into the same modules (null where the run has none). */
  static void loadTensors(Checkpoint c, Module g, Module d, Adam optG, Adam optD, Ema ema) throws IOException {
    StateMaps.load(g.stateDict(), c.tensors("g.safetensors"), c.folder().resolve("g.safetensors"));
    StateMaps.loadOptimizer(optG, c.tensors("opt_g.safetensors"), c.folder().resolve("opt_g.safetensors"));
    if (d != null) {
      StateMaps.load(d.stateDict(), c.tensors("d.safetensors"), c.folder().resolve("d.safetensors"));
      StateMaps.loadOptimizer(optD, c.tensors("opt_d.safetensors"), c.folder().resolve("opt_d.safetensors"));
    }
    if (ema != null) {
      if (!c.has("g_ema.safetensors")) throw new IllegalArgumentException(c.folder() + " has no g_ema.safetensors (the run had no --ema-decay)");
      StateMaps.load(ema.model().stateDict(), c.tensors("g_ema.safetensors"), c.folder().resolve("g_ema.safetensors"));
    }
  }

  /** The train stream's saved offset, refused unless its seed is {@code trainSeed} (the stream of a run of {@code runSeed}). */
  static long trainOffset(Checkpoint c, long trainSeed, long runSeed) {
    Path stateFile = c.folder().resolve(Checkpoints.STATE);
    Map<String, Object> train = object(object(c.state(), "rng", stateFile), "train", stateFile);
    if (!(train.get("seed") instanceof Long seed) || seed != trainSeed || !(train.get("offset") instanceof Long offset) || offset < 0) {
      throw new IllegalArgumentException(stateFile + ": rng.train does not belong to a run of seed " + runSeed);
    }
    return offset;
  }

  /** The data cursor the checkpoint saved. */
  static Shuffler.Cursor cursor(Checkpoint c) {
    Path stateFile = c.folder().resolve(Checkpoints.STATE);
    Map<String, Object> data = object(c.state(), "data", stateFile);
    if (!(data.get("epoch") instanceof Long de) || !(data.get("position") instanceof Long dp) || dp > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(stateFile + ": \"data\" needs a whole epoch and position");
    }
    return new Shuffler.Cursor(de, (int) (long) dp);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Map<String, Object> m, String key, Path file) {
    if (m.get(key) instanceof Map<?, ?> o) return (Map<String, Object>) o;
    throw new IllegalArgumentException(file + ": \"" + key + "\" is missing or not an object");
  }
}
