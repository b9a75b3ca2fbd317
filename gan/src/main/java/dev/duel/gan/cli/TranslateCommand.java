package dev.duel.gan.cli;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.gan.data.ImageFit;
import dev.duel.gan.data.PngDecoder;
import dev.duel.gan.models.UNet;
import dev.duel.gan.report.PairImage;
import dev.duel.gan.train.Checkpoints;
import dev.duel.gan.train.RunStreams;
import dev.duel.gan.train.StateMaps;
import dev.duel.gan.train.TrainConfig;
import dev.duel.gan.train.TranslationModels;
import dev.duel.nn.Dropout;
import dev.duel.nn.Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code duel translate}: runs a pix2pix checkpoint's generator on PNGs drawn anywhere. Each PNG (gray,
 * RGB, RGBA, palette; 1 to 16 bits; read by {@link PngDecoder}, no AWT) is fitted to the model's input by
 * {@link ImageFit} (alpha over white, channels to the model's, resized to its H×W, [−1, 1]), translated,
 * and written as input | output side by side ({@link PairImage}, atomically).
 *
 * <p>G runs in eval mode: batch norm on its running statistics and, by default, no dropout, so a
 * translation is deterministic. pix2pix's paper keeps dropout at test time as its only noise;
 * {@code --dropout} does that (masks from Philox stream {@code --seed}), batch norm staying on running
 * statistics.
 */
@Command(name = "translate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Translate PNGs with an image-to-image (pix2pix) checkpoint: writes input | output side by side.",
        "Any PNG works (gray, RGB, RGBA, palette, 8/16-bit): it is resized to the model's size, alpha composited over white,"
            + " and gray-scaled (luma) or expanded to the model's channels."},
    footer = {"", "Examples:", "  duel translate runs/edges --input docs/img/sketch-shirt.png --out shirt.png",
        "  duel translate runs/edges/checkpoints/step-200 --input sketches/ --out translated/ --zoom 4"},
    exitCodeOnExecutionException = 1)
final class TranslateCommand implements Callable<Integer> {
  /** Files translated per forward pass (and held in memory at once). */
  static final int CHUNK = 64;
  static final int MAX_ZOOM = 64;

  private final Main.Io io;

  TranslateCommand(Main.Io io) {
    this.io = io;
  }

  @Parameters(index = "0", paramLabel = "RUN_OR_CHECKPOINT",
      description = "a pix2pix run folder (its newest complete checkpoint) or a checkpoint folder (…/checkpoints/step-N)")
  Path source;

  @Option(names = "--input", required = true, paramLabel = "FILE_OR_FOLDER",
      description = "a PNG, or a folder whose .png files are all translated (in name order)")
  Path input;

  @Option(names = "--out", required = true, paramLabel = "FILE_OR_FOLDER",
      description = "the PNG to write (for one input file; an existing folder gets INPUT's name), or the folder to write into (for an input folder; created if missing)")
  Path out;

  @Option(names = "--zoom", defaultValue = "1", paramLabel = "K",
      description = "draw every pixel as a K×K block (default: ${DEFAULT-VALUE}, the model's size)")
  int zoom;

  @Option(names = "--ema", description = "use the G-EMA weights (runs trained with --ema-decay)")
  boolean ema;

  @Option(names = "--dropout", description = "keep the decoder's dropout on, as pix2pix does at test time (default: off, deterministic)")
  boolean dropout;

  @Option(names = "--seed", defaultValue = "0", description = "seed of the dropout masks with --dropout (default: ${DEFAULT-VALUE})")
  long seed;

