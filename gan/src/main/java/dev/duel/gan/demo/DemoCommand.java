package dev.duel.gan.demo;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code duel demo}: the teaching demos. Register it as a subcommand of the CLI's top-level command
 * ({@code subcommands = {..., DemoCommand.class}}) to get {@code duel demo game1d} and {@code duel demo ring}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, subcommands = {Game1dCommand.class, RingCommand.class},
    description = "Teaching demos: the 1-D minimax game (game1d) and mode collapse on a ring (ring). See docs/math.md.")
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new DemoCommand()).execute(args));
  }
}
