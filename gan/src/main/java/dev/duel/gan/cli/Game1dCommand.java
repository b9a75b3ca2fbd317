package dev.duel.gan.cli;

import dev.duel.engine.Backend;
import dev.duel.gan.demo.Density1d;
import dev.duel.gan.demo.Game1d;
import dev.duel.gan.demo.Game1dPlot;
import dev.duel.gan.demo.PlotCanvas;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code duel demo game1d}: Goodfellow et al.'s game in one dimension. Each round trains D to
 * convergence against the current G, prints max|D − D*| and V(D, G) against C(G) and −log 4, and then
 * takes a few G steps. Frames like the paper's Figure 1 go to the output folder.
 */
@Command(name = "game1d", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"The minimax game of Goodfellow et al. (2014) in one dimension, with pictures like its Figure 1.",
        "Each round: D trained to convergence against the current G (compared with D* = p_data/(p_data + p_g)), then G steps.",
        "With the affine G (x = a·z + b, z ~ N(0, 1)) p_g = N(b, a²) is known exactly."})
final class Game1dCommand implements Callable<Integer> {
  private final Main.Io io;

  Game1dCommand(Main.Io io) {
    this.io = io;
  }

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", paramLabel = "NAME", description = "p_data: gaussian = N(1, 0.5²), mixture = ½N(−1.5, 0.4²) + ½N(1.5, 0.4²) (default: ${DEFAULT-VALUE})")
  String data = "gaussian";

  @Option(names = "--generator", paramLabel = "KIND", description = "affine (x = a·z + b) or mlp (1→hidden→1, tanh) (default: ${DEFAULT-VALUE})")
  String generator = "affine";

  @Option(names = "--g-loss", paramLabel = "LOSS", description = "non-saturating (−log D(G(z))) or minimax (log(1 − D(G(z)))) (default: ${DEFAULT-VALUE})")
  String gLoss = "non-saturating";

  @Option(names = "--rounds", description = "rounds of (D to convergence, then G steps) (default: ${DEFAULT-VALUE})")
  int rounds = 12;

  @Option(names = "--d-steps-first", description = "D steps in the first round, from scratch (default: ${DEFAULT-VALUE})")
  int dStepsFirst = 2000;

  @Option(names = "--d-steps", description = "D steps in each later round, warm-started (default: ${DEFAULT-VALUE})")
  int dSteps = 300;

  @Option(names = "--g-steps", description = "G steps per round (default: ${DEFAULT-VALUE})")
  int gSteps = 25;

  @Option(names = "--batch", description = "real and fake samples per step, each (default: ${DEFAULT-VALUE})")
  int batch = 512;

  @Option(names = "--hidden", description = "hidden width of D (and of the MLP G) (default: ${DEFAULT-VALUE})")
  int hidden = 32;

  @Option(names = "--d-lr", description = "D's Adam learning rate, cosine-decayed to 1/100 within each D phase (default: ${DEFAULT-VALUE})")
  float dLr = 1e-2f;

  @Option(names = "--g-lr", description = "G's SGD learning rate (default: ${DEFAULT-VALUE})")
  float gLr = 1e-2f;

  @Option(names = "--seed", description = "Philox seed of every draw (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--frame-every", description = "save a frame every N rounds (0: only the figure) (default: ${DEFAULT-VALUE})")
  int frameEvery = 1;

