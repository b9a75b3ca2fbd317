package dev.duel.gan.cli;

import dev.duel.engine.Backend;
import dev.duel.gan.data.ImageDataset;
import dev.duel.gan.metrics.CheckpointSampler;
import dev.duel.gan.metrics.ClassifierWeights;
import dev.duel.gan.metrics.Evaluator;
import dev.duel.gan.metrics.IdxImages;
import dev.duel.gan.metrics.ImageSet;
import dev.duel.gan.metrics.PngFolder;
import dev.duel.gan.metrics.TranslationEvaluation;
import dev.duel.gan.train.Checkpoints;
import dev.duel.nn.state.AtomicFiles;
import dev.duel.nn.state.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code duel eval}: scores a sample set against a reference set with FID, KID, precision/recall, the
 * classifier score and class coverage over the shipped Fashion-MNIST classifier; prints a table and
 * writes the numbers as JSON (atomically). See docs/evaluation.md.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Scores generated images against real ones: FID, KID, precision/recall (k-NN), classifier score, class coverage.",
        "INPUT is a checkpoint folder (runs/NAME/checkpoints/step-N), a run folder "
            + "(its newest complete checkpoint), an IDX(.gz) file of N×28×28 images, or a folder of 28×28 grayscale PNGs.",
        "A pix2pix (image-to-image) run or checkpoint is scored on its task's test pairs: L1, PSNR, SSIM, and the outputs' FID etc."},
    exitCodeOnExecutionException = 1)
final class EvalCommand implements Callable<Integer> {
  private final Main.Io io;

  EvalCommand(Main.Io io) {
    this.io = io;
  }

  @Parameters(index = "0", paramLabel = "INPUT", description = "Checkpoint or run folder, IDX(.gz) file, or PNG folder.")
  Path input;

  @Option(names = "--reference", paramLabel = "test|train|PATH", defaultValue = "test",
      description = "Real images to compare with: a split of the shipped Fashion-MNIST, or an IDX file / PNG folder (default: ${DEFAULT-VALUE}).")
  String reference;

  @Option(names = "--data", paramLabel = "FOLDER", description = "Fashion-MNIST folder for --reference test/train (default: the shipped data/fashion-mnist).")
  Path data;

  @Option(names = {"-n", "--samples"}, paramLabel = "N",
      description = "Images to generate from a checkpoint (default 10000); for an IDX file or PNG folder, score only the first N.")
  Integer samples;

  @Option(names = "--max-reference", paramLabel = "N", defaultValue = "10000",
      description = "Largest reference set; a larger one is subsampled with --seed (default: ${DEFAULT-VALUE}).")
  int maxReference;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the generator's noise, reference subsampling and KID subsets (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--ema", description = "Score a checkpoint's G-EMA weights (runs trained with --ema-decay).")
  boolean ema;

  @Option(names = "--classifier", paramLabel = "FILE", description = "Classifier weights (default: the shipped data/classifier/fashion-classifier.safetensors).")
  Path classifier;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Also write the report as JSON to FILE (default: none, the table on stdout only).")
  Path out;

  @Option(names = "--kid-subsets", defaultValue = "100", description = "KID subsets (default: ${DEFAULT-VALUE}).")
  int kidSubsets;

  @Option(names = "--kid-subset-size", defaultValue = "1000", description = "KID subset size (default: ${DEFAULT-VALUE}).")
  int kidSubsetSize;

  @Option(names = "--k", defaultValue = "3", description = "Neighbour rank of precision/recall (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--splits", defaultValue = "10", description = "Splits of the classifier score (default: ${DEFAULT-VALUE}).")
  int splits;

