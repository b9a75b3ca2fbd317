package dev.duel.bench;

import dev.duel.engine.Devices;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One training step per config timed exactly as bench/pytorch_train_step.py times PyTorch's: warm-up
 * of reps/2 steps, then {@code rounds} rounds of {@code reps} steps (200 for the MLPs, 20 for dcgan28,
 * 10 for pix2pix), each step timed alone; prints the best round's median and every round's median, as a Markdown row.
 * Same statistic on both sides, so the two can be compared row by row (bench/compare.sh runs them
 * interleaved). TrainStepBenchmark (JMH) is the figure with error bars.
 *
 * <p>How to run: {@code java --add-modules jdk.incubator.vector -cp bench/target/duel-bench.jar
 * dev.duel.bench.StepTiming [configs=mlp:64,...] [rounds=3] [device=cpu]}
 */
public final class StepTiming {
  private StepTiming() {}

  public static void main(String[] args) throws Exception {
    String[] configs = (args.length > 0 ? args[0] : "mlp:64,mlp:256,dcgan28:64,dcgan28:128,cgan-mlp:64").split(",");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String device = args.length > 2 ? args[2] : "cpu";
    for (String config : configs) {
      StepRunner runner = new StepRunner(config, Devices.get(device));
      int reps = config.startsWith("dcgan28") ? 20 : config.startsWith("pix2pix") ? 10 : 200;
      for (int i = 0; i < Math.max(reps / 2, 10); i++) runner.step();   // C2 compiles the step first
      List<Double> medians = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
          long t0 = System.nanoTime();
          runner.step();
          ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        medians.add(reps % 2 == 1 ? ms[reps / 2] : (ms[reps / 2 - 1] + ms[reps / 2]) / 2);
      }
      String[] parts = config.split(":");
      System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %s |%n", parts[0], parts[1],
          medians.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
          String.join(", ", medians.stream().map(m -> String.format(Locale.ROOT, "%.2f", m)).toList()));
    }
  }
}
