package dev.duel.bench;

import dev.duel.engine.Devices;
import dev.duel.engine.ProfilingBackend;

/**
 * Where one training step's time goes, op by op: runs {@code warmup} steps, then {@code steps} steps
 * with every backend op timed by {@link ProfilingBackend}, and prints the ops by total time, per step.
 * The profiled step is a little slower than an unprofiled one (a clock read per op; on a GPU, a
 * synchronisation per op); the split between ops is what it is for.
 *
 * <p>How to run: {@code java --add-modules jdk.incubator.vector -cp bench/target/duel-bench.jar
 * dev.duel.bench.StepProfile dcgan28:64 [device=cpu] [steps=20] [warmup=20]}
 */
public final class StepProfile {
  private StepProfile() {}

  public static void main(String[] args) throws Exception {
    String config = args.length > 0 ? args[0] : "dcgan28:64";
    String device = args.length > 1 ? args[1] : "cpu";
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    ProfilingBackend profiler = new ProfilingBackend(Devices.get(device));
    StepRunner runner = new StepRunner(config, profiler);
    for (int i = 0; i < warmup; i++) runner.step();
    profiler.reset();
    long t0 = System.nanoTime();
    for (int i = 0; i < steps; i++) runner.step();
    double ms = (System.nanoTime() - t0) / 1e6 / steps;
    System.out.printf("%s on %s: %.2f ms/step (profiled, %d steps after %d warm-up)%n", config, device, ms, steps, warmup);
    System.out.print(profiler.table(40));
  }
}