  @Option(names = "--batch", defaultValue = "500", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
  int batch;

  @Mixin
  DeviceOptions devices;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;


  @Override
  public Integer call() {
    PrintStream stdout = io.out();
    try {
      validate();
      Backend backend = devices.backend();
      Checkpoints.Checkpoint translation = translationCheckpoint();
      if (translation != null) return evaluateTranslation(translation, backend);
      ImageSet sampleSet = loadSamples(backend);
      ImageSet referenceSet = loadReference();
      ClassifierWeights.Loaded c = ClassifierWeights.load(backend, classifier);
      Evaluator.Settings settings = new Evaluator.Settings(kidSubsets, kidSubsetSize, k, splits, seed, batch);
      Evaluator.Report report = new Evaluator(c, backend, referenceSet, settings).evaluate(sampleSet);
      Map<String, Object> json = report.toJson();
      json.put("classifier", c.file().toString());
      json.put("seed", seed);
      if (out != null) AtomicFiles.writeString(Cwd.resolve(out).toAbsolutePath(), Json.writePretty(json));
      stdout.print(report.table());
      stdout.println();
      if (out != null) stdout.println("wrote " + Cwd.resolve(out));
      stdout.flush();
      return 0;
    } catch (CommandLine.ParameterException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      return Main.fail(io, "duel eval", e);
    }
  }

  /** The checkpoint INPUT names when it is an image-to-image (pix2pix) run or checkpoint; null otherwise. */
  private Checkpoints.Checkpoint translationCheckpoint() throws IOException {
    Path p = Cwd.resolve(input);
    if (!Files.isDirectory(p) || !CheckpointSampler.isCheckpointOrRun(p)) return null;
    Checkpoints.Checkpoint c = Checkpoints.locate(p, io.err());
    return TranslationEvaluation.isTranslation(c) ? c : null;
  }

  /** duel eval of a pix2pix checkpoint: L1, PSNR, SSIM on the test pairs, and the outputs' FID etc. (docs/image-to-image.md). */
  private int evaluateTranslation(Checkpoints.Checkpoint c, Backend backend) throws IOException {
    data = Cwd.resolve(data);
    Evaluator.Settings settings = new Evaluator.Settings(kidSubsets, kidSubsetSize, k, splits, seed, batch);
    String folderTask = dev.duel.gan.train.TrainConfig.fromSaved(c.config(), c.folder().resolve(Checkpoints.STATE).toString()).taskFolder();
    TranslationEvaluation.Result r = TranslationEvaluation.evaluate(c, ema ? CheckpointSampler.EMA_WEIGHTS : CheckpointSampler.WEIGHTS,
        backend, data, folderTask == null ? null : Cwd.resolve(folderTask), samples == null ? Integer.MAX_VALUE : samples, seed, batch,
        () -> new Evaluator(ClassifierWeights.load(backend, classifier), backend, loadReference(), settings));
    Map<String, Object> json = r.toJson();
    json.put("seed", seed);
    if (out != null) AtomicFiles.writeString(Cwd.resolve(out).toAbsolutePath(), Json.writePretty(json));
    io.out().print(r.table());
    io.out().println();
    if (out != null) io.out().println("wrote " + Cwd.resolve(out));
    io.out().flush();
    return 0;
  }

  private void validate() {
    require(maxReference >= 2, "--max-reference must be at least 2");
    require(kidSubsets >= 1, "--kid-subsets must be at least 1");
    require(kidSubsetSize >= 2, "--kid-subset-size must be at least 2");
    require(k >= 1, "--k must be at least 1");
    require(splits >= 1, "--splits must be at least 1");
    require(batch >= 1, "--batch must be at least 1");
    require(samples == null || samples >= 1, "--samples must be at least 1");
  }

  private void require(boolean ok, String message) {
    if (!ok) throw new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /** The images to score, from a checkpoint, an IDX file or a PNG folder. */
  ImageSet loadSamples(Backend backend) throws IOException {
    input = Cwd.resolve(input);
    data = Cwd.resolve(data);
    if (!Files.exists(input)) throw new java.nio.file.NoSuchFileException(input.toString(), null, "input not found");
    if (Files.isDirectory(input)) {
      if (CheckpointSampler.isCheckpointOrRun(input)) {
        return CheckpointSampler.sample(input, ema ? CheckpointSampler.EMA_WEIGHTS : CheckpointSampler.WEIGHTS, backend,
            samples == null ? 10_000 : samples, seed, batch, io.err());
      }
      ImageSet s = PngFolder.read(input);
      return samples == null ? s : s.head(samples);
    }
    ImageSet s = IdxImages.read(input);
    return samples == null ? s : s.head(samples);
  }

  /** The reference: a Fashion-MNIST split, or an IDX file / PNG folder; at most --max-reference images. */
  ImageSet loadReference() throws IOException {
    String r = reference.toLowerCase(Locale.ROOT);
    if (r.equals("test") || r.equals("train")) {
      return Evaluator.referenceSplit(data, r.equals("test") ? ImageDataset.Split.TEST : ImageDataset.Split.TRAIN, maxReference, seed);
    }
    Path p = Cwd.resolve(reference);
    if (!Files.exists(p)) {
      throw new java.nio.file.NoSuchFileException(reference, null, "--reference must be test, train, an IDX file or a PNG folder");
    }
    ImageSet s = Files.isDirectory(p) ? PngFolder.read(p) : IdxImages.read(p);
    return s.randomSubset(maxReference, seed);
  }
}