  @Mixin
  DeviceOptions devices;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try {
      if (zoom < 1 || zoom > MAX_ZOOM) throw new CommandLine.ParameterException(spec.commandLine(), "--zoom must be in [1, " + MAX_ZOOM + "], got " + zoom);
      source = Cwd.resolve(source);
      input = Cwd.resolve(input);
      out = Cwd.resolve(out);
      if (!Files.exists(input)) throw new NoSuchFileException(input.toString(), null, "--input not found");
      Checkpoints.Checkpoint c = Checkpoints.locate(source, io.err());
      Backend b = devices.backend();
      UNet g = generator(c, b);
      List<Path[]> jobs = jobs();                  // after the model loads: a bad checkpoint creates no --out folder
      for (int start = 0; start < jobs.size(); start += CHUNK) translate(g, b, jobs.subList(start, Math.min(jobs.size(), start + CHUNK)));
      io.out().println(String.format(Locale.ROOT, "translated %d PNG%s with %s (step %d%s%s, %d×%d×%d → %d×%d×%d) to %s",
          jobs.size(), jobs.size() == 1 ? "" : "s", c.folder(), c.step(), ema ? ", G-EMA" : "", dropout ? ", dropout on" : "",
          g.inChannels(), g.height(), g.width(), g.outChannels(), g.height(), g.width(), jobs.size() == 1 ? jobs.get(0)[1] : out));
      return 0;
    } catch (CommandLine.ParameterException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      return Main.fail(io, "duel translate", e);
    }
  }

  /** (input PNG, output PNG) for every file to translate; the output folder is created when needed. */
  List<Path[]> jobs() throws IOException {
    if (!Files.exists(input)) throw new NoSuchFileException(input.toString(), null, "--input not found");
    List<Path[]> jobs = new ArrayList<>();
    if (Files.isDirectory(input)) {
      if (Files.exists(out) && !Files.isDirectory(out))
        throw new IOException("--out " + out + " is a file; an --input folder needs an --out folder");
      List<Path> files = new ArrayList<>();
      try (Stream<Path> s = Files.list(input)) {
        s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png") && Files.isRegularFile(p)).forEach(files::add);
      }
      if (files.isEmpty()) throw new NoSuchFileException(input.toString(), null, "no .png files in this --input folder");
      files.sort(null);
      Files.createDirectories(out);
      for (Path f : files) jobs.add(new Path[] {f, out.resolve(f.getFileName().toString())});
      if (input.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize()))
        throw new IOException("--out " + out + " is the --input folder; choose another folder so the inputs are kept");
    } else {
      Path target = Files.isDirectory(out) ? out.resolve(input.getFileName().toString()) : out;
      if (!target.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png"))
        throw new IOException("--out " + target + ": name a .png file (or an existing folder)");
      if (target.toAbsolutePath().normalize().equals(input.toAbsolutePath().normalize()))
        throw new IOException("--out " + target + " is the --input file; choose another name so the input is kept");
      jobs.add(new Path[] {input, target});
    }
    return jobs;
  }

  /** The checkpoint's G in eval mode; with --dropout its Dropout layers stay in training mode, drawing from --seed. */
  UNet generator(Checkpoints.Checkpoint c, Backend b) throws IOException {
    String file = ema ? "g_ema.safetensors" : "g.safetensors";
    if (!dropout) return TranslationModels.generatorFrom(c, file, b);
    UNet reference = TranslationModels.generatorFrom(c, file, b);     // checks the file, the config and the weights
    String where = c.folder().resolve(Checkpoints.STATE).toString();
    TrainConfig cfg = TrainConfig.fromSaved(c.config(), where).validate();
    UNet g = TranslationModels.generator(cfg, TranslationModels.shapeOf(c), b, new Generator(RunStreams.init(cfg.seed)), new Generator(seed));
    var weights = reference.stateDict();
    for (var e : g.stateDict().entrySet()) e.getValue().assign(weights.get(e.getKey()));
    g.eval();
    boolean any = false;
    for (Module m : g.modules()) if (m instanceof Dropout d) { d.train(true); any = true; }
    if (!any) io.err().println("duel translate: note: this generator has no dropout layer; --dropout changes nothing");
    return g;
  }

  private void translate(UNet g, Backend b, List<Path[]> jobs) throws IOException {
    int cin = g.inChannels(), cout = g.outChannels(), h = g.height(), w = g.width(), per = cin * h * w;
    if ((cin != 1 && cin != 3) || (cout != 1 && cout != 3))
      throw new IOException(source + ": the model maps " + cin + "-channel inputs to " + cout + "-channel outputs; translate reads and writes PNGs as 1 (gray) or 3 (RGB) channels");
    float[] x = new float[jobs.size() * per];
    for (int i = 0; i < jobs.size(); i++) {
      PngDecoder.Image img = PngDecoder.read(jobs.get(i)[0]);
      System.arraycopy(ImageFit.fit(img, cin, h, w), 0, x, i * per, per);
    }
    float[] y;
    try (GradMode off = GradMode.disabled(); MemoryScope scope = MemoryScope.open()) {
      y = g.forward(Tensor.of(b, x, jobs.size(), cin, h, w)).toArray();
    }
    int perOut = cout * h * w;
    for (int i = 0; i < jobs.size(); i++) {
      float[] in = Arrays.copyOfRange(x, i * per, (i + 1) * per), o = Arrays.copyOfRange(y, i * perOut, (i + 1) * perOut);
      for (float v : o) {
        if (!Float.isFinite(v)) throw new ArithmeticException(jobs.get(i)[0] + ": the generator produced NaN/Inf pixels (a diverged checkpoint?)");
      }
      PairImage.write(jobs.get(i)[1], new float[][] {in, o}, new int[] {cin, cout}, h, w, zoom);
    }
  }
}
