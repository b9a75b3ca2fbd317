package dev.duel.gan.cli;

import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.gan.data.FashionMnist;
import dev.duel.gan.data.ImageDataset;
import dev.duel.gan.metrics.ClassifierTrainer;
import dev.duel.gan.metrics.ClassifierWeights;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code duel classifier}: the feature network of the metrics. Its one subcommand is {@code train}. */
@Command(name = "classifier", mixinStandardHelpOptions = true,
    description = "The Fashion-MNIST classifier whose features FID, KID and precision/recall use.",
    subcommands = {ClassifierCommand.Train.class, CalibrateCommand.class})
final class ClassifierCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;


  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: use 'classifier train' or 'classifier calibrate'");
  }

  /** {@code duel classifier train}: trains the classifier on the train split, reports test accuracy, saves the weights. */
  @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Trains the metrics' classifier on Fashion-MNIST's train split (Adam, cross-entropy, cosine-annealed lr), "
          + "reports its test accuracy and writes its weights (safetensors) and their sha256 to SHA256SUMS beside them.",
      exitCodeOnExecutionException = 1)
  static final class Train implements Callable<Integer> {
    private final Main.Io io;

    Train(Main.Io io) {
      this.io = io;
    }

    @Option(names = "--epochs", defaultValue = "10", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "128", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam's peak learning rate (default: ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the weights, batches, flips and dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-flip", negatable = false, description = "Turn off random horizontal flips.")
    boolean noFlip;

    @Option(names = "--data", paramLabel = "FOLDER", description = "Fashion-MNIST folder (default: the shipped data/fashion-mnist).")
    Path data;

    @Option(names = "--train-limit", paramLabel = "N", description = "Train on the first N training images only (quick runs).")
    Integer trainLimit;

    @Option(names = "--test-limit", paramLabel = "N", description = "Test on the first N test images only (quick runs).")
    Integer testLimit;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE",
        description = "Weights file (default: data/classifier/fashion-classifier.safetensors in the Duel checkout).")
    Path out;

    @Mixin
    DeviceOptions devices;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;


    @Override
    public Integer call() {
      PrintStream stdout = io.out();
      try {
        Backend backend = devices.backend();
        ClassifierTrainer.Options options = new ClassifierTrainer.Options(epochs, batch, lr, seed, !noFlip);
        Path folder = FashionMnist.locate(data);
        ImageDataset trainSet = FashionMnist.loadFolder(folder, ImageDataset.Split.TRAIN);
        ImageDataset testSet = FashionMnist.loadFolder(folder, ImageDataset.Split.TEST);
        if (trainLimit != null) trainSet = trainSet.head(Math.min(trainLimit, trainSet.size()));
        if (testLimit != null) testSet = testSet.head(Math.min(testLimit, testSet.size()));
        Path target = out != null ? out : folder.toAbsolutePath().getParent().resolve("classifier").resolve(ClassifierWeights.FILE_NAME);
        Path parent = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) Files.createDirectories(parent);
        stdout.printf("training the classifier: %d train / %d test images, %d epochs, batch %d, lr %s, seed %d, flips %s, on %s%n",
            trainSet.size(), testSet.size(), epochs, batch, lr, seed, !noFlip ? "on" : "off", backend.name());
        ClassifierTrainer.Result r = ClassifierTrainer.train(trainSet, testSet, options, backend, new PrintWriter(stdout, true));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("test_accuracy", String.format(Locale.ROOT, "%.4f", r.finalAccuracy()));
        meta.put("test_images", Integer.toString(testSet.size()));
        meta.put("train_images", Integer.toString(trainSet.size()));
        meta.put("epochs", Integer.toString(epochs));
        meta.put("batch", Integer.toString(batch));
        meta.put("lr", Float.toString(lr));
        meta.put("seed", Long.toString(seed));
        meta.put("flip", Boolean.toString(!noFlip));
        meta.put("cpu_threads", Integer.toString(Devices.cpuThreads()));
        meta.put("command", command());
        String sha = ClassifierWeights.save(r.model(), target, meta);
        stdout.printf("test accuracy %.4f on %d images; trained in %.0f s%n", r.finalAccuracy(), testSet.size(), r.trainSeconds());
        stdout.printf("wrote %s (sha256 %s) and its line in %s%n", target, sha, parent.resolve(ClassifierWeights.CHECKSUMS));
        stdout.flush();
        return 0;
      } catch (IllegalArgumentException | IOException | ArithmeticException | UnsupportedOperationException e) {
        return Main.fail(io, "duel classifier train", e);
      }
    }

    /** The options that reproduce this run, as a command line. */
    String command() {
      StringBuilder sb = new StringBuilder("duel classifier train --epochs " + epochs + " --batch " + batch + " --lr " + lr + " --seed " + seed);
      if (noFlip) sb.append(" --no-flip");
      if (trainLimit != null) sb.append(" --train-limit ").append(trainLimit);
      if (testLimit != null) sb.append(" --test-limit ").append(testLimit);
      return sb.toString();
    }
  }
}
