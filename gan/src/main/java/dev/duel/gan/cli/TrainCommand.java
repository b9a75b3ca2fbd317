package dev.duel.gan.cli;

import dev.duel.gan.data.FashionMnist;
import dev.duel.gan.data.ImageDataset;
import dev.duel.gan.metrics.ClassifierWeights;
import dev.duel.gan.metrics.Evaluator;
import dev.duel.gan.metrics.ImageSet;
import dev.duel.gan.train.Checkpoints;
import dev.duel.gan.train.Checkpoints.Checkpoint;
import dev.duel.gan.data.PairedData;
import dev.duel.gan.train.Objectives;
import dev.duel.gan.train.Pix2PixTrainer;
import dev.duel.gan.train.RunTrainer;
import dev.duel.gan.train.TranslationData;
import dev.duel.gan.train.RunFolder;
import dev.duel.gan.train.RunLock;
import dev.duel.gan.train.StepStats;
import dev.duel.gan.train.TrainConfig;
import dev.duel.gan.train.Trainer;
import dev.duel.gan.dist.WorkerEnv;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code duel train}: builds a config from the defaults, then {@code --config FILE}, then the options
 * given on the command line (each overriding the one before), and trains; or, with {@code --resume},
 * continues a run from its newest complete checkpoint with the run's saved config.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
    description = {"Train a GAN (Algorithm 1 of Goodfellow et al.) and write metrics, sample grids, a loss plot and checkpoints "
        + "to OUT/NAME/. With no option: dcgan28 on the shipped Fashion-MNIST, on the CPU (or the device DUEL_DEVICE names)."},
    footer = {"", "Examples:", "  duel train", "  duel train --model mlp --epochs 20 --batch 128 --lr-d 4e-4",
        "  duel train --config my-run.json --name exp1", "  duel train --resume --name exp1 --epochs 40"})
final class TrainCommand implements Callable<Integer> {
  /** The reference of --fid-every: at most this many test images (all of Fashion-MNIST's), {@code duel eval}'s default. */
  private static final int REFERENCE_IMAGES = 10_000;

  private final Main.Io io;

  @Spec
  CommandSpec spec;

  @Mixin
  TrainOptions options;                                          // one option per TrainConfig key, --device included

  @Option(names = "--config", paramLabel = "FILE", order = -2,
      description = "a JSON object of options ({\"model\": \"mlp\", \"lr-d\": 4e-4}); options on the command line override it")
  Path configFile;

  @Option(names = "--resume", order = -1,
      description = "continue the run named by --name (default: the most recent run under --out) from its newest complete checkpoint")
  boolean resume;

  @Mixin
  ScaleOutOptions scaleOut;                                      // --nproc, --nnodes, --node-rank, --rendezvous, --simulate-ranks

  TrainCommand(Main.Io io) {
    this.io = io;
  }

