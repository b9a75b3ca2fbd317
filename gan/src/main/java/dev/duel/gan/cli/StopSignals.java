package dev.duel.gan.cli;

import dev.duel.gan.train.RunTrainer;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM during {@code duel train}: the first asks the trainer to stop after the
 * step in progress and write a checkpoint ({@link RunTrainer#requestStop}); the command then prints how to
 * continue and exits 130 (SIGINT) or 143 (SIGTERM), 128 + the signal's number as shells report it. A
 * second signal exits at once (the last checkpoint, written atomically, is kept). Installed only in the
 * real process ({@link Main#main} sets {@link #enabled}), never in a test JVM that calls {@link Main#run};
 * restored to the previous handlers when closed. A signal the process ignores (nohup, a background job
 * without job control) stays ignored.
 */
final class StopSignals implements AutoCloseable {
  static volatile boolean enabled;

  private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
  private volatile Signal received;

  private StopSignals() {}

  static StopSignals install(RunTrainer trainer, PrintStream err) {
    StopSignals s = new StopSignals();
    if (!enabled) return s;
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        Signal sig = new Signal(name);
        s.previous.put(sig, Signal.handle(sig, got -> s.on(got, trainer, err)));
      } catch (IllegalArgumentException | UnsupportedOperationException ignoredOrReserved) {
        // the JVM leaves an ignored signal (or one it reserves) alone; nothing to install
      }
    }
    return s;
  }

  private void on(Signal sig, RunTrainer trainer, PrintStream err) {
    if (received != null) {
      err.println();
      err.println("duel train: SIG" + sig.getName() + " again: exiting now; the last checkpoint is " + trainer.lastCheckpoint());
      err.flush();
      Runtime.getRuntime().halt(128 + received.getNumber());
    }
    received = sig;
    err.println();
    err.println("duel train: SIG" + sig.getName() + " received: stopping after this step and writing a checkpoint"
        + (sig.getName().equals("INT") ? " (Ctrl-C again to exit at once)" : ""));
    err.flush();
    trainer.requestStop("SIG" + sig.getName());
  }

  /** The first signal received, or null. */
  Signal received() {
    return received;
  }

  /** The exit code for the signal received: 130 for SIGINT, 143 for SIGTERM. */
  int exitCode() {
    return 128 + received.getNumber();
  }

  @Override
  public void close() {
    previous.forEach((sig, h) -> {
      try {
        Signal.handle(sig, h);
      } catch (IllegalArgumentException ignored) {
        // nothing to restore
      }
    });
  }
}
