package dev.duel.bench.gpu;

import dev.duel.bench.StepRunner;
import dev.duel.engine.Backend;
import dev.duel.engine.cuda.CudaBackend;
import dev.duel.engine.cuda.CudaBackends;
import dev.duel.engine.cuda.CudaOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Part 3 of the GPU report: one training step ({@link StepRunner}: D update on real and fake, then G
 * update; DESIGN.md "Reference models") per config on the device, timed like {@code StepTiming} and
 * bench/pytorch_train_step.py: a warm-up, then rounds of steps, each step timed alone and ended by
 * {@code Backend.synchronize()} (a step is finished only when the device is idle); per round the median;
 * reported: the best round's median and the median of the rounds' medians, ms/step and images/s.
 * Each config gets an equal share of what is left of --budget-s: warm-up and round lengths shrink to fit
 * it (at least 3 steps a round), and a config not started in time is skipped with a line saying so.
 *
 * <p>Options: {@code --configs mlp:64,...} (default mlp:64, mlp:256, dcgan28:64, dcgan28:128, dcgan28:512,
 * cgan-mlp:64; --quick: mlp:8, dcgan28:4, cgan-mlp:8), {@code --rounds N} (3; --quick 2),
 * {@code --path auto|kernels} (auto: the settings' backend, cuBLAS/cuDNN when they load; kernels:
 * Duel's kernels only), {@code --data DIR} (Fashion-MNIST; default: data/fashion-mnist in the working
 * directory or a parent, or -Dduel.home).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *   -cp bench/target/original-duel-bench.jar:gan/target/duel-gan.jar:gan/target/lib/* \
 *   dev.duel.bench.gpu.GpuStepTiming --device cuda --budget-s 150 --out gpu-report.json
 * </pre>
 */
public final class GpuStepTiming {
  private GpuStepTiming() {}

  static final String NAME = "GpuStepTiming";
  static final String CONFIGS = "mlp:64,mlp:256,dcgan28:64,dcgan28:128,dcgan28:512,cgan-mlp:64";
  static final String QUICK_CONFIGS = "mlp:8,dcgan28:4,cgan-mlp:8";

  public static void main(String[] args) {
    GpuReport.exit(run(args, System.out));
  }

  public static int run(String[] args, PrintStream out) {
    return GpuReport.run(NAME, args, 150, "[--configs mlp:64,...] [--rounds N] [--path auto|kernels] [--data DIR]", out,
        GpuStepTiming::body, "configs", "rounds", "path", "data");
  }

  /** Steps per round as StepTiming has them (200 for the MLPs, 20 for dcgan28), before the budget cuts. */
  static int defaultReps(String config) {
    return config.startsWith("dcgan28") ? 20 : 200;
  }

  /** Steps a round can afford: rounds of `reps` steps of `stepS` seconds in `seconds`, at least 3. */
  static int repsFor(int reps, int rounds, double stepS, double seconds) {
    int fit = (int) Math.floor(seconds / rounds / Math.max(stepS, 1e-6));
    return Math.max(3, Math.min(reps, fit));
  }

  /** model:batch with a known model and a positive batch, else a usage error. */
  static void checkConfig(String config) {
    String[] parts = config.split(":");
    if (parts.length != 2 || !List.of("mlp", "cgan-mlp", "dcgan28").contains(parts[0])) {
      throw new GpuArgs.UsageException("config '" + config + "': use model:batch with model mlp, cgan-mlp or dcgan28");
    }
    try {
      if (Integer.parseInt(parts[1]) > 0) return;
    } catch (NumberFormatException e) {
      // below
    }
    throw new GpuArgs.UsageException("config '" + config + "': the batch must be a positive integer");
  }

