package dev.duel.gan.cli;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.gan.demo.PlotCanvas;
import dev.duel.gan.demo.RingGan;
import dev.duel.gan.demo.RingMixture;
import dev.duel.gan.demo.RingPlot;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code duel demo ring}: mode collapse on the 8-Gaussian ring. Trains each method with the same seed
 * and prints the modes covered and the share of high-quality samples; scatter plots go to the output folder.
 */
@Command(name = "ring", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Mode collapse on a ring of 8 Gaussians (radius 2, std 0.02; Metz et al. 2017).",
        "Trains a vanilla (non-saturating) GAN and the mitigations with the same seed and reports, per method,",
        "the modes covered (a mode needs --min-per-mode samples within 3 std), the share of samples within 3 std of a mode,",
        "and the entropy of those samples' nearest modes (1 = spread evenly over the 8 modes, 0 = all on one)."})
final class RingCommand implements Callable<Integer> {
  private final Main.Io io;

  RingCommand(Main.Io io) {
    this.io = io;
  }

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--methods", split = ",", paramLabel = "M",
      description = "methods, comma-separated: vanilla, minibatch, k-step, wgan-gp, unrolled, vanilla-budget (default: vanilla,vanilla-budget,unrolled,wgan-gp)")
  List<String> methods = List.of("vanilla", "vanilla-budget", "unrolled", "wgan-gp");

  @Option(names = "--steps", description = "G steps per method (default: ${DEFAULT-VALUE})")
  int steps = RingGan.Config.defaults().steps();

  @Option(names = "--batch", description = "real and fake samples per step, each (default: ${DEFAULT-VALUE})")
  int batch = RingGan.Config.defaults().batch();

  @Option(names = "--width", description = "hidden width of G and D (default: ${DEFAULT-VALUE})")
  int width = RingGan.Config.defaults().width();

  @Option(names = "--latent", description = "z dimension (default: ${DEFAULT-VALUE})")
  int latent = RingGan.Config.defaults().latent();

  @Option(names = "--d-lr", description = "D's Adam learning rate (default: ${DEFAULT-VALUE})")
  float dLr = RingGan.Config.defaults().dLr();

  @Option(names = "--g-lr", description = "G's Adam learning rate (default: ${DEFAULT-VALUE})")
  float gLr = RingGan.Config.defaults().gLr();

  @Option(names = "--wgan-lr", description = "WGAN-GP's (and vanilla-budget's) Adam learning rate, D and G (default: ${DEFAULT-VALUE})")
  float wganLr = RingGan.Config.defaults().wganLr();

  @Option(names = "--d-steps", description = "D steps per G step for k-step and vanilla-budget, critic steps for wgan-gp (default: ${DEFAULT-VALUE})")
  int dSteps = RingGan.Config.defaults().dSteps();

  @Option(names = "--gp-weight", description = "WGAN-GP's λ (default: ${DEFAULT-VALUE})")
  float gpWeight = RingGan.Config.defaults().gpWeight();

  @Option(names = "--mb-kernels", description = "minibatch discrimination kernels B (default: ${DEFAULT-VALUE})")
  int mbKernels = RingGan.Config.defaults().mbKernels();

  @Option(names = "--mb-dim", description = "minibatch discrimination kernel dimension C (default: ${DEFAULT-VALUE})")
  int mbDim = RingGan.Config.defaults().mbDim();

  @Option(names = "--eval-samples", description = "generated samples scored (default: ${DEFAULT-VALUE})")
  int evalSamples = RingGan.Config.defaults().evalSamples();

  @Option(names = "--min-per-mode", description = "high-quality samples a mode needs to count as covered (default: ${DEFAULT-VALUE})")
  int minPerMode = RingGan.Config.defaults().minPerMode();

  @Option(names = "--log-every", description = "G steps between log lines (default: ${DEFAULT-VALUE})")
  int logEvery = RingGan.Config.defaults().logEvery();

  @Option(names = "--unroll-steps", description = "unrolled: D steps K that G looks ahead through (default: ${DEFAULT-VALUE})")
  int unrollSteps = RingGan.Config.defaults().unrollSteps();

  @Option(names = "--unroll-lr", description = "unrolled: SGD step η of the unrolled D updates (default: ${DEFAULT-VALUE})")
  float unrollLr = RingGan.Config.defaults().unrollLr();

  @Option(names = "--seed", description = "Philox seed, the same for every method (default: ${DEFAULT-VALUE})")
  long seed = RingGan.Config.defaults().seed();

  @Option(names = "--seeds", split = ",", paramLabel = "S",
      description = "several seeds, comma-separated, instead of --seed: every method runs on each, and a summary table gives means over the seeds; pictures are of the first seed")
  List<Long> seeds;

  @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: ${DEFAULT-VALUE})")
  Path out = Path.of("out", "ring");

  @Mixin
  DeviceOptions devices;

  /** Panels in a method's training strip. */
  static final int STRIP_PANELS = 5;

  @Override
  public Integer call() throws Exception {
    out = Cwd.resolve(out);
    RingGan.Config cfg;
    List<RingGan.Method> chosen = new ArrayList<>();
    try {
      for (String m : methods) chosen.add(RingGan.Method.byName(m));
      RingGan.Config d = RingGan.Config.defaults();
      if (seeds != null && seeds.isEmpty()) throw new IllegalArgumentException("--seeds needs at least one seed");
      if (seeds == null) seeds = List.of(seed);
      cfg = new RingGan.Config(d.ring(), latent, width, batch, steps, dLr, gLr, wganLr, dSteps, gpWeight, mbKernels, mbDim,
          evalSamples, minPerMode, logEvery, seeds.get(0), unrollSteps, unrollLr);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Backend backend = devices.backend();
    PrintStream log = io.out();
    Files.createDirectories(out);
    RingMixture ring = cfg.ring();
    log.printf(Locale.ROOT, "ring: %d modes, radius %.3g, std %.3g; G %d→%d→%d→2, D 2→%d→%d→1; batch %d, %d G steps, seeds %s, device %s%n",
        ring.modes(), ring.radius(), ring.std(), latent, width, width, width, width, batch, steps, seeds, backend.name());
    log.printf(Locale.ROOT, "Adam lr: D %.2g, G %.2g (vanilla, minibatch B=%d C=%d, k-step k=%d, unrolled K=%d η=%.2g); wgan-gp and vanilla-budget %.2g both, %d D steps, λ %.2g%n",
        dLr, gLr, mbKernels, mbDim, dSteps, unrollSteps, unrollLr, wganLr, dSteps, gpWeight);
    log.printf(Locale.ROOT, "covered: >= %d of %d samples within 3·std = %.3g of the mode; mode entropy: of the high-quality samples' modes, 1 = even%n",
        minPerMode, evalSamples, 3 * ring.std());
    float[] real = ring.sample(backend, new Generator(cfg.seed() ^ 0xDA7AL), 1000);
    List<List<RingGan.Result>> bySeed = new ArrayList<>();
    List<BufferedImage> finals = new ArrayList<>();
    for (long s : seeds) {
      RingGan.Config c = cfg.withSeed(s);
      List<RingGan.Result> results = new ArrayList<>();
      for (RingGan.Method m : chosen) {
        RingGan.Result r = RingGan.train(c, m, backend, p -> log.println("seed " + s + "  " + RingGan.describe(m, p)));
        results.add(r);
        if (s == cfg.seed() && bySeed.isEmpty()) {
          finals.add(RingPlot.render(ring, real, r.samples(), r.coverage(), m.id + " (step " + steps + ")"));
          PlotCanvas.write(out.resolve("ring-" + m.id + "-steps.png"), RingPlot.strip(ring, real, m.id, r.history(), STRIP_PANELS));
        }
      }
      bySeed.add(results);
      log.println();
      log.printf(Locale.ROOT, "seed %d%n%-15s %7s %13s %8s %9s   %s%n", s, "method", "modes", "high-quality", "entropy", "seconds",
          "high-quality samples per mode");
      for (RingGan.Result r : results) {
        log.printf(Locale.ROOT, "%-15s %3d/%-3d %12.1f%% %8.2f %9.1f   %s%n", r.method().id, r.coverage().modesCovered(), ring.modes(),
            100 * r.coverage().highQualityShare(), r.coverage().modeEntropy(), r.seconds(), java.util.Arrays.toString(r.coverage().perMode()));
      }
    }
    Path compare = out.resolve("ring-compare.png");
    PlotCanvas.write(compare, PlotCanvas.tile(finals.toArray(new BufferedImage[0]), finals.size()));
    if (seeds.size() > 1) {
      log.println();
      log.printf(Locale.ROOT, "over %d seeds %s: mean (min–max)%n%-15s %16s %18s %16s %9s%n", seeds.size(), seeds, "method", "modes",
          "high-quality %", "entropy", "seconds");
      for (int i = 0; i < chosen.size(); i++) {
        double[] modes = new double[seeds.size()], hq = new double[seeds.size()], ent = new double[seeds.size()];
        double secs = 0;
        for (int k = 0; k < seeds.size(); k++) {
          RingGan.Result r = bySeed.get(k).get(i);
          modes[k] = r.coverage().modesCovered();
          hq[k] = 100 * r.coverage().highQualityShare();
          ent[k] = r.coverage().modeEntropy();
          secs += r.seconds();
        }
        log.printf(Locale.ROOT, "%-15s %16s %18s %16s %9.1f%n", chosen.get(i).id, summary(modes, "%.1f"), summary(hq, "%.1f"),
            summary(ent, "%.2f"), secs / seeds.size());
      }
    }
    log.println("pictures: " + compare + " and ring-<method>-steps.png in " + out);
    return 0;
  }

  /** "mean (min–max)" of the values, each printed with {@code format}. */
  private static String summary(double[] v, String format) {
    double sum = 0, lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (double x : v) { sum += x; lo = Math.min(lo, x); hi = Math.max(hi, x); }
    return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", sum / v.length, lo, hi);
  }
}
