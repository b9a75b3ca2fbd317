package dev.duel.gan.train;

import dev.duel.engine.Autograd;
import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.gan.data.PairedData;
import dev.duel.gan.data.Shuffler;
import dev.duel.gan.data.SplitMix64;
import dev.duel.gan.loss.GanLoss;
import dev.duel.gan.loss.InstanceNoise;
import dev.duel.gan.loss.Regularizer;
import dev.duel.gan.loss.WeightClipping;
import dev.duel.gan.models.PatchGan;
import dev.duel.gan.models.UNet;
import dev.duel.gan.report.ImageGrid;
import dev.duel.gan.report.LossPlot;
import dev.duel.gan.train.Checkpoints.Checkpoint;
import dev.duel.gan.train.TranslationModels.PairShape;
import dev.duel.nn.optim.Adam;
import dev.duel.nn.optim.Ema;
import dev.duel.nn.state.AtomicFiles;
import dev.duel.nn.state.Json;
import dev.duel.nn.state.TensorData;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains pix2pix (Isola et al. 2017) on (input x, target y) pairs: a {@link UNet} G and a
 * {@link PatchGan} D on the pair [x, ·], with, E the mean over the batch and D's patches,
 * <pre>
 *   L_D = L_D^adv(D([x, y]), D([x, G(x)]))                 + the loss's penalties (WGAN-GP, R1)
 *   L_G = L_G^adv(D([x, G(x)])) + λ·E|y − G(x)|             λ = --l1-weight (100)
 * </pre>
 * L^adv is any of the six --loss objectives (non-saturating BCE by default, as in the paper). Each
 * iteration: k D steps (--d-steps), each on a fresh batch and a fresh G(x) (G's dropout is its noise),
 * then one G step on the last D step's batch and G(x). With --l1-only there is no D: L_G = λ·E|y − G(x)|,
 * the baseline that shows what the adversarial term adds.
 *
 * <p>Everything random comes from saved state, so a killed run resumes bit-identically on the CPU: the
 * weights from the init stream, dropout masks and penalty draws from the train stream (offset saved),
 * the batch order from the Shuffler (cursor saved), and a task's holes and noise from a draw computed
 * from the cursor ({@link RunStreams#task}). Writes what {@link Trainer} writes: metrics.jsonl,
 * samples/ (input | output | target rows of 16 fixed training pairs), losses.png, checkpoints/ (whose
 * state.json also records the pair shape, {@link TranslationModels#SHAPE_KEY}).
 */
public final class Pix2PixTrainer implements RunTrainer {
  /** Pairs in the sample grid, shown 8 per row group (input, output, target rows). */
  private static final int GRID_PAIRS = 16, GRID_COLUMNS = 8;

  private final TrainConfig cfg;
  private final RunFolder run;
  private final PairedData data;
  private final PairShape shape;
  private final Backend backend;
  private final GanLoss loss;                    // null with --l1-only
  private final List<Regularizer> regularizers;
  private final float clip;
  private final Pix2PixObjective objective;
  private final UNet g;
  private final PatchGan d;                      // null with --l1-only
  private final Adam optG, optD;                 // optD null with --l1-only
  private final Ema ema;
  private final Generator initRng, trainRng;
  private final Shuffler shuffler;
  private final int[] indices;
  private final float[] inputs, targets;
  private final float[] gridInputs, gridTargets;
  private final int stepsPerEpoch;
  private final long totalSteps;
  private InstanceNoise instanceNoise;
  private final boolean noiseHorizonUnset;
  private final PrintStream out;
  private final Progress progress;

  private long step;
  private Path lastCheckpoint;
  private long checkpointStep = -1;
  private MetricsLog metrics;
  private volatile String stopRequest;
  private long emaStatisticsAt = -1;
  private boolean lossPlotSkipNoted;

  /** A trainer with the objective the config names ({@link Objectives}). */
  public Pix2PixTrainer(TrainConfig config, PairedData data, Path runDir, PrintStream out, boolean tty) {
    this.cfg = config.copy().validate();
    if (!cfg.translation()) throw new IllegalArgumentException("Pix2PixTrainer trains pix2pix, not " + cfg.model);
    this.run = new RunFolder(runDir);
    this.data = data;
    this.out = out;
    this.progress = new Progress(out, tty);
    if (cfg.l1Only) progress.names("l1", "g_loss");
    shape = new PairShape(data.inputChannels(), data.targetChannels(), data.height(), data.width());
    checkData();
    backend = Devices.get(cfg.device);
    if (cfg.dNorm.isEmpty()) cfg.dNorm = cfg.resolvedDNorm();
    for (String w : cfg.warnings()) out.println("warning: " + w);

    Objectives.Objective gan = cfg.l1Only ? null : Objectives.of(cfg);
    loss = gan == null ? null : gan.loss();
    regularizers = gan == null ? List.of() : gan.regularizers();
    clip = gan == null ? 0f : gan.clip();
    objective = gan == null ? Pix2PixObjective.l1Only(cfg.l1Weight)
        : new Pix2PixObjective(loss, regularizers, cfg.l1Weight, cfg.realTarget());

    initRng = new Generator(RunStreams.init(cfg.seed));
    trainRng = new Generator(RunStreams.train(cfg.seed));
    g = TranslationModels.generator(cfg, shape, backend, initRng, trainRng);
    d = cfg.l1Only ? null : TranslationModels.discriminator(cfg, shape, backend, initRng);
    optG = new Adam(g.parameters(), cfg.lrG, cfg.beta1, cfg.beta2);
    optD = d == null ? null : new Adam(d.parameters(), cfg.lrD, cfg.beta1, cfg.beta2);
    ema = cfg.emaDecay > 0f
        ? new Ema(g, TranslationModels.generator(cfg, shape, backend, new Generator(RunStreams.init(cfg.seed)), null), cfg.emaDecay)
        : null;

    shuffler = new Shuffler(data.size(), cfg.batch, true, cfg.seed);   // full batches: batch norm sees batch statistics
    indices = new int[cfg.batch];
    inputs = new float[cfg.batch * shape.inputChannels() * shape.height() * shape.width()];
    targets = new float[cfg.batch * shape.outputChannels() * shape.height() * shape.width()];
    int dSteps = cfg.l1Only ? 1 : cfg.dSteps;
    int perPass = shuffler.batchesPerEpoch() / dSteps;
    if (perPass < 1) {
      throw new IllegalArgumentException("the " + data.size() + " pairs make " + shuffler.batchesPerEpoch() + " batches of "
          + cfg.batch + ", fewer than the " + dSteps + " D steps of one iteration; use a smaller --batch or --d-steps");
    }
    stepsPerEpoch = cfg.limit > 0 ? Math.min(cfg.limit, perPass) : perPass;
    totalSteps = (long) stepsPerEpoch * cfg.epochs;
    noiseHorizonUnset = cfg.instanceNoiseSteps == 0;
    if (cfg.instanceNoise > 0f && noiseHorizonUnset) cfg.instanceNoiseSteps = Math.max(1, totalSteps);
    instanceNoise = cfg.instanceNoise > 0f ? new InstanceNoise(cfg.instanceNoise, cfg.instanceNoiseSteps) : null;

    // The grid's pairs: the first 16 of the data set, with the "fixed" stream's draw (same in every run of the seed).
    int cells = Math.min(GRID_PAIRS, data.size());
    int[] first = new int[cells];
    for (int i = 0; i < cells; i++) first[i] = i;
    gridInputs = new float[cells * shape.inputChannels() * shape.height() * shape.width()];
    gridTargets = new float[cells * shape.outputChannels() * shape.height() * shape.width()];
    data.gather(first, cells, RunStreams.fixed(cfg.seed), gridInputs, gridTargets);
  }

  // ---- the training loop ----------------------------------------------------------------------

  @Override
  public StepStats train() throws IOException {
    run.create();
    try (RunLock lock = RunLock.acquire(run.root())) {
      return trainLocked();
    }
  }

  private StepStats trainLocked() throws IOException {
    Checkpoints.removeTemporaries(run.checkpoints());
    AtomicFiles.writeString(run.config(), Json.writePretty(cfg.toJson()));
    if (step == 0 && lastCheckpoint == null) saveCheckpoint();
    if (step >= totalSteps) {
      out.println("nothing to do: the run is at step " + step + " of " + totalSteps + "; pass a larger --epochs to train on");
      return null;
    }
    StepStats last = null;
    try (MetricsLog log = MetricsLog.resumeAt(run.metrics(), step)) {
      metrics = log;
      while (step < totalSteps) {
        int epoch = (int) (step / stepsPerEpoch) + 1;
        int inEpoch = (int) (step % stepsPerEpoch);
        if (inEpoch == 0 || last == null) progress.startEpoch(epoch, cfg.epochs, stepsPerEpoch, inEpoch);
        Map<String, Object> line = new LinkedHashMap<>();
        last = iteration(epoch, line);
        step++;
        log.append(line);
        progress.step(inEpoch + 1, last);

        boolean epochEnd = step % stepsPerEpoch == 0;
        if (epochEnd) {
          progress.endEpoch();
          writeSamples(String.format(Locale.ROOT, "epoch-%03d.png", epoch));
          writeLossPlot();
        } else if (cfg.sampleEvery > 0 && step % cfg.sampleEvery == 0) {
          writeSamples(String.format(Locale.ROOT, "step-%07d.png", step));
        }
        if (epochEnd || (cfg.checkpointEvery > 0 && step % cfg.checkpointEvery == 0)) saveCheckpoint();
        if (stopRequest != null) {
          if (checkpointStep != step) saveCheckpoint();
          progress.interrupt();
          break;
        }
      }
    } finally {
      metrics = null;
    }
    return last;
  }

  /** One iteration: k D steps, then one G step; {@code line} receives its metrics.jsonl entry. */
  private StepStats iteration(int epoch, Map<String, Object> line) {
    long t0 = System.nanoTime();
    try (MemoryScope scope = MemoryScope.open()) {
      Tensor x = null, y = null, fake = null, dReal = null, dFake = null;
      float dLoss = Float.NaN, gradD = Float.NaN;

      // (1) Update D, k times: minimise L_D on [x, y] (real) and [x, G(x)] (fake, detached from G).
      int dSteps = d == null ? 1 : cfg.dSteps;
      for (int i = 0; i < dSteps; i++) {
        Tensor[] batch = nextBatch();
        x = batch[0];                                                     // N×C_in×H×W
        y = batch[1];                                                     // N×C_out×H×W
        fake = g.forward(x);                                              // G(x), dropout from trainRng
        if (d == null) break;
        optD.zeroGrad();
        Pix2PixObjective.DiscriminatorStep ds = objective.discriminator(d, x, y, fake, this::noisy, trainRng);
        dReal = ds.dReal();                                               // N×1×H'×W' patch logits on [x, y]
        dFake = ds.dFake();                                               // on [x, G(x)]
        Tensor lossD = ds.loss();
        lossD.backward();
        dLoss = finite("d_loss", lossD.item(), epoch);
        gradD = GradientNorm.of(optD.params());
        optD.step();
        if (clip > 0f) new WeightClipping(clip).apply(d);
      }

      // (2) Update G once: L_G = L_G^adv(D([x, G(x)])) + λ·E|y − G(x)|, or λ·E|y − G(x)| alone.
      optG.zeroGrad();
      Pix2PixObjective.GeneratorStep gs = objective.generator(d, x, y, fake, this::noisy);
      Tensor lossG = gs.loss(), gan = gs.gan(), l1 = gs.l1();
      Autograd.backward(lossG, optG.params());                            // G's gradients only
      float gLoss = finite("g_loss", lossG.item(), epoch);
      float l1Value = l1.item(), gGan = gan == null ? Float.NaN : gan.item();
      float gradG = GradientNorm.of(optG.params());
      optG.step();
      if (ema != null) ema.update();

      double ms = (System.nanoTime() - t0) / 1e6;
      boolean logits = d != null && loss.logitOutput();
      float meanReal = Float.NaN, meanFake = Float.NaN;
      if (d != null) {
        meanReal = (logits ? dReal.sigmoid() : dReal).mean().item();
        meanFake = (logits ? dFake.sigmoid() : dFake).mean().item();
      }
      StepStats s = new StepStats(step + 1, epoch, d == null ? l1Value : dLoss, gLoss, meanReal, meanFake, gradG, gradD, ms, logits);
      line.put("step", s.step());
      line.put("epoch", epoch);
      if (d != null) line.put("d_loss", dLoss);
      line.put("g_loss", gLoss);
      if (d != null) line.put("g_gan", gGan);
      line.put("l1", l1Value);
      if (d != null) {
        line.put(s.realKey(), meanReal);
        line.put(s.fakeKey(), meanFake);
      }
      line.put("grad_norm_g", gradG);
      if (d != null) line.put("grad_norm_d", gradD);
      line.put("ms_per_step", Math.round(ms * 1000) / 1000.0);
      return s;
    }
  }

  /**
   * The next batch [x, y] on the device. The task's draw is mix(task(seed) ⊕ mix(epoch·2³² + position))
   * from the cursor just past the batch, unique per batch and restored with the cursor on resume.
   */
  private Tensor[] nextBatch() {
    int n = shuffler.next(indices);
    Shuffler.Cursor at = shuffler.cursor();
    long draw = SplitMix64.mix(RunStreams.task(cfg.seed) ^ SplitMix64.mix((at.epoch() << 32) + at.position()));
    data.gather(indices, n, draw, inputs, targets);
    return new Tensor[] {
        Tensor.of(backend, inputs, n, shape.inputChannels(), shape.height(), shape.width()),
        Tensor.of(backend, targets, n, shape.outputChannels(), shape.height(), shape.width())};
  }

  private Tensor noisy(Tensor pair) {
    return instanceNoise == null ? pair : instanceNoise.apply(pair, step, trainRng);
  }


  private float finite(String name, float value, int epoch) {
    if (Float.isFinite(value)) return value;
    String where = DivergenceAdvice.of(cfg, lastCheckpoint, "a lower --l1-weight or a stabiliser (--spectral-norm)");
    progress.interrupt();
    throw new TrainingDiverged("training stopped at step " + (step + 1) + " (epoch " + epoch + "): " + name + " is " + value + ". " + where);
  }

  // ---- samples and plots ----------------------------------------------------------------------

  private void writeSamples(String name) throws IOException {
    writeGrid(g, name);
    if (ema != null) {
      refreshEmaStatistics();
      writeGrid(ema.model() instanceof UNet u ? u : g, "ema-" + name);
    }
  }

  /**
   * Rows: the inputs x, the outputs G(x) (eval mode: batch norm's running statistics, no dropout), the
   * targets y, for 8 pairs; then the next 8. A 1-channel input beside 3-channel outputs is shown gray.
   */
  private void writeGrid(UNet net, String name) throws IOException {
    int cells = gridInputs.length / (shape.inputChannels() * shape.height() * shape.width());
    float[] outputs = PairedSamples.translate(net, backend, gridInputs, cells, cfg.batch);
    int c = Math.max(shape.inputChannels(), shape.outputChannels()), hw = shape.height() * shape.width();
    int groups = (cells + GRID_COLUMNS - 1) / GRID_COLUMNS;
    float[] grid = new float[groups * 3 * GRID_COLUMNS * c * hw];
    for (int i = 0; i < cells; i++) {
      int group = i / GRID_COLUMNS, col = i % GRID_COLUMNS;
      place(grid, (group * 3) * GRID_COLUMNS + col, c, hw, gridInputs, i, shape.inputChannels());
      place(grid, (group * 3 + 1) * GRID_COLUMNS + col, c, hw, outputs, i, shape.outputChannels());
      place(grid, (group * 3 + 2) * GRID_COLUMNS + col, c, hw, gridTargets, i, shape.outputChannels());
    }
    ImageGrid.write(run.samples().resolve(name), grid, c, shape.height(), shape.width(), groups * 3, GRID_COLUMNS, 2);
    if (!name.startsWith("ema-")) {
      ImageGrid.write(run.samples().resolve("latest.png"), grid, c, shape.height(), shape.width(), groups * 3, GRID_COLUMNS, 2);
    }
  }

  /** Copies image {@code i} of {@code from} (channels {@code fc}) into cell {@code cell} of the grid (c channels). */
  private static void place(float[] grid, int cell, int c, int hw, float[] from, int i, int fc) {
    for (int ch = 0; ch < c; ch++) System.arraycopy(from, (i * fc + Math.min(ch, fc - 1)) * hw, grid, (cell * c + ch) * hw, hw);
  }

  private void writeLossPlot() throws IOException {
    if (ModuleLayer.boot().findModule("java.desktop").isEmpty()) {
      if (!lossPlotSkipNoted) progress.note("losses.png skipped: this Java runtime has no java.desktop (Java2D); the"
          + " losses are in " + run.metrics());
      lossPlotSkipNoted = true;
      return;
    }
    List<String> keys = d == null ? List.of("l1") : List.of("d_loss", "g_gan", "l1");
    LossPlot.fromMetrics(run.metrics(), keys, "pix2pix " + cfg.task + " (" + describeObjective() + ")")
        .smoothing(0.9).write(run.lossPlot(), 900, 500);
  }

  /** G-EMA's batch-norm statistics recomputed on training inputs (the eval stream's draw), at most once per step. */
  private void refreshEmaStatistics() {
    if (ema == null || emaStatisticsAt == step) return;
    PairedSamples.recomputeBatchNorm((UNet) ema.model(), data, backend, RunStreams.eval(cfg.seed), cfg.batch);
    emaStatisticsAt = step;
  }

  // ---- checkpoints ----------------------------------------------------------------------------

  private void saveCheckpoint() throws IOException {
    refreshEmaStatistics();
    Map<String, Map<String, TensorData>> files = CheckpointContents.tensors(g, d, optG, optD, ema);
    Map<String, Object> state = CheckpointContents.position(step, stepsPerEpoch, initRng, trainRng, shuffler.cursor());
    state.put(TranslationModels.SHAPE_KEY, shape.toJson());
    state.put("config", cfg.toJson());
    state.put("written", Instant.now().toString());
    lastCheckpoint = CheckpointContents.write(run, step, files, state, metrics, cfg.keepCheckpoints);
    checkpointStep = step;
  }

  @Override
  public void restore(Checkpoint c) throws IOException {
    if (CheckpointContents.checkConfig(c, cfg, noiseHorizonUnset)) {
      instanceNoise = new InstanceNoise(cfg.instanceNoise, cfg.instanceNoiseSteps);
    }
    PairShape savedShape = TranslationModels.shapeOf(c);
    if (!savedShape.equals(shape)) {
      throw new IllegalArgumentException("cannot resume " + c.folder() + ": it was trained on pairs " + savedShape + ", the data gives " + shape);
    }
    CheckpointContents.loadTensors(c, g, d, optG, optD, ema);
    trainRng.setOffset(CheckpointContents.trainOffset(c, trainRng.seed(), cfg.seed));
    shuffler.restore(CheckpointContents.cursor(c));
    step = c.step();
    lastCheckpoint = c.folder();
    checkpointStep = step;
  }

  private void checkData() {
    if (data.size() < 1) throw new IllegalArgumentException(data.describe() + ": no pairs");
    if (data.height() < UNet.MIN_SIDE || data.width() < UNet.MIN_SIDE || data.height() > UNet.MAX_SIDE || data.width() > UNet.MAX_SIDE) {
      throw new IllegalArgumentException(data.describe() + ": pix2pix takes images of " + UNet.MIN_SIDE + "…" + UNet.MAX_SIDE
          + " pixels a side, the pairs are " + data.height() + "×" + data.width());
    }
  }

  // ---- accessors ------------------------------------------------------------------------------

  @Override
  public void requestStop(String why) { stopRequest = why; }

  @Override
  public String stopRequest() { return stopRequest; }

  @Override
  public TrainConfig config() { return cfg.copy(); }

  /** "non-saturating + 100.0·L1", "λ·L1 only (λ = 100.0)". */
  @Override
  public String describeObjective() {
    if (d == null) return "λ·L1 only (λ = " + cfg.l1Weight + "), no D";
    StringBuilder b = new StringBuilder(loss.name());
    for (Regularizer r : regularizers) b.append(" + ").append(r.name());
    b.append(" + ").append(cfg.l1Weight).append("·L1");
    if (clip > 0f) b.append(", weight clipping ").append(clip);
    return b.toString();
  }

  public UNet generator() { return g; }

  /** D, or null with --l1-only. */
  public PatchGan discriminator() { return d; }

  /** G-EMA's averaged generator, or null without --ema-decay. */
  public UNet averagedGenerator() { return ema == null ? null : (UNet) ema.model(); }

  public PairedData data() { return data; }

  public PairShape shape() { return shape; }

  @Override
  public Backend backend() { return backend; }

  @Override
  public long step() { return step; }

  @Override
  public int stepsPerEpoch() { return stepsPerEpoch; }

  @Override
  public long totalSteps() { return totalSteps; }

  @Override
  public Path lastCheckpoint() { return lastCheckpoint; }

  @Override
  public RunFolder runFolder() { return run; }

  /** What the header prints about the models. */
  public String describeModels() {
    List<String> parts = new ArrayList<>();
    parts.add(String.format(Locale.ROOT, "G U-Net %,d parameters (depth %d, %d×%d padded to %d×%d)", g.parameterCount(), g.depth(),
        shape.height(), shape.width(), g.paddedSide(), g.paddedSide()));
    if (d != null) {
      int l = d.stridedLayers();
      parts.add(String.format(Locale.ROOT, "D PatchGAN %,d parameters (%d×%d logits of %d×%d patches, %s norm)", d.parameterCount(),
          PatchGan.outputSide(shape.height(), l), PatchGan.outputSide(shape.width(), l), PatchGan.receptiveField(l),
          PatchGan.receptiveField(l), cfg.resolvedDNorm()));
    }
    return String.join(", ", parts) + " (width " + cfg.resolvedWidth() + ")";
  }
}