  @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: ${DEFAULT-VALUE})")
  Path out = Path.of("out", "game1d");

  @Mixin
  DeviceOptions devices;

  /** D steps of the "partially trained D" of panel (a). */
  static final int PARTIAL_D_STEPS = 40;

  @Override
  public Integer call() throws Exception {
    out = Cwd.resolve(out);
    Game1d.Config cfg = config();
    Backend backend = devices.backend();
    PrintStream log = io.out();
    Files.createDirectories(out);
    String tag = data.toLowerCase(Locale.ROOT) + "-" + generator.toLowerCase(Locale.ROOT);
    log.printf(Locale.ROOT, "game1d: p_data = %s, G = %s, loss = %s, D 1→%d→1 (tanh), batch %d, seed %d, device %s%n",
        cfg.data().describe(), generator, gLoss, hidden, batch, seed, backend.name());
    log.printf(Locale.ROOT, "gap = max |D − D*| over the %.0f%% highest-density region of (p_data + p_g)/2; −log 4 = %.5f%n",
        100 * Game1d.SUPPORT_MASS, -Math.log(4));
    long t0 = System.nanoTime();
    Game1d game = new Game1d(cfg, backend);

    game.trainDiscriminator(PARTIAL_D_STEPS);
    BufferedImage a = Game1dPlot.render(game.evaluate(), "(a) start: D partially trained (" + PARTIAL_D_STEPS + " steps)", true);
    BufferedImage b = null, c = null;
    double firstCriterion = Double.NaN;
    for (int r = 0; r < rounds; r++) {
      Game1d.Snapshot s = game.round();
      log.println(Game1d.describe(s));
      if (frameEvery > 0 && r % frameEvery == 0) {
        PlotCanvas.write(out.resolve(String.format(Locale.ROOT, "frame-%03d.png", r)),
            Game1dPlot.render(s, "round " + r + ": D trained against G", true));
      }
      if (r == 0) {
        firstCriterion = s.criterion();
        b = Game1dPlot.render(s, "(b) D trained to convergence: D ≈ D*", false);
        c = Game1dPlot.render(game.evaluate(), "(c) after " + cfg.gSteps() + " G steps: G(z) flows to where D is high", false);
      }
    }
    game.trainDiscriminator(cfg.dSteps());
    Game1d.Snapshot last = game.evaluate();
    log.println(Game1d.describe(last) + "   (final)");
    String lossName = cfg.gLoss() == Game1d.GeneratorLoss.NON_SATURATING ? "non-saturating" : "minimax";
    BufferedImage d = Game1dPlot.render(last, "(d) after " + rounds + " rounds (" + lossName + " G): D retrained", true);
    PlotCanvas.write(out.resolve("final.png"), d);
    Path figure = out.resolve("game1d-" + tag + ".png");
    PlotCanvas.write(figure, PlotCanvas.tile(b == null ? new BufferedImage[] {a, d} : new BufferedImage[] {a, b, c, d}, 2));
    log.printf(Locale.ROOT, "C(G) − (−log 4) = 2·JSD: %.5f → %.5f;  figure %s;  %.1f s%n",
        firstCriterion + Math.log(4), last.criterion() + Math.log(4), figure, (System.nanoTime() - t0) / 1e9);
    return 0;
  }

  Game1d.Config config() {
    Density1d p;
    Game1d.GeneratorKind kind;
    Game1d.GeneratorLoss loss;
    try {
      p = Density1d.byName(data);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--data: " + e.getMessage());
    }
    kind = switch (generator.toLowerCase(Locale.ROOT)) {
      case "affine" -> Game1d.GeneratorKind.AFFINE;
      case "mlp" -> Game1d.GeneratorKind.MLP;
      default -> throw new CommandLine.ParameterException(spec.commandLine(), "--generator: unknown '" + generator + "', use affine or mlp");
    };
    loss = switch (gLoss.toLowerCase(Locale.ROOT)) {
      case "non-saturating", "ns" -> Game1d.GeneratorLoss.NON_SATURATING;
      case "minimax", "saturating" -> Game1d.GeneratorLoss.MINIMAX;
      default -> throw new CommandLine.ParameterException(spec.commandLine(), "--g-loss: unknown '" + gLoss + "', use non-saturating or minimax");
    };
    Game1d.Config defaults = Game1d.Config.defaults(p, kind);
    try {
      return new Game1d.Config(p, kind, loss, hidden, batch, dStepsFirst, dSteps, gSteps, dLr,
          gLr, defaults.initScale(), defaults.initShift(), seed);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

}
