package dev.duel.gan.cli;

import dev.duel.engine.Backend;
import dev.duel.gan.data.FashionMnist;
import dev.duel.gan.data.IdxWriter;
import dev.duel.gan.data.ImageDataset;
import dev.duel.gan.metrics.CalibrationSets;
import dev.duel.gan.metrics.ClassifierScore;
import dev.duel.gan.metrics.ClassifierWeights;
import dev.duel.gan.metrics.Evaluator;
import dev.duel.gan.metrics.IdxImages;
import dev.duel.gan.metrics.ImageSet;
import dev.duel.gan.metrics.Kid;
import dev.duel.gan.metrics.PrecisionRecall;
import dev.duel.nn.state.AtomicFiles;
import dev.duel.nn.state.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code duel classifier calibrate}: writes the calibration sets of {@link CalibrationSets} as IDX files,
 * scores each against the test split exactly as {@code duel eval FILE} would, and prints the Markdown
 * table of docs/evaluation.md (and writes it as JSON).
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Scores reference image sets (real, degraded, noise, collapsed, class-dropped) so each metric has a scale; "
        + "writes them as IDX files (so 'duel eval FILE' reproduces each row), a Markdown table and JSON.",
    exitCodeOnExecutionException = 1)
final class CalibrateCommand implements Callable<Integer> {
  private final Main.Io io;

  CalibrateCommand(Main.Io io) {
    this.io = io;
  }

  @Option(names = "--out-dir", paramLabel = "FOLDER", defaultValue = "runs/calibration", description = "Where the sets and reports go (default: ${DEFAULT-VALUE}).")
  Path outDir;

  @Option(names = {"-n", "--samples"}, defaultValue = "10000", description = "Images per set (default: ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the noise sets and KID subsets (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--data", paramLabel = "FOLDER", description = "Fashion-MNIST folder (default: the shipped data/fashion-mnist).")
  Path data;

  @Option(names = "--classifier", paramLabel = "FILE", description = "Classifier weights (default: the shipped ones).")
  Path classifier;

  @Mixin
  DeviceOptions devices;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;


  @Override
  public Integer call() {
    PrintStream stdout = io.out();
    try {
      if (n < 10) throw new CommandLine.ParameterException(spec.commandLine(), "--samples must be at least 10");
      Backend backend = devices.backend();
      Files.createDirectories(outDir);
      ClassifierWeights.Loaded c = ClassifierWeights.load(backend, classifier);
      ImageSet reference = Evaluator.referenceSplit(data, ImageDataset.Split.TEST, 10_000, seed);
      Evaluator.Settings settings = new Evaluator.Settings(Kid.DEFAULT_SUBSETS, Kid.DEFAULT_SUBSET_SIZE, PrecisionRecall.DEFAULT_K,
          ClassifierScore.DEFAULT_SPLITS, seed, 500);
      Evaluator ev = new Evaluator(c, backend, reference, settings);
      ImageDataset train = FashionMnist.load(data, ImageDataset.Split.TRAIN);
      StringBuilder md = new StringBuilder();
      md.append("| set | n | FID | KID | precision | recall | classifier score | classes covered | class KL |\n");
      md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
      List<Object> rows = new ArrayList<>();
      for (CalibrationSets.Named set : CalibrationSets.build(train, n, seed)) {
        Path file = outDir.resolve(set.name() + ".idx3-ubyte.gz");
        IdxWriter.writeImages(file, set.images().images(), set.images().count(), 28, 28);
        ImageSet read = IdxImages.read(file);   // bytes, exactly what duel eval FILE scores
        Evaluator.Report r = ev.evaluate(read);
        md.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.4f ± %.4f | %.3f | %.3f | %.2f ± %.2f | %d | %.3f |%n",
            set.name(), r.sampleCount(), r.fid(), r.kid().mean(), r.kid().std(), r.precisionRecall().precision(),
            r.precisionRecall().recall(), r.classifierScore().mean(), r.classifierScore().std(), r.coverage().covered(),
            r.coverage().klFromUniform()));
        stdout.printf(Locale.ROOT, "%-14s FID %8.2f  KID %.4f  P %.3f  R %.3f  CS %.2f  covered %d  KL %.3f  (%.0f s)%n", set.name(), r.fid(),
            r.kid().mean(), r.precisionRecall().precision(), r.precisionRecall().recall(), r.classifierScore().mean(),
            r.coverage().covered(), r.coverage().klFromUniform(), r.seconds());
        stdout.flush();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("set", set.name());
        row.put("what", set.what());
        row.put("file", file.toString());
        row.putAll(r.toJson());
        rows.add(row);
      }
      AtomicFiles.writeString(outDir.resolve("calibration.md"), md.toString());
      AtomicFiles.writeString(outDir.resolve("calibration.json"), Json.writePretty(Map.of("classifier_sha256", c.sha256(), "rows", rows)));
      stdout.println();
      stdout.print(md);
      stdout.println("wrote " + outDir.resolve("calibration.md") + " and calibration.json");
      stdout.flush();
      return 0;
    } catch (CommandLine.ParameterException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      return Main.fail(io, "duel classifier calibrate", e);
    }
  }
}
