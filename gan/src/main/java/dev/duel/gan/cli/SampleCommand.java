package dev.duel.gan.cli;

import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.gan.data.IdxWriter;
import dev.duel.gan.models.CganMlp;
import dev.duel.gan.models.GeneratorNet;
import dev.duel.gan.report.ImageGrid;
import dev.duel.gan.train.Checkpoints;
import dev.duel.gan.train.GanModels;
import dev.duel.gan.train.Samples;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code duel sample}: images from a checkpoint's G, as a PNG grid or an IDX file. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Draw N images from a checkpoint's generator: a PNG grid (OUT ends in .png) or an IDX file (.idx, "
        + "-idx3-ubyte, .gz) that MNIST tools and duel eval read.",
    footer = {"", "Examples:", "  duel sample runs/dcgan28", "  duel sample runs/dcgan28/checkpoints/step-4685 --n 10000 --out fake.idx.gz",
        "  duel sample runs/cgan-mlp --labels 7 --n 16 --out sneakers.png"})
final class SampleCommand implements Callable<Integer> {
  static final int MAX_SAMPLES = 1_000_000, MAX_GRID = 4096, CHUNK = 256;
  private final Main.Io io;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RUN_OR_CHECKPOINT",
      description = "a run folder (its newest complete checkpoint is used) or a checkpoint folder (…/checkpoints/step-N)")
  Path source;

  @Option(names = "--n", paramLabel = "N", description = "number of images (default: ${DEFAULT-VALUE})")
  int n = 64;

  @Option(names = "--seed", paramLabel = "S", description = "seed of the noise z (default: ${DEFAULT-VALUE})")
  long seed = 0;

  @Option(names = "--labels", paramLabel = "L[,L...]", split = ",",
      description = "class labels for cgan-mlp, repeated to fill N (default: 0,1,...,9 so each grid column is a class)")
  int[] labels;

  @Option(names = "--ema", description = "use the G-EMA weights (runs trained with --ema-decay)")
  boolean ema;

  @Option(names = "--out", paramLabel = "FILE", description = "output file (default: samples.png in the run folder)")
  Path out;

  @Mixin
  DeviceOptions devices;

  SampleCommand(Main.Io io) {
    this.io = io;
  }

  @Override
  public Integer call() throws Exception {
    source = Cwd.resolve(source);
    out = out != null ? Cwd.resolve(out) : runRoot(source).resolve("samples.png");
    Format format = format(out);
    int max = format == Format.PNG ? MAX_GRID : MAX_SAMPLES;
    if (n < 1 || n > max) throw new ParameterException(spec.commandLine(), "--n must be in [1, " + max + "] for " + format + ", got " + n);
    Checkpoints.Checkpoint c = Checkpoints.locate(source, io.err());
    Backend b = devices.backend();
    GeneratorNet g = GanModels.generatorFrom(c, ema ? "g_ema.safetensors" : "g.safetensors", b);
    int[] y = labelsFor(g, labels, n, spec);

    float[] images = generate(g, b, seed, n, y);
    if (format == Format.PNG) {
      int cols = y != null && labels == null ? CganMlp.CLASSES : ImageGrid.columnsFor(n);
      ImageGrid.write(out, images, 1, 28, 28, (n + cols - 1) / cols, cols, 2);
    } else {
      IdxWriter.writeImages(out, images, n, 28, 28);
    }
    io.out().println(String.format(Locale.ROOT, "wrote %d samples of %s (step %d%s) to %s", n, c.folder(), c.step(), ema ? ", G-EMA" : "", out));
    return 0;
  }

  /** n images from z ~ N(0, I) of Philox stream {@code seed}, generated in chunks to bound memory: n×1×28×28. */
  static float[] generate(GeneratorNet g, Backend b, long seed, int n, int[] labels) {
    float[] all = new float[n * 28 * 28];
    float[] z = zHost(seed, n, g.latentDim());
    for (int start = 0; start < n; start += CHUNK) {
      int m = Math.min(CHUNK, n - start);
      try (MemoryScope scope = MemoryScope.open()) {
        float[] zc = java.util.Arrays.copyOfRange(z, start * g.latentDim(), (start + m) * g.latentDim());
        int[] yc = labels == null ? null : java.util.Arrays.copyOfRange(labels, start, start + m);
        float[] part = Samples.generate(g, Tensor.of(b, zc, m, g.latentDim()), yc);
        System.arraycopy(part, 0, all, start * 28 * 28, part.length);
      }
    }
    return all;
  }

  /** z for n samples, drawn on the CPU so every device gets the same noise: n×latent. */
  static float[] zHost(long seed, int n, int latent) {
    try (MemoryScope scope = MemoryScope.open()) {
      return new Generator(seed).normal(Devices.cpu(), 0f, 1f, n, latent).toArray();
    }
  }

  /** The labels for a conditional model (given ones repeated, or 0..9 cycling); null otherwise. */
  static int[] labelsFor(GeneratorNet g, int[] given, int n, CommandSpec spec) {
    boolean conditional = g instanceof CganMlp.G;
    if (!conditional) {
      if (given != null) throw new ParameterException(spec.commandLine(), "--labels: this model is not conditional (only cgan-mlp takes labels)");
      return null;
    }
    if (given != null && given.length == 0) throw new ParameterException(spec.commandLine(), "--labels needs at least one label");
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      int l = given == null ? i % CganMlp.CLASSES : given[i % given.length];
      if (l < 0 || l >= CganMlp.CLASSES) throw new ParameterException(spec.commandLine(), "--labels: " + l + " is not a class in 0..9");
      y[i] = l;
    }
    return y;
  }

  enum Format { PNG, IDX }

  /** The run folder of a run or checkpoint folder (runs/x for runs/x/checkpoints/step-N). */
  static Path runRoot(Path source) {
    Path s = source.toAbsolutePath().normalize();
    if (java.nio.file.Files.isRegularFile(s.resolve(Checkpoints.STATE)) && s.getParent() != null
        && s.getParent().getFileName() != null && s.getParent().getFileName().toString().equals("checkpoints")
        && s.getParent().getParent() != null) {
      return s.getParent().getParent();
    }
    return s;
  }

  private Format format(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".png")) return Format.PNG;
    if (name.endsWith(".idx") || name.endsWith("ubyte") || name.endsWith(".gz")) return Format.IDX;
    throw new ParameterException(spec.commandLine(), "--out " + file + ": name a .png file (a grid) or an IDX file (.idx, -idx3-ubyte, .gz)");
  }
}