  @Override
  public Integer call() throws IOException {
    Path config = Cwd.resolve(configFile);
    Map<String, Object> fileValues = config != null ? readConfigFile(config) : Map.of();
    Map<String, Object> cliValues = givenOptions();
    TrainConfig requested = usage(() -> new TrainConfig().with(fileValues, config + "").with(cliValues, "command line").validate());
    Path outDir = Cwd.resolve(requested.out);
    WorkerEnv worker = usage(WorkerEnv::fromEnvironment);          // a rank started by --nproc's launcher, or null
    usage(() -> scaleOut.check(worker != null));
    if (worker != null) {
      requested.name = worker.runName();                         // the launcher fixed it: every rank trains one run
      cliValues.put("name", worker.runName());
    }
    ScaleOut ranks = new ScaleOut(scaleOut, worker, io);
    PrintStream out = ranks.printsProgress() ? io.out() : new PrintStream(java.io.OutputStream.nullOutputStream());

    TrainConfig cfg;
    RunFolder run;
    List<Path> candidates = List.of();
    if (resume) {
      run = new RunFolder(outDir.resolve(requested.name.isEmpty() ? mostRecentRun(outDir) : requested.name));
      candidates = Checkpoints.list(run.checkpoints());
      if (candidates.isEmpty()) {
        // Stopped before its first checkpoint (step 0 is written at the start): start it again from step 0.
        if (!Files.isDirectory(run.root())) {
          throw new NoSuchFileException(run.root().toString(), null, "no such run to resume; start it with duel train --name "
              + run.root().getFileName());
        }
        TrainConfig saved = Files.isRegularFile(run.config()) ? readSavedConfig(run.config()) : requested.copy();
        cfg = resumedConfig(saved, fileValues, cliValues, true);
        io.out().println(run.root() + " has no checkpoint yet (it stopped before step 0 was saved): starting it from step 0"
            + (Files.isRegularFile(run.config()) ? " with its config.json" : ""));
      } else {
        cfg = null;                                             // from the checkpoint that loads, below
      }
    } else {
      Set<String> given = new java.util.HashSet<>(fileValues.keySet());
      given.addAll(cliValues.keySet());
      cfg = requested.copy().withLossDefaults(given);         // the papers' optimiser settings for wgan, wgan-gp
      if (cfg.name.isEmpty()) cfg.name = freeName(outDir, cfg.model);
      run = new RunFolder(outDir.resolve(cfg.name));
      if (run.holdsRun() && worker == null && scaleOut.nodeRank == 0) {   // node 0 checks for the whole job
        throw new ParameterException(spec.commandLine(), run.root() + " already holds a run: pass --resume to continue it, "
            + "or another --name to start a new one");
      }
      if (Files.exists(run.metrics()) && worker == null) {
        io.out().println(run.root() + " had no checkpoint (it stopped before step 0 was saved): starting it over under its name");
      }
    }
    if (Files.isDirectory(run.root()) && worker == null && scaleOut.nodeRank == 0) RunLock.acquire(run.root()).close();   // refuse early when another trainer holds it
    if (scaleOut.launches(worker != null)) {
      String device = cfg != null ? cfg.device : cliValues.containsKey("device") ? requested.device
          : Files.isRegularFile(run.config()) ? readSavedConfig(run.config()).device : requested.device;
      if (cfg != null) {
        int batch = cfg.batch;
        if (cfg.translation()) throw new ParameterException(spec.commandLine(), pix2pixNotParallel().getMessage());
        usage(() -> scaleOut.checkBatch(batch));
      }
      usage(() -> ScaleOut.checkDevice(device));
      return ranks.launch(device, run.root().getFileName().toString(), spec.commandLine().getParseResult().originalArgs());
    }
    if (cfg != null) {
      cfg.out = requested.out;
      cfg.name = run.root().getFileName().toString();
      TrainConfig checkedCfg = cfg;
      usage(() -> {
        checkedCfg.validate();
        return Objectives.of(checkedCfg);
      });
    }

    RunTrainer trainer = null;
    Checkpoint checkpoint = null;
    if (cfg != null) trainer = newTrainer(cfg, run.root(), out, ranks);
    // --resume: the newest checkpoint that verifies (SHA-256) and loads (headers, dtypes, shapes); each one
    // that does not is skipped with the reason, and the next older one is tried.
    for (Path candidate : candidates) {
      try {
        Checkpoint c = Checkpoints.verify(candidate);
        TrainConfig saved = TrainConfig.fromSaved(c.config(), c.folder().resolve(Checkpoints.STATE).toString());
        TrainConfig tried = resumedConfig(saved, fileValues, cliValues, false);
        tried.out = requested.out;                              // where the run is now, even if it was moved
        tried.name = run.root().getFileName().toString();
        usage(() -> {
          tried.validate();
          return Objectives.of(tried);
        });
        RunTrainer t = newTrainer(tried, run.root(), out, ranks);
        t.restore(c);
        resumedConfig(saved, fileValues, cliValues, true);      // prints the changed options
        cfg = tried;
        trainer = t;
        checkpoint = c;
        break;
      } catch (IOException | IllegalArgumentException e) {
        io.err().println("skipping checkpoint " + candidate + ": " + describeSkip(e));
      }
    }
    if (trainer == null) {
      throw new NoSuchFileException(run.checkpoints().toString(), null, "none of its " + candidates.size()
          + " checkpoint" + (candidates.size() == 1 ? "" : "s") + " loads (each one is named above); nothing to resume from");
    }

    out.println(trainer instanceof Trainer gan ? header(gan, dataFolder, data, checkpoint)
        : TranslationHeader.of((Pix2PixTrainer) trainer, checkpoint));
    if (ranks.describe() != null) out.println(ranks.describe());
    if (cfg.fidEvery > 0 && ranks.printsProgress()) out.println(attachFid((Trainer) trainer, cfg, dataFolder));   // rank 0 scores FID
    long t0 = System.nanoTime();
    StepStats last;
    int signalExit = 0;
    try (StopSignals signals = StopSignals.install(trainer, io.err())) {
      try {
        last = ranks.run(trainer);
      } catch (RunLock.Held held) {
        io.err().println("duel train: error: " + held.getMessage());
        return 1;
      }
      if (trainer.stopRequest() != null && trainer.step() < trainer.totalSteps()) {
        signalExit = signals.received() != null ? signals.exitCode() : 1;
      }
    }
    if (signalExit != 0 && !ranks.printsProgress()) return signalExit;   // rank 0 says where to continue
    if (signalExit != 0) {
      io.out().flush();
      io.err().println(String.format(Locale.ROOT, "duel train: stopped by %s at step %d of %d (epoch %d); checkpoint %s. Continue with:%n  %s",
          trainer.stopRequest(), trainer.step(), trainer.totalSteps(), (trainer.step() - 1) / trainer.stepsPerEpoch() + 1,
          trainer.lastCheckpoint(), continueCommand(cfg) + scaleOut.relaunchArgs()));
      io.err().flush();
      return signalExit;
    }
    if (last != null) {
      out.println(String.format(Locale.ROOT, "done in %s: %s (samples/latest.png, %smetrics.jsonl, %s)",
          duration((System.nanoTime() - t0) / 1_000_000_000L), run.root(),
          java.nio.file.Files.exists(run.lossPlot()) ? "losses.png, " : "",   // no Java2D (the GPU kit): no plot
          trainer.lastCheckpoint() == null ? "no checkpoint" : run.root().relativize(trainer.lastCheckpoint())));
    }
    return 0;
  }

