package dev.duel.bench.gpu;

import dev.duel.engine.Backend;
import dev.duel.engine.cuda.CudaBackend;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the GPU report's mains share: the time budget, the timing loop (device synchronisation around a
 * loop of repetitions, median of several samples), Markdown output to stdout and JSON lines to
 * {@code --out}. Needs nothing but the engine on the class path (no JMH).
 */
public final class GpuReport {
  private final String bench;
  private final GpuArgs args;
  private final PrintStream out;
  private final long deadline;
  private final long started = System.nanoTime();

  public GpuReport(String bench, GpuArgs args, PrintStream out) {
    this.bench = bench;
    this.args = args;
    this.out = out;
    this.deadline = started + (long) (args.budgetS() * 1e9);
  }

  public GpuArgs args() {
    return args;
  }

  public PrintStream out() {
    return out;
  }

  /** Seconds left of --budget-s. */
  public double remainingS() {
    return (deadline - System.nanoTime()) / 1e9;
  }

  public boolean expired() {
    return remainingS() <= 0;
  }

  public double elapsedS() {
    return (System.nanoTime() - started) / 1e9;
  }

  // ---- timing -----------------------------------------------------------------------------------

  /** Median and best of {@code samples} per-repetition times; reps repetitions per sample. */
  public record Timing(double medianMs, double bestMs, int reps, int samples) {}

  /**
   * Times {@code op} on {@code be}: one warm-up call (cuDNN's algorithm search, first-use allocation),
   * one timed call to size the loop, then up to {@code samples} samples of {@code reps} back-to-back
   * calls, each bracketed by {@link Backend#synchronize()}, reps chosen so that a sample lasts about
   * {@code sampleS} seconds. Stops taking samples (after the first) when the budget runs out.
   */
  public Timing time(Backend be, Runnable op, double sampleS, int samples) {
    op.run();
    be.synchronize();
    long t0 = System.nanoTime();
    op.run();
    be.synchronize();
    double est = Math.max((System.nanoTime() - t0) / 1e9, 1e-7);
    int reps = (int) Math.max(1, Math.min(100_000, Math.ceil(sampleS / est)));
    double[] ms = new double[samples];
    int taken = 0;
    for (int s = 0; s < samples; s++) {
      if (s > 0 && expired()) break;
      be.synchronize();
      long t = System.nanoTime();
      for (int r = 0; r < reps; r++) op.run();
      be.synchronize();
      ms[taken++] = (System.nanoTime() - t) / 1e6 / reps;
    }
    double[] got = Arrays.copyOf(ms, taken);
    return new Timing(median(got), Arrays.stream(got).min().orElse(Double.NaN), reps, taken);
  }

  public static double median(double[] values) {
    if (values.length == 0) return Double.NaN;
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  // ---- output -----------------------------------------------------------------------------------

  /** A header: the device line, printed and recorded. */
  public void header(String title, Backend... backends) {
    out.println("## " + title + " (" + args.device() + (args.quick() ? ", --quick" : "") + ", budget "
        + fmt(args.budgetS(), 0) + " s)");
    out.println();
    List<String> seen = new ArrayList<>();
    for (Backend be : backends) {
      if (be instanceof CudaBackend cb) {
        String line = "options " + cb.options() + ": gemm=" + cb.gemmPath() + ", conv=" + cb.convPath() + "; "
            + cb.describe();
        if (seen.contains(line)) continue;
        seen.add(line);
        out.println("- " + line);
        Map<String, Object> m = record("env");
        m.put("options", cb.options().toString());
        m.put("gemm_path", cb.gemmPath());
        m.put("conv_path", cb.convPath());
        m.put("describe", cb.describe());
        m.put("java", System.getProperty("java.version"));
        json(m);
      }
    }
    out.println();
  }

  /** A JSON record with the common fields; add the case's own, then {@link #json}. */
  public Map<String, Object> record(String kind) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bench", bench);
    m.put("kind", kind);
    m.put("device", args.device());
    m.put("quick", args.quick());
    return m;
  }

  /** Appends one JSON line to --out (if given). */
  public void json(Map<String, Object> m) {
    if (args.out() == null) return;
    m.putIfAbsent("time", Instant.now().toString());
    try {
      Path parent = args.out().toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
      Files.writeString(args.out(), toJson(m) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot append to --out " + args.out() + ": " + e.getMessage(), e);
    }
  }

  /** Records that {@code what} was skipped (out of time, or failed) and prints a line saying so. */
  public void skipped(String what, String why) {
    out.println("| " + what + " | skipped: " + why + " |");
    Map<String, Object> m = record("skipped");
    m.put("case", what);
    m.put("reason", why);
    json(m);
  }

  public static String toJson(Map<String, Object> m) {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, Object> e : m.entrySet()) {
      if (sb.length() > 1) sb.append(',');
      sb.append(quote(e.getKey())).append(':');
      Object v = e.getValue();
      if (v == null) {
        sb.append("null");
      } else if (v instanceof Double || v instanceof Float) {
        double d = ((Number) v).doubleValue();
        sb.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : "null");
      } else if (v instanceof Number || v instanceof Boolean) {
        sb.append(v);
      } else {
        sb.append(quote(v.toString()));
      }
    }
    return sb.append('}').toString();
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }

  public static String fmt(double v, int decimals) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "-";
  }

  /** A time in ms with 3 significant-ish decimals: µs resolution below 1 ms. */
  public static String ms(double v) {
    return !Double.isFinite(v) ? "-" : v < 1 ? fmt(v, 4) : v < 100 ? fmt(v, 3) : fmt(v, 1);
  }

  // ---- running a main -----------------------------------------------------------------------------

  /** What a main does once its arguments are parsed. */
  public interface Body {
    void run(GpuReport report) throws Exception;
  }

  /**
   * Parses, runs and maps failures to exit codes: 0 done, 1 a runtime failure (device unavailable...),
   * 2 a usage error. Returns the code; the caller's main passes it to System.exit when non-zero.
   */
  public static int run(String bench, String[] argv, double defaultBudgetS, String ownUsage, PrintStream out,
                        Body body, String... extraKeys) {
    GpuArgs args;
    try {
      if (Arrays.asList(argv).contains("--help") || Arrays.asList(argv).contains("-h")) {
        out.println(GpuArgs.usage(bench, ownUsage));
        return 0;
      }
      args = GpuArgs.parse(argv, defaultBudgetS, extraKeys);
    } catch (GpuArgs.UsageException e) {
      System.err.println(bench + ": " + e.getMessage());
      System.err.println(GpuArgs.usage(bench, ownUsage));
      return 2;
    }
    GpuReport report = new GpuReport(bench, args, out);
    try {
      body.run(report);
      out.println();
      out.println("(" + bench + " took " + fmt(report.elapsedS(), 1) + " s of its " + fmt(args.budgetS(), 0)
          + " s budget" + (args.out() != null ? "; JSON lines appended to " + args.out() : "") + ")");
      out.flush();
      return 0;
    } catch (GpuArgs.UsageException e) {
      System.err.println(bench + ": " + e.getMessage());
      return 2;
    } catch (Exception | Error e) {
      out.flush();
      System.err.println(bench + " failed: " + e);
      e.printStackTrace();
      return 1;
    }
  }

  /** Stand-alone helper for the mains' {@code main}: exits only when something went wrong. */
  static void exit(int code) {
    if (code != 0) System.exit(code);
  }
}
