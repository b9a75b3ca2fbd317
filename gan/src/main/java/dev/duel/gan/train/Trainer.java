package dev.duel.gan.train;

import dev.duel.engine.Autograd;
import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.gan.data.ImageDataset;
import dev.duel.gan.loss.GanLoss;
import dev.duel.gan.loss.FeatureMatching;
import dev.duel.gan.loss.InstanceNoise;
import dev.duel.gan.loss.Regularizer;
import dev.duel.gan.loss.WeightClipping;
import dev.duel.gan.models.CganMlp;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.gan.models.GeneratorNet;
import dev.duel.gan.report.ImageGrid;
import dev.duel.gan.report.LossPlot;
import dev.duel.gan.train.BatchSource.Batch;
import dev.duel.gan.train.Checkpoints.Checkpoint;
import dev.duel.nn.Dropout;
import dev.duel.nn.Module;
import dev.duel.nn.optim.Adam;
import dev.duel.nn.optim.Ema;
import dev.duel.nn.state.AtomicFiles;
import dev.duel.nn.state.Json;
import dev.duel.nn.state.TensorData;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a GAN: Algorithm 1 of Goodfellow et al. (2014), "Generative Adversarial Nets":
 * <pre>
 * for each training iteration:
 *   for k steps:                                   (--d-steps)
 *     sample a minibatch x of real images and a minibatch z of noise
 *     update D by descending ∇_θd L_D(D(x), D(G(z)))     (ascending log D(x) + log(1 − D(G(z))))
 *   update G by descending ∇_θg L_G(D(G(z)))             (the non-saturating log D(G(z)) by default)
 * </pre>
 * Around it: metrics.jsonl, the console progress, sample grids of a fixed noise batch, the loss plot,
 * and checkpoints from which a killed run resumes bit-identically on the CPU (every random draw comes
 * from streams whose state is saved: see {@link RunStreams}). With the default config one iteration
 * computes exactly {@link ReferenceStep}, the benchmarked step. With {@code --fid-every} it also scores
 * FID after some epochs ({@link TrainingFid}), without changing a bit of the training.
 *
 * <p>Typical use: {@code new Trainer(config, data, runDir, out, tty)}, optionally
 * {@link #restore(Checkpoint)} and {@link #scoreFidWith(FidScorer)}, then {@link #train()}.
 */
public final class Trainer implements RunTrainer {
  /** Images in the fixed sample grid: 8×8, or 10×10 (one column per class) for conditional models. */
  private static final int GRID = 64, GRID_CONDITIONAL = 100;

  private final TrainConfig cfg;
  private final RunFolder run;
  private final Backend backend;
  private final GanLoss loss;
  private final List<Regularizer> regularizers;
  private final float clip;                 // D's weight-clipping bound after each D step, 0 = none
  private final GeneratorNet g;
  private final DiscriminatorNet d;
  private final Adam optG, optD;
  private final Ema ema;                    // null without --ema-decay
  private final Generator initRng, trainRng;  // trainRng: this process's first rank's stream (rank 0's in one process)
  private final List<Generator> trainRngs;  // one per rank this process computes (DataParallel)
  private final DataParallel par;
  private final BatchSource batches;
  private final Tensor fixedNoise;          // GRID×latent, drawn once from the "fixed" stream
  private final int[] fixedLabels;          // class of each grid cell (conditional models), else null
  private final int stepsPerEpoch;
  private final long totalSteps;
  private InstanceNoise instanceNoise;      // null without --instance-noise
  private final boolean noiseHorizonUnset; // instance-noise-steps was 0: a resumed run's saved horizon is taken
  private final PrintStream out;
  private final Progress progress;

  private long step;                        // iterations done
  private Path lastCheckpoint;
  private MetricsLog metrics;
  private TrainingFid fid;                  // null until scoreFidWith
  private long checkpointStep = -1;         // the step of lastCheckpoint
  private volatile String stopRequest;      // set by requestStop (a signal handler): stop at the next step boundary
  private boolean stopAgreed;               // every rank saw a stop request at the end of this step (DataParallel)

  /** A trainer with the objective the config names ({@link Objectives}). */
  public Trainer(TrainConfig config, ImageDataset data, Path runDir, PrintStream out, boolean tty) {
    this(config, data, runDir, Objectives.of(config), out, tty);
  }

  /** A trainer with an explicit objective (tests; losses not known to {@link Objectives}). */
  public Trainer(TrainConfig config, ImageDataset data, Path runDir, Objectives.Objective objective,
                 PrintStream out, boolean tty) {
    this(config, data, runDir, objective, out, tty, DataParallel.single());
  }

  /** A trainer computing its share of a data-parallel world ({@link DataParallel}). */
  public Trainer(TrainConfig config, ImageDataset data, Path runDir, PrintStream out, boolean tty, DataParallel par) {
    this(config, data, runDir, Objectives.of(config), out, tty, par);
  }

  private Trainer(TrainConfig config, ImageDataset data, Path runDir, Objectives.Objective objective,
                  PrintStream out, boolean tty, DataParallel par) {
    this.cfg = config.copy().validate();
    this.par = par;
    this.run = new RunFolder(runDir);
    this.loss = objective.loss();
    this.regularizers = objective.regularizers();
    this.clip = objective.clip();
    this.out = out;
    this.progress = new Progress(out, tty);
    checkData(data);
    backend = Devices.get(cfg.device);
    if (cfg.hasDNorm() && cfg.dNorm.isEmpty() && !cfg.resolvedDNorm().equals("batch")) {
      out.println("note: " + cfg.model + "'s D uses " + cfg.resolvedDNorm() + " norm, not batch norm: "
          + (cfg.penalisesInputGradient() ? "a gradient penalty must not be taken through batch statistics"
          : "batch norm after spectral norm undoes its Lipschitz bound") + " (--d-norm batch to override)");
    }
    if (cfg.dNorm.isEmpty()) cfg.dNorm = cfg.resolvedDNorm();           // saved resolved, like instance-noise-steps
    for (String w : cfg.warnings()) out.println("warning: " + w);

    initRng = new Generator(RunStreams.init(cfg.seed));
    g = GanModels.generator(cfg, backend, initRng);
    d = GanModels.discriminator(cfg, backend, initRng);
    optG = new Adam(g.parameters(), cfg.lrG, cfg.beta1, cfg.beta2);
    optD = new Adam(d.parameters(), cfg.lrD, cfg.beta1, cfg.beta2);
    ema = cfg.emaDecay > 0f
        ? new Ema(g, GanModels.generator(cfg, backend, new Generator(RunStreams.init(cfg.seed))), cfg.emaDecay) : null;

    par.shard(cfg.batch);                                                // --batch is global: it must divide by the ranks
    if (par.simulatesRanks()) checkSimulable();
    trainRngs = par.trainStreams(cfg.seed);
    trainRng = trainRngs.getFirst();
    // dropout masks (keras-dcgan) come from this rank's train stream, so they resume with it
    for (Module m : d.modules()) if (m instanceof Dropout drop) drop.drawFrom(trainRng);
    for (Module m : g.modules()) if (m instanceof Dropout drop) drop.drawFrom(trainRng);
    batches = new BatchSource(data, cfg.batch, cfg.seed, par.world(), par.localRanks(), g.outputsUnitInterval());   // D sees reals on G's range
    int perPass = batches.batchesPerPass() / cfg.dSteps;
    if (perPass < 1) {
      throw new IllegalArgumentException("the data set's " + data.size() + " images make " + batches.batchesPerPass()
          + " batches of " + cfg.batch + ", fewer than the " + cfg.dSteps + " D steps of one iteration; use a smaller --batch or --d-steps");
    }
    stepsPerEpoch = cfg.limit > 0 ? Math.min(cfg.limit, perPass) : perPass;
    totalSteps = (long) stepsPerEpoch * cfg.epochs;
    // The anneal horizon is fixed when the run starts and saved in its config, so --epochs on --resume does not move it.
    noiseHorizonUnset = cfg.instanceNoiseSteps == 0;
    if (cfg.instanceNoise > 0f && noiseHorizonUnset) cfg.instanceNoiseSteps = Math.max(1, totalSteps);
    instanceNoise = cfg.instanceNoise > 0f ? new InstanceNoise(cfg.instanceNoise, cfg.instanceNoiseSteps) : null;

    int cells = cfg.conditional() ? GRID_CONDITIONAL : GRID;
    fixedNoise = new Generator(RunStreams.fixed(cfg.seed)).normal(backend, 0f, 1f, cells, cfg.latent);
    fixedLabels = cfg.conditional() ? new int[cells] : null;
    if (fixedLabels != null) for (int i = 0; i < cells; i++) fixedLabels[i] = i % CganMlp.CLASSES;
  }

  // ---- the training loop ----------------------------------------------------------------------

  /**
   * Trains from the current step to the end of the last epoch. Returns the last step's stats (null when
   * there was nothing left to do). Throws {@link TrainingDiverged} when a loss is NaN or infinite.
   */
  @Override
  public StepStats train() throws IOException {
    if (cfg.fidEvery > 0 && fid == null && par.writes()) {              // rank 0 alone scores FID
      throw new IllegalStateException("--fid-every " + cfg.fidEvery + " needs a FID scorer: call scoreFidWith before train()");
    }
    par.broadcastFromRank0(g.stateDict());                           // every rank starts from rank 0's weights
    par.broadcastFromRank0(d.stateDict());
    if (!par.writes()) return trainLocked();                         // ranks > 0 write nothing: no folder, no lock
    run.create();
    try (RunLock lock = RunLock.acquire(run.root())) {   // before touching anything: another trainer may hold the run
      return trainLocked();
    }
  }

  private StepStats trainLocked() throws IOException {
    boolean writes = par.writes();
    if (writes) {
      Checkpoints.removeTemporaries(run.checkpoints());
      AtomicFiles.writeString(run.config(), Json.writePretty(cfg.toJson()));
      if (step == 0 && lastCheckpoint == null) saveCheckpoint();   // step-0: a run stopped before its first checkpoint resumes
    }
    if (step >= totalSteps) {
      out.println("nothing to do: the run is at step " + step + " of " + totalSteps + "; pass a larger --epochs to train on");
      return null;
    }
    StepStats last = null;
    try (MetricsLog log = writes ? MetricsLog.resumeAt(run.metrics(), step) : null) {
      metrics = log;
      while (step < totalSteps) {
        int epoch = (int) (step / stepsPerEpoch) + 1;
        int inEpoch = (int) (step % stepsPerEpoch);
        if (inEpoch == 0 || last == null) progress.startEpoch(epoch, cfg.epochs, stepsPerEpoch, inEpoch);

        last = iteration(epoch);
        step++;
        if (!writes) {                                                 // a rank > 0: only the agreed stop
          if (stopAgreed) break;
          continue;
        }
        log.append(metricsLine(last));
        progress.step(inEpoch + 1, last);

        boolean epochEnd = step % stepsPerEpoch == 0;
        if (epochEnd) {
          progress.endEpoch();
          writeSamples(String.format(Locale.ROOT, "epoch-%03d.png", epoch));
          writeLossPlot();
          if (fid != null && fid.due(epoch, cfg.epochs)) scoreFid(epoch, log);
        } else if (cfg.sampleEvery > 0 && step % cfg.sampleEvery == 0) {
          writeSamples(String.format(Locale.ROOT, "step-%07d.png", step));
        }
        if (epochEnd || (cfg.checkpointEvery > 0 && step % cfg.checkpointEvery == 0)) saveCheckpoint();
        if (stopAgreed) {
          if (checkpointStep != step) saveCheckpoint();
          progress.interrupt();
          break;
        }
      }
    } finally {
      metrics = null;
    }
    checkReplicas();
    return last;
  }

  /** Data parallel: every rank's G and D must equal rank 0's bit for bit at the end (a collective: all ranks call it). */
  private void checkReplicas() {
    if (!par.communicates()) return;
    List<Tensor> all = new java.util.ArrayList<>(g.parameters());     // parameters: BN statistics are per rank, as in DDP
    all.addAll(d.parameters());
    long differ = par.differingFromRank0(all);
    if (differ != 0) {
      throw new IllegalStateException("the ranks' weights diverged: " + differ + " values of G and D differ from rank 0's"
          + " after step " + step + " (a non-deterministic reduction or a rank that skipped an update)");
    }
    progress.note("replicas: G and D identical on all " + par.world() + " ranks (bit for bit) after step " + step);
  }


  /**
   * One iteration of Algorithm 1: k updates of D, then one of G. Every draw comes from trainRng and the
   * data cursor; every tensor of the iteration lives in one MemoryScope, freed at its end.
   */
  private StepStats iteration(int epoch) {
    long t0 = System.nanoTime();
    try (MemoryScope scope = MemoryScope.open()) {
      Batch batch = null;
      Tensor fake = null, dReal = null, dFake = null, z = null;
      float dLoss = 0f, gradD = 0f;

      // (1) Update D, k times: maximise log D(x) + log(1 − D(G(z))), i.e. minimise L_D.
      for (int i = 0; i < cfg.dSteps; i++) {
        batch = batches.next(backend);                                    // x: N×1×28×28 in [−1, 1] (or [0, 1])
        int n = batch.images().size(0);
        z = DataParallel.noise(trainRngs, backend, n / trainRngs.size(), g.latentDim()); // z ~ N(0, I): N×latent, per rank's stream
        fake = g.generate(z, batch.labels());                             // G(z): N×1×28×28
        optD.zeroGrad();
        Tensor xReal = noisy(batch.images()), xFake = noisy(fake.detach()); // fake.detach(): no gradient reaches G
        dReal = d.score(xReal, batch.labels());                           // D(x): N×1 logits
        dFake = d.score(xFake, batch.labels());                           // D(G(z)): N×1 logits
        Tensor lossD = loss.discriminatorLoss(dReal, dFake, cfg.realTarget());
        for (Regularizer r : regularizers) lossD = lossD.add(r.penalty(d, xReal, xFake, batch.labels(), trainRng));
        lossD.backward();
        // data parallel: ∇L_D averaged over the ranks (and L_D with it) before anything reads it
        dLoss = finite("d_loss", par.averageGradients(optD.params(), lossD.item())[0], epoch); // checked before D moves
        gradD = GradientNorm.of(optD.params());
        optD.step();
        if (clip > 0f) new WeightClipping(clip).apply(d);
      }

      // (2) Update G once: maximise log D(G(z)) (non-saturating), reusing the last D step's G(z).
      // A conditional G is trained on labels y ~ U{0..9} (the seed's cGAN: sampled_labels), with the same z
      // and a second forward of G; unconditional models (and feature matching, which pairs real and fake
      // features class by class) reuse the D step's G(z).
      optG.zeroGrad();
      int[] yG = batch.labels();
      if (cfg.conditional() && !cfg.featureMatching) {
        yG = uniformLabels(z.size(0));
        fake = g.generate(z, yG);
      }
      Tensor lossG = cfg.featureMatching
          ? new FeatureMatching().generatorLoss(d, noisy(batch.images()), noisy(fake), batch.labels())
          : loss.generatorLoss(d.score(noisy(fake), yG));
      Autograd.backward(lossG, optG.params());                            // G's gradients only
      float gLoss = finite("g_loss", par.averageGradients(optG.params(), lossG.item())[0], epoch);
      float gradG = GradientNorm.of(optG.params());
      optG.step();
      if (ema != null) ema.update();

      boolean logits = loss.logitOutput();                                 // σ(a) only where a is a logit
      float meanReal = (logits ? dReal.sigmoid() : dReal).mean().item(), meanFake = (logits ? dFake.sigmoid() : dFake).mean().item();
      // the ranks' means, and one stop decision for all: a stop request seen by any rank stops every rank after this step
      float[] agreed = par.averageScalars(backend, new float[] {meanReal, meanFake, stopRequest != null ? 1f : 0f});
      meanReal = agreed[0];
      meanFake = agreed[1];
      stopAgreed = agreed[2] > 0f;
      if (stopAgreed && stopRequest == null) stopRequest = "a stop request on another rank";
      return new StepStats(step + 1, epoch, dLoss, gLoss, meanReal, meanFake, gradG, gradD, (System.nanoTime() - t0) / 1e6, logits);
    }
  }

  /** n labels drawn uniformly from the classes, from the train stream (so a resume draws the same). */
  private int[] uniformLabels(int n) {
    float[] u = trainRng.uniform(Devices.cpu(), 0f, CganMlp.CLASSES, n).toArray();
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = Math.min(CganMlp.CLASSES - 1, (int) u[i]);
    return y;
  }

  // ---- stabilisers ----------------------------------------------------------------------------

  /** Instance noise ({@link InstanceNoise}): σ₀ annealed linearly to 0 over --instance-noise-steps; identity when off. */
  private Tensor noisy(Tensor x) {
    return instanceNoise == null ? x : instanceNoise.apply(x, step, trainRng);
  }

  // ---- logging and checks ---------------------------------------------------------------------


  private float finite(String name, float value, int epoch) {
    if (Float.isFinite(value)) return value;
    String where = DivergenceAdvice.of(cfg, lastCheckpoint, "a stabiliser (--spectral-norm, --label-smoothing 0.1)");
    progress.interrupt();
    throw new TrainingDiverged("training stopped at step " + (step + 1) + " (epoch " + epoch + "): " + name + " is " + value
        + ". " + where);
  }

  private static Map<String, Object> metricsLine(StepStats s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", s.step());
    m.put("epoch", s.epoch());
    m.put("d_loss", s.dLoss());
    m.put("g_loss", s.gLoss());
    m.put(s.realKey(), s.dReal());
    m.put(s.fakeKey(), s.dFake());
    m.put("grad_norm_g", s.gradNormG());
    m.put("grad_norm_d", s.gradNormD());
    m.put("ms_per_step", Math.round(s.ms() * 1000) / 1000.0);
    return m;
  }

  /** FID of G-EMA (or G, without --ema-decay) after {@code epoch}: one "type":"eval" line and a console line. */
  private void scoreFid(int epoch, MetricsLog log) throws IOException {
    refreshEmaStatistics();
    GeneratorNet net = ema != null ? (GeneratorNet) ema.model() : g;
    Map<String, Object> line = fid.score(net, ema != null, backend, step, epoch);
    log.append(line);
    progress.note(TrainingFid.consoleLine(line, cfg.epochs));
  }

  /**
   * Scores FID with {@code scorer} at the epochs that --fid-every names; needed before {@link #train()}
   * when it is on. The scorer should hold its reference statistics (computed once per run).
   */
  public Trainer scoreFidWith(FidScorer scorer) {
    this.fid = new TrainingFid(java.util.Objects.requireNonNull(scorer, "scorer"), cfg);
    return this;
  }

  // ---- samples --------------------------------------------------------------------------------

  /** G(fixed noise) as a grid: samples/NAME and samples/latest.png (and from G-EMA, ema-NAME). */
  /**
   * losses.png, drawn with Java2D. A runtime without java.desktop (the GPU kit's jlinked one) has no
   * Java2D: the plot is then skipped with one note; metrics.jsonl holds the same numbers.
   */
  private void writeLossPlot() throws IOException {
    if (ModuleLayer.boot().findModule("java.desktop").isEmpty()) {
      if (!lossPlotSkipNoted) progress.note("losses.png skipped: this Java runtime has no java.desktop (Java2D); the"
          + " losses are in " + run.metrics());
      lossPlotSkipNoted = true;
      return;
    }
    LossPlot plot = LossPlot.fromMetrics(run.metrics(), List.of("d_loss", "g_loss"), cfg.model + " (" + cfg.loss + ")")
        .smoothing(0.9).yLabel("loss (mean per step)");
    for (Equilibrium.Line l : Equilibrium.lines(cfg)) plot.reference(l.label(), l.value(), l.series());
    plot.write(run.lossPlot(), 900, 500);
  }

  private boolean lossPlotSkipNoted;

  private void writeSamples(String name) throws IOException {
    writeGrid(g, name);
    if (ema != null) {
      refreshEmaStatistics();
      writeGrid((GeneratorNet) ema.model(), "ema-" + name);
    }
  }

  private long emaStatisticsAt = -1;        // the step at which G-EMA's BN statistics were last recomputed

  /**
   * G-EMA's batch-norm statistics recomputed for its averaged weights ({@link Samples#recomputeBatchNorm},
   * z from the "eval" stream restarted at 0, so no training draw moves), before it is sampled, scored
   * or saved; at most once per step.
   */
  private void refreshEmaStatistics() {
    if (ema == null || emaStatisticsAt == step) return;
    Samples.recomputeBatchNorm((GeneratorNet) ema.model(), backend, RunStreams.eval(cfg.seed), cfg.batch);
    emaStatisticsAt = step;
  }

  private void writeGrid(GeneratorNet net, String name) throws IOException {
    float[] images = Samples.generate(net, fixedNoise, fixedLabels);
    int cols = fixedLabels != null ? CganMlp.CLASSES : ImageGrid.columnsFor(fixedNoise.size(0));
    int rows = (fixedNoise.size(0) + cols - 1) / cols;
    ImageGrid.write(run.samples().resolve(name), images, 1, 28, 28, rows, cols, 2);
    if (!name.startsWith("ema-")) ImageGrid.write(run.samples().resolve("latest.png"), images, 1, 28, 28, rows, cols, 2);
  }

  // ---- checkpoints ----------------------------------------------------------------------------

  /** Writes checkpoints/step-N (G, D, both optimisers, G-EMA, state.json) and prunes old ones. */
  private void saveCheckpoint() throws IOException {
    refreshEmaStatistics();
    Map<String, Map<String, TensorData>> files = CheckpointContents.tensors(g, d, optG, optD, ema);
    Map<String, Object> state = CheckpointContents.position(step, stepsPerEpoch, initRng, trainRng, batches.cursor());
    state.put("world_size", par.world());
    state.put("config", cfg.toJson());
    state.put("written", Instant.now().toString());
    lastCheckpoint = CheckpointContents.write(run, step, files, state, metrics, cfg.keepCheckpoints);
    checkpointStep = step;
  }

  /**
   * Asks {@link #train()} to stop at the next step boundary (after the step in progress), write a
   * checkpoint there and return; safe to call from any thread (a signal handler). {@code why} is kept
   * for {@link #stopRequest()}.
   */
  @Override
  public void requestStop(String why) {
    stopRequest = why;
  }

  /** Why {@link #train()} stopped early ({@link #requestStop}), or null when it was not asked to. */
  @Override
  public String stopRequest() {
    return stopRequest;
  }

  /**
   * Continues from {@code c}: weights, buffers, optimiser moments, G-EMA, the train stream's offset, the
   * data cursor and the step. Its config must equal this trainer's except for
   * {@link TrainConfig#CHANGEABLE_ON_RESUME}.
   */
  @Override
  public void restore(Checkpoint c) throws IOException {
    if (CheckpointContents.checkConfig(c, cfg, noiseHorizonUnset)) {
      instanceNoise = new InstanceNoise(cfg.instanceNoise, cfg.instanceNoiseSteps);
    }
    CheckpointContents.loadTensors(c, g, d, optG, optD, ema);
    long offset = CheckpointContents.trainOffset(c, RunStreams.train(cfg.seed), cfg.seed);
    for (Generator r : trainRngs) r.setOffset(offset);                   // rank 0's offset: every rank draws as much
    batches.restore(CheckpointContents.cursor(c));
    step = c.step();
    lastCheckpoint = c.folder();
    checkpointStep = step;
  }

  // ---- checks and accessors -------------------------------------------------------------------

  /**
   * A one-process simulation of W ranks draws z per rank's stream; draws that other parts of a step make from
   * the train stream (instance noise, the penalties' ε, cgan's labels) are not split by rank, so it refuses them.
   */
  private boolean hasDropout() {
    for (Module m : d.modules()) if (m instanceof Dropout) return true;
    for (Module m : g.modules()) if (m instanceof Dropout) return true;
    return false;
  }

  private void checkSimulable() {
    List<String> bad = new java.util.ArrayList<>();
    if (cfg.instanceNoise > 0f) bad.add("--instance-noise");
    if (!regularizers.isEmpty()) bad.add("a gradient penalty (" + describeObjective() + ")");
    if (cfg.conditional()) bad.add("the conditional model " + cfg.model);
    if (hasDropout()) bad.add("the dropout masks of " + cfg.model);
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException("--simulate-ranks reproduces the ranks' z and data only, not the other draws of "
          + String.join(", ", bad) + "; drop them to compare with --nproc");
    }
  }

  private void checkData(ImageDataset data) {
    if (data.channels() != 1 || data.height() != 28 || data.width() != 28) {
      throw new IllegalArgumentException("the models take 1×28×28 images; the data set has " + data.channels() + "×"
          + data.height() + "×" + data.width());
    }
    if (cfg.conditional() && data.numClasses() > CganMlp.CLASSES) {
      throw new IllegalArgumentException("cgan-mlp has " + CganMlp.CLASSES + " classes; the data set has labels up to "
          + (data.numClasses() - 1));
    }
  }

  @Override
  public TrainConfig config() { return cfg.copy(); }

  /** "wgan-gp + gradient-penalty", "wgan, weight clipping 0.01", "non-saturating". */
  @Override
  public String describeObjective() {
    StringBuilder b = new StringBuilder(loss.name());
    for (Regularizer r : regularizers) b.append(" + ").append(r.name());
    if (clip > 0f) b.append(", weight clipping ").append(clip);
    return b.toString();
  }

  public GeneratorNet generator() { return g; }

  public DiscriminatorNet discriminator() { return d; }

  /** G-EMA's averaged generator, or null without --ema-decay. */
  public GeneratorNet averagedGenerator() { return ema == null ? null : (GeneratorNet) ema.model(); }

  @Override
  public Backend backend() { return backend; }

  /** Iterations done so far. */
  @Override
  public long step() { return step; }

  @Override
  public int stepsPerEpoch() { return stepsPerEpoch; }

  @Override
  public long totalSteps() { return totalSteps; }

  /** The newest checkpoint written or resumed from, or null. */
  @Override
  public Path lastCheckpoint() { return lastCheckpoint; }

  @Override
  public RunFolder runFolder() { return run; }
}