  private Path dataFolder;                 // the images' folder, once loaded
  private ImageDataset data;               // the training images (GAN models), loaded once
  private PairedData pairs;                // the training pairs (pix2pix), loaded once

  /** The one-line refusal of a data-parallel pix2pix run (its trainer has no gradient all-reduce yet). */
  private static IllegalArgumentException pix2pixNotParallel() {
    return new IllegalArgumentException("--model pix2pix trains in one process for now: data-parallel training "
        + "(--nproc, --nnodes, --simulate-ranks) covers the GAN models (mlp, cgan-mlp, dcgan28, keras-dcgan)");
  }

  /** The trainer of {@code cfg}'s model on its data (loaded on first use and kept for the next candidate). */
  private RunTrainer newTrainer(TrainConfig cfg, Path root, PrintStream out, ScaleOut ranks) throws IOException {
    if (cfg.translation()) {
      if (ranks.dataParallel()) throw pix2pixNotParallel();
      if (pairs == null) pairs = TranslationData.load(cfg, cfg.data.isEmpty() ? null : Cwd.resolve(cfg.data),
          cfg.taskFolder() == null ? null : Cwd.resolve(cfg.taskFolder()), ImageDataset.Split.TRAIN);
      return new Pix2PixTrainer(cfg, pairs, root, out, io.tty());
    }
    if (data == null) {
      dataFolder = FashionMnist.locate(cfg.data.isEmpty() ? null : Cwd.resolve(cfg.data));
      data = FashionMnist.loadFolder(dataFolder, ImageDataset.Split.TRAIN);
    }
    return new Trainer(cfg, data, root, out, io.tty(), ranks.join(cfg.device));
  }

