package dev.duel.gan.cli;

import dev.duel.engine.Backend;
import dev.duel.gan.demo.DiracDemo;
import dev.duel.gan.demo.DiracMath;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code duel demo dirac}: the Dirac GAN of Mescheder et al. (2018) — simultaneous vs alternating
 * gradient steps, a smaller step, TTUR and R1 — with the eigenvalues of each update at the equilibrium,
 * the engine's trajectories checked against the closed form, and phase portraits.
 */
@Command(name = "dirac", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"The Dirac GAN (Mescheder et al. 2018): data at 0, G = the point θ, D's logit ψ·x, the minimax loss.",
        "Runs simultaneous and alternating gradient descent, a smaller step, TTUR and R1 from one start, prints the",
        "eigenvalues of each update's Jacobian at the equilibrium (0, 0) and where each run ends, and draws phase portraits."})
final class DiracCommand implements Callable<Integer> {
  private final Main.Io io;

  DiracCommand(Main.Io io) {
    this.io = io;
  }

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--steps", description = "steps of each run at step size --h (default: ${DEFAULT-VALUE})")
  int steps = DiracDemo.Config.defaults().steps();

  @Option(names = "--h", description = "the step size of both players (default: ${DEFAULT-VALUE})")
  double h = DiracDemo.Config.defaults().h();

  @Option(names = "--small-h", description = "the smaller step, run for steps·h/small-h steps (the same time) (default: ${DEFAULT-VALUE})")
  double smallH = DiracDemo.Config.defaults().smallH();

  @Option(names = "--ttur", split = ",", paramLabel = "H_G,H_D", description = "TTUR's two step sizes, G's then D's (default: 0.1,0.4)")
  List<Double> ttur = List.of(DiracDemo.Config.defaults().tturG(), DiracDemo.Config.defaults().tturD());

  @Option(names = "--gamma", description = "R1's γ (default: ${DEFAULT-VALUE})")
  double gamma = DiracDemo.Config.defaults().gamma();

  @Option(names = "--start", split = ",", paramLabel = "THETA,PSI", description = "the starting point (default: 1,1)")
  List<Double> start = List.of(DiracDemo.Config.defaults().theta0(), DiracDemo.Config.defaults().psi0());

  @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: ${DEFAULT-VALUE})")
  Path out = Path.of("out", "dirac");

  @Mixin
  DeviceOptions devices;

  @Override
  public Integer call() throws Exception {
    out = Cwd.resolve(out);
    DiracDemo.Config cfg;
    try {
      if (ttur.size() != 2) throw new IllegalArgumentException("--ttur takes two step sizes, H_G,H_D; got " + ttur.size());
      if (start.size() != 2) throw new IllegalArgumentException("--start takes two numbers, THETA,PSI; got " + start.size());
      cfg = new DiracDemo.Config(steps, h, smallH, ttur.get(0), ttur.get(1), gamma, start.get(0), start.get(1));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Backend backend = devices.backend();
    PrintStream log = io.out();
    Files.createDirectories(out);
    log.printf(Locale.ROOT, "dirac: V(θ, ψ) = −log 2 − softplus(ψθ); G descends V, D ascends V − (γ/2)ψ²; start (%.3g, %.3g); device %s%n",
        cfg.theta0(), cfg.psi0(), backend.name());
    double[] flow = DiracMath.flowEigenvalues(0), flowR1 = DiracMath.flowEigenvalues(cfg.gamma());
    log.printf(Locale.ROOT, "gradient flow at (0, 0): λ = %s (no R1), %s (R1, γ = %.3g)%n", DiracDemo.complex(flow[0], flow[1]),
        DiracDemo.complex(flowR1[0], flowR1[1]), cfg.gamma());
    log.printf(Locale.ROOT, "%-28s %6s %6s %5s %6s  %-22s %6s  %9s %9s  %9s%n", "run", "h_G", "h_D", "γ", "steps",
        "eigenvalues of J at 0", "|λ|max", "‖start‖", "‖end‖", "|engine−exact|");
    List<DiracDemo.Run> runs = DiracDemo.run(cfg, backend);
    for (DiracDemo.Run r : runs) log.println(DiracDemo.describe(r));
    List<Path> files = DiracDemo.write(cfg, runs, out);
    log.println("pictures: " + String.join(", ", files.stream().map(Path::toString).toList()));
    return 0;
  }
}
