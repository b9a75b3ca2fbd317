package dev.duel.gan.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code duel} command line: {@code train | sample | translate | interpolate | info | gradcheck | demo | eval | classifier}. With no argument it runs
 * the main job, {@code duel train} with its defaults. Every command lives in this package.
 *
 * <p>One output convention: every command prints to the {@link Io} it is constructed with (picocli
 * builds them through {@link IoFactory}), and picocli's own help and errors go to the same streams. One
 * device rule: commands that run the engine mix in {@link DeviceOptions}.
 *
 * <p>Exit codes: 0 done; 1 a runtime failure (a message, and the stack trace only with --debug);
 * 2 a usage error (picocli's message and a hint to --help).
 */
@Command(name = "duel", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    subcommands = {TrainCommand.class, SampleCommand.class, TranslateCommand.class, InterpolateCommand.class, InfoCommand.class, GradcheckCommand.class,
        DemoCommand.class, EvalCommand.class, ClassifierCommand.class},
    description = {"Duel: GANs on a from-scratch Java engine, CPU and GPU.",
        "With no command, runs the main job: duel train (dcgan28 on Fashion-MNIST, on the CPU or the device DUEL_DEVICE names)."},
    footer = {"", "Documentation: docs/cli.md. Exit codes: 0 ok, 1 runtime failure, 2 usage error."})
public final class Main implements Callable<Integer> {
  @Option(names = "--debug", scope = ScopeType.INHERIT, description = "print stack traces of failures")
  boolean debug;

  private final Io io;

  /** Where the commands print: stdout and stderr, and whether stdout is a terminal (for the progress bar). */
  public record Io(PrintStream out, PrintStream err, boolean tty) {}

  Main(Io io) {
    this.io = io;
  }

  public static void main(String[] args) {
    StopSignals.enabled = true;                     // Ctrl-C / SIGTERM stop `duel train` with a checkpoint
    System.exit(run(args, new Io(System.out, System.err, dev.duel.gan.train.Progress.stdoutIsTerminal())));
  }

  /** Runs the command line and returns its exit code (the tests' entry point). */
  public static int run(String[] args, Io io) {
    String[] a = mainJob(args) ? prepend("train", args) : args;
    boolean debug = Arrays.asList(a).contains("--debug");
    CommandLine cmd = commandLine(io);
    cmd.registerConverter(java.nio.file.Path.class, s -> Cwd.resolve(java.nio.file.Path.of(s)));  // paths as typed: -Dduel.cwd
    cmd.setOut(new PrintWriter(io.out(), true));
    cmd.setErr(new PrintWriter(io.err(), true));
    cmd.setParameterExceptionHandler((ParameterException e, String[] unused) -> {
      CommandLine c = e.getCommandLine();
      io.err().println(c.getCommandName().equals("duel") ? "duel: " + e.getMessage() : "duel " + c.getCommandName() + ": " + e.getMessage());
      UnmatchedArgumentException.printSuggestions(e, new PrintWriter(io.err(), true));
      io.err().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
      if (debug) e.printStackTrace(io.err());
      return 2;
    });
    cmd.setExecutionExceptionHandler((Exception e, CommandLine c, CommandLine.ParseResult r) -> {
      fail(io, "duel " + c.getCommandName(), e);
      if (debug) e.printStackTrace(io.err());
      else if (!(e instanceof dev.duel.gan.train.TrainingDiverged)) io.err().println("(run with --debug for the stack trace)");
      return 1;
    });
    return cmd.execute(a);
  }

  /** The command tree, every command printing to {@code io}. */
  static CommandLine commandLine(Io io) {
    return new CommandLine(new Main(io), new IoFactory(io));
  }

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(io.out());
    return 0;
  }

  /** Builds commands with a constructor {@code (Main.Io)} around {@code io}; others (mixins, converters) as picocli does. */
  private record IoFactory(Io io) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        var c = cls.getDeclaredConstructor(Io.class);
        c.setAccessible(true);
        return c.newInstance(io);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(cls);
      }
    }
  }

  /** "duel" alone (or "duel --debug") is the main job, "duel train". */
  private static boolean mainJob(String[] args) {
    for (String s : args) if (!s.equals("--debug")) return false;
    return true;
  }

  private static String[] prepend(String first, String[] rest) {
    String[] a = new String[rest.length + 1];
    a[0] = first;
    System.arraycopy(rest, 0, a, 1, rest.length);
    return a;
  }

  /**
   * A command's failure in one line: "COMMAND: error: what went wrong" on stderr (stdout flushed first, so the line
   * comes after what was printed); returns the exit code, 1. The execution handler prints it for every command and
   * adds the --debug hint; the commands that read the user's files (eval, translate, classifier train and
   * calibrate) call it themselves, where the hint would be noise.
   */
  static int fail(Io io, String command, Exception e) {
    io.out().flush();
    io.err().println(command + ": error: " + describe(e));
    io.err().flush();
    return 1;
  }

  /** A one-line message for a failure, naming the file for I/O errors. */
  static String describe(Throwable e) {
    if (e instanceof NoSuchFileException n) return "not found: " + n.getFile() + (n.getReason() != null ? " (" + n.getReason() + ")" : "");
    if (e instanceof AccessDeniedException a) return "permission denied: " + a.getFile();
    if (e instanceof FileAlreadyExistsException f) return "already exists: " + f.getFile() + (f.getReason() != null ? " (" + f.getReason() + ")" : "");
    if (e instanceof dev.duel.gan.train.RunLock.Held) return e.getMessage();
    if (e instanceof OutOfMemoryError) return "out of memory; set a larger heap with DUEL_HEAP=16g, or use a smaller --batch";
    String m = e.getMessage();
    if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
    if (e.getCause() != null && e.getCause() != e && e.getCause().getMessage() != null && !m.contains(e.getCause().getMessage())) {
      m += " (" + e.getCause().getMessage() + ")";
    }
    return m;
  }

  /** The version from the jar's manifest (Implementation-Version). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"duel " + version(), "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v != null ? v : "(development build)";
  }
}