  /** "duel train --resume --name NAME" (plus --out when not the default): what continues this run. */
  static String continueCommand(TrainConfig cfg) {
    return dev.duel.gan.train.ResumeCommand.of(cfg);
  }

  private static String describeSkip(Exception e) {
    if (e instanceof NoSuchFileException n) return n.getFile() + (n.getReason() == null ? " is missing" : " " + n.getReason());
    return Main.describe(e);
  }

  private TrainConfig readSavedConfig(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return usage(() -> TrainConfig.fromJson(text, file.toString()));
  }

  /**
   * --fid-every: an Evaluator over the data folder's test split (at most 10,000 images, as {@code duel
   * eval} takes by default) and the shipped classifier; its reference features and Gaussian fit are
   * computed here, once per run. Returns the header line that says so.
   */
  private String attachFid(Trainer trainer, TrainConfig cfg, Path dataFolder) throws IOException {
    long t0 = System.nanoTime();
    ImageSet reference;
    try {
      reference = Evaluator.referenceSplit(dataFolder, ImageDataset.Split.TEST, REFERENCE_IMAGES, 0);
    } catch (NoSuchFileException e) {
      throw new ParameterException(spec.commandLine(), "--fid-every scores against the test split of the data folder, but "
          + e.getFile() + " is " + (e.getReason() == null ? "missing" : e.getReason())
          + ". Add t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz] to " + dataFolder + ", or drop --fid-every");
    }
    Evaluator ev = new Evaluator(ClassifierWeights.load(trainer.backend(), null), trainer.backend(), reference, Evaluator.Settings.DEFAULT);
    trainer.scoreFidWith((images, n) -> ev.fid(new ImageSet(images, n, "training samples")));
    return String.format(Locale.ROOT, "  FID        every %d epoch%s and after the last: %d samples of %s against the test split of %s (%d images; reference features in %.1f s)",
        cfg.fidEvery, cfg.fidEvery == 1 ? "" : "s", cfg.fidSamples, cfg.emaDecay > 0 ? "G-EMA" : "G",
        dataFolder, reference.count(), (System.nanoTime() - t0) / 1e9);
  }

  // ---- building the config --------------------------------------------------------------------

  /** The TrainConfig options given on the command line, by key. */
  private Map<String, Object> givenOptions() {
    return TrainOptions.given(spec.commandLine().getParseResult());
  }

  private Map<String, Object> readConfigFile(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new ParameterException(spec.commandLine(), "--config " + file + ": no such file");
    if (Files.size(file) > 1 << 20) throw new ParameterException(spec.commandLine(), "--config " + file + ": larger than 1 MiB, not a config");
    String text = Files.readString(file, StandardCharsets.UTF_8);
    TrainConfig parsed = usage(() -> TrainConfig.fromJson(text, file.toString()));
    Map<String, Object> given = dev.duel.nn.state.Json.parseObject(text);
    Map<String, Object> typed = new LinkedHashMap<>();
    for (String k : given.keySet()) typed.put(k, parsed.get(k));
    return typed;
  }

