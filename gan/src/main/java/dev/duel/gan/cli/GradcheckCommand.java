package dev.duel.gan.cli;

import dev.duel.engine.Backend;
import dev.duel.engine.GradCheck;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code duel gradcheck}: runs the engine's gradient checks (GradCheck.standardSuite: every op's first
 * derivative, and the second derivatives WGAN-GP and R1 need) and prints, per op, the largest relative
 * error of the analytic gradient against finite differences. Exit 1 if any check fails.
 */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
    description = {"Check every op's gradient against finite differences and print the largest relative error.",
        "Order 1: d(sum w*op(x))/dx; order 2: the gradient of ||grad_x f||^2 (what WGAN-GP and R1 differentiate)."})
final class GradcheckCommand implements Callable<Integer> {
  @Mixin
  DeviceOptions devices;

  @Option(names = "--seed", paramLabel = "N", description = "seed of the random inputs (default: ${DEFAULT-VALUE})")
  long seed = GradCheck.DEFAULT_SEED;

  @Option(names = "--op", paramLabel = "NAME", description = "only the cases whose name contains NAME")
  String only;

  private final Main.Io io;

  GradcheckCommand(Main.Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    Backend backend = devices.backend();
    io.out().printf(Locale.ROOT, "%-28s %5s %12s %12s  %s%n", "op", "order", "max rel err", "max abs err", "result");
    int failed = 0, run = 0;
    for (GradCheck.Case c : GradCheck.standardSuite(backend, seed)) {
      if (only != null && !c.op().contains(only)) continue;
      GradCheck.Result r = c.run();
      run++;
      if (!r.passed()) failed++;
      io.out().printf(Locale.ROOT, "%-28s %5d %12.2e %12.2e  %s%n", r.name(), r.order(), r.maxRelError(),
          r.maxAbsError(), r.passed() ? "ok" : "FAIL (tolerance " + r.tolerance() + ")");
    }
    io.out().printf(Locale.ROOT, "%d checks on %s, seed %d: %d passed, %d failed%n", run, backend.name(), seed,
        run - failed, failed);
    return failed == 0 ? 0 : 1;
  }
}
