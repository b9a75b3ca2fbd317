package dev.duel.gan.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code duel demo}: the teaching demos, {@code duel demo game1d}, {@code duel demo ring} and {@code duel demo dirac}; their
 * library code is in dev.duel.gan.demo.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, subcommands = {Game1dCommand.class, RingCommand.class, DiracCommand.class},
    description = "Teaching demos: the 1-D minimax game (game1d), mode collapse on a ring (ring) and the Dirac GAN's training dynamics (dirac). See docs/math.md.")
final class DemoCommand implements Callable<Integer> {
  private final Main.Io io;

  DemoCommand(Main.Io io) {
    this.io = io;
  }

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(io.err());
    return 2;
  }

}