  /**
   * The saved config with the requested changes that a resume allows (--epochs, --device, output
   * frequencies, learning rates); any other option that differs from the run's is a usage error.
   */
  private TrainConfig resumedConfig(TrainConfig saved, Map<String, Object> fileValues, Map<String, Object> cliValues, boolean print) {
    TrainConfig cfg = usage(() -> saved.with(fileValues, configFile + "").with(cliValues, "command line"));
    List<String> diff = cfg.differencesFrom(saved);
    if (!diff.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "a resumed run keeps its config: " + String.join("; ", diff)
          + ". Only " + String.join(", ", TrainConfig.CHANGEABLE_ON_RESUME.stream().sorted().map(k -> "--" + k).toList())
          + " may change; start a new run (another --name) to change the rest");
    }
    List<String> changed = new ArrayList<>();
    Map<String, Object> before = saved.toJson(), after = cfg.toJson();
    for (String k : after.keySet()) {
      if (!after.get(k).equals(before.get(k)) && !k.equals("name") && !k.equals("out")) changed.add(k + " " + before.get(k) + " -> " + after.get(k));
    }
    if (print && !changed.isEmpty()) io.out().println("resuming with changed options: " + String.join(", ", changed));
    return cfg;
  }

  /** The model's name, or name-2, name-3, ... : the first folder under {@code out} that holds no run. */
  static String freeName(Path out, String model) throws IOException {
    for (int i = 1; ; i++) {
      String name = i == 1 ? model : model + "-" + i;
      if (!new RunFolder(out.resolve(name)).holdsRun()) return name;
    }
  }

  /** The run under {@code out} whose newest checkpoint is the most recent. */
  private String mostRecentRun(Path out) throws IOException {
    String best = null;
    long bestTime = Long.MIN_VALUE;
    if (Files.isDirectory(out)) {
      List<Path> runs;
      try (Stream<Path> s = Files.list(out)) {
        runs = s.filter(Files::isDirectory).toList();
      }
      for (Path r : runs) {
        List<Path> cps = Checkpoints.list(new RunFolder(r).checkpoints());
        if (cps.isEmpty()) continue;
        long t = Files.getLastModifiedTime(cps.getFirst()).toMillis();
        if (t > bestTime) {
          bestTime = t;
          best = r.getFileName().toString();
        }
      }
    }
    if (best == null) throw new NoSuchFileException(out.toString(), null, "no run with a checkpoint to resume; start one with duel train");
    return best;
  }

  // ---- printing -------------------------------------------------------------------------------

  private static String header(Trainer t, Path dataFolder, ImageDataset data, Checkpoint resumed) {
    TrainConfig c = t.config();
    List<String> stabilisers = new ArrayList<>();
    if (c.labelSmoothing > 0) stabilisers.add("label smoothing " + c.labelSmoothing);
    if (c.instanceNoise > 0) stabilisers.add("instance noise " + c.instanceNoise);
    if (c.featureMatching) stabilisers.add("feature matching");
    if (c.spectralNorm) stabilisers.add("spectral norm");
    if (c.dSteps > 1) stabilisers.add(c.dSteps + " D steps per G step");
    if (c.emaDecay > 0) stabilisers.add("G-EMA " + c.emaDecay);
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "duel train: %s on %s -> %s%n", c.model, t.backend().name(), t.runFolder().root()));
    b.append(String.format(Locale.ROOT, "  data       %s: %d images %dx%dx%d, batch %d, %d steps per epoch%s, %d epoch%s (%d steps)%n",
        dataFolder, data.size(), data.channels(), data.height(), data.width(), c.batch, t.stepsPerEpoch(),
        c.limit > 0 ? " (--limit " + c.limit + ")" : "", c.epochs, c.epochs == 1 ? "" : "s", t.totalSteps()));
    b.append(String.format(Locale.ROOT, "  models     G %,d parameters, D %,d parameters (width %d, latent %d)%n",
        t.generator().parameterCount(), t.discriminator().parameterCount(), c.resolvedWidth(), c.latent));
    b.append(String.format(Locale.ROOT, "  objective  %s; Adam lr_G %s, lr_D %s, betas (%s, %s); seed %d%n",
        t.describeObjective(), c.lrG, c.lrD, c.beta1, c.beta2, c.seed));
    b.append("  stabilisers ").append(stabilisers.isEmpty() ? "none" : String.join(", ", stabilisers));
    if (resumed != null) {
      b.append(String.format(Locale.ROOT, "%n  resumed    from %s (step %d of %d)", resumed.folder(), resumed.step(), t.totalSteps()));
    }
    return b.toString();
  }

  static String duration(long s) {
    return s < 60 ? s + "s" : s < 3600 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
        : String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60);
  }

  // ---- usage errors ---------------------------------------------------------------------------

  interface Check<T> {
    T get() throws IllegalArgumentException;
  }

  /** Runs {@code c}, turning an IllegalArgumentException (a bad option value) into a usage error (exit 2). */
  private <T> T usage(Check<T> c) {
    try {
      return c.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