  static void body(GpuReport r) throws Exception {
    boolean quick = r.args().quick();
    String device = r.args().device();
    List<String> configs = Arrays.asList(r.args().extra("configs", quick ? QUICK_CONFIGS : CONFIGS).split(","));
    int rounds;
    try {
      rounds = Integer.parseInt(r.args().extra("rounds", quick ? "2" : "3"));
    } catch (NumberFormatException e) {
      throw new GpuArgs.UsageException("--rounds " + r.args().extra("rounds", "") + ": not a number");
    }
    if (rounds < 1) throw new GpuArgs.UsageException("--rounds must be ≥ 1");
    for (String c : configs) checkConfig(c.trim());
    String path = r.args().extra("path", "auto");
    Backend be = switch (path) {
      case "auto" -> CudaBackends.get(device);
      case "kernels" -> CudaBackends.get(device, CudaOptions.kernelsOnly());
      default -> throw new GpuArgs.UsageException("--path " + path + ": use auto or kernels");
    };
    Path data = r.args().extra().containsKey("data") ? Path.of(r.args().extra("data", "")) : null;
    r.header("Training steps, " + path + " path", be);
    r.out().println("| model | batch | ms/step (best round) | ms/step (median round) | images/s (best) | round medians"
        + " | steps × rounds | warm-up steps |");
    r.out().println("| --- | ---: | ---: | ---: | ---: | --- | --- | ---: |");
    for (int ci = 0; ci < configs.size(); ci++) {
      String config = configs.get(ci).trim();
      if (r.expired()) {
        r.skipped(config, "out of time (--budget-s " + GpuReport.fmt(r.args().budgetS(), 0) + ")");
        continue;
      }
      double share = r.remainingS() / (configs.size() - ci);
      try {
        timeConfig(r, be, config, data, rounds, share, quick);
      } catch (RuntimeException e) {
        r.skipped(config, "failed: " + e);
      }
      r.out().flush();
    }
    if (be instanceof CudaBackend cb) {
      r.out().println();
      r.out().println("Paths after the run: gemm=" + cb.gemmPath() + ", conv=" + cb.convPath() + "; allocator: "
          + cb.allocator().stats());
    }
  }

  private static void timeConfig(GpuReport r, Backend be, String config, Path data, int rounds, double shareS,
                                 boolean quick) throws Exception {
    long t0 = System.nanoTime();
    StepRunner runner = new StepRunner(config, be, data);
    // Warm-up: C2 compiles the step, cuDNN measures its algorithms, the allocator fills its cache.
    // At least 2 steps (1 with --quick); up to StepTiming's max(reps/2, 10), within a quarter of the share.
    int reps = quick ? 3 : defaultReps(config);
    int minWarm = quick ? 1 : 2, maxWarm = quick ? 1 : Math.max(reps / 2, 10);
    int warm = 0;
    double lastStepS = 0;
    while (warm < maxWarm && (warm < minWarm || (System.nanoTime() - t0) / 1e9 < shareS / 4)) {
      long s = System.nanoTime();
      runner.step();
      be.synchronize();
      lastStepS = (System.nanoTime() - s) / 1e9;
      warm++;
    }
    double left = shareS - (System.nanoTime() - t0) / 1e9;
    int timedReps = repsFor(reps, rounds, lastStepS, left * 0.9);
    double[] medians = new double[rounds];
    int done = 0;
    for (int round = 0; round < rounds; round++) {
      if (round > 0 && r.expired()) break;
      double[] ms = new double[timedReps];
      for (int i = 0; i < timedReps; i++) {
        long s = System.nanoTime();
        runner.step();
        be.synchronize();
        ms[i] = (System.nanoTime() - s) / 1e6;
      }
      medians[done++] = GpuReport.median(ms);
    }
    double[] got = Arrays.copyOf(medians, done);
    double best = Arrays.stream(got).min().orElseThrow(), mid = GpuReport.median(got);
    int batch = runner.batch();
    String model = config.split(":")[0];
    List<String> each = new ArrayList<>();
    for (double m : got) each.add(GpuReport.ms(m));
    r.out().println("| " + model + " | " + batch + " | " + GpuReport.ms(best) + " | " + GpuReport.ms(mid) + " | "
        + GpuReport.fmt(batch / (best / 1e3), 0) + " | " + String.join(", ", each) + " | " + timedReps + " × " + done
        + " | " + warm + " |");
    Map<String, Object> m = r.record("step");
    m.put("model", model);
    m.put("batch", batch);
    m.put("ms_best_round", best);
    m.put("ms_median_round", mid);
    m.put("images_per_s", batch / (best / 1e3));
    m.put("round_medians_ms", Arrays.toString(got));
    m.put("steps_per_round", timedReps);
    m.put("rounds", done);
    m.put("warmup_steps", warm);
    m.put("path", r.args().extra("path", "auto"));
    r.json(m);
  }
}
