package dev.duel.bench;

import dev.duel.engine.ConvShape;
import dev.duel.engine.cpu.Conv2dCpu;
import dev.duel.engine.cpu.Sgemm;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The ratio that survives a busy machine: one thread's CPU time per call (ThreadMXBean), best of many
 * interleaved rounds, for Duel's SGEMM and conv layers and for OpenBLAS on the same calls. Time
 * slices lost to other processes do not count, so the ratio holds when wall-clock JMH figures swing by
 * ±50%. It measures one core's efficiency, not the scaling to all cores (JMH does that).
 *
 * <p>FLOPs: SGEMM 2·n³; a conv call 2·N·K·P·Q·C·R·S (D_conv2/G_convT1 shape: 822 MFLOP, D_conv1/G_convT2
 * shape: 25.7 MFLOP).
 *
 * <p>How to run (one thread for both sides):
 * {@code OPENBLAS_NUM_THREADS=1 java -Dduel.threads=1 --add-modules jdk.incubator.vector
 * -cp bench/target/duel-bench.jar dev.duel.bench.CpuTimeComparison [seconds=60]}
 */
public final class CpuTimeComparison {
  private CpuTimeComparison() {}

  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

  private record Op(String name, double mflop, Runnable run) {}

  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 60;
    SplittableRandom rnd = new SplittableRandom(11);
    NativeBLAS blas = NativeBLAS.getInstance();
    List<Op> ops = new ArrayList<>();
    for (int n : new int[] {256, 512, 1024}) {
      float[] a = random(rnd, n * n), b = random(rnd, n * n), c = new float[n * n];
      double mflop = 2.0 * n * n * n / 1e6;
      ops.add(new Op("sgemm n=" + n + " Duel", mflop, () -> Sgemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n)));
      ops.add(new Op("sgemm n=" + n + " OpenBLAS", mflop, () -> blas.sgemm("N", "N", n, n, n, 1f, b, n, a, n, 0f, c, n)));
    }
    for (ConvShape s : new ConvShape[] {new ConvShape(64, 1, 28, 28, 64, 4, 4, 2, 2, 1, 1),
                                        new ConvShape(64, 64, 14, 14, 128, 4, 4, 2, 2, 1, 1)}) {
      String tag = s.c() == 1 ? "s1" : "s2";
      float[] x = random(rnd, s.n() * s.c() * s.h() * s.w()), w = random(rnd, s.k() * s.c() * s.r() * s.s());
      float[] gy = random(rnd, s.n() * s.k() * s.p() * s.q()), y = new float[gy.length], gx = new float[x.length];
      float[] gw = new float[w.length];
      double mflop = 2.0 * s.macs() / 1e6;
      ops.add(new Op("conv " + tag + " forward", mflop, () -> Conv2dCpu.forward(s, x, w, y)));
      ops.add(new Op("conv " + tag + " backwardData", mflop, () -> Conv2dCpu.backwardData(s, gy, w, gx)));
      ops.add(new Op("conv " + tag + " backwardFilter", mflop, () -> Conv2dCpu.backwardFilter(s, x, gy, gw)));
    }
    double[] best = new double[ops.size()];
    Arrays.fill(best, Double.MAX_VALUE);
    long warmEnd = System.nanoTime() + 10_000_000_000L; // JIT warm-up: Vector API code is slow until C2 compiles it
    while (System.nanoTime() < warmEnd) for (Op op : ops) op.run().run();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < end) {
      for (int i = 0; i < ops.size(); i++) {
        long t = MX.getCurrentThreadCpuTime();
        ops.get(i).run().run();
        best[i] = Math.min(best[i], (MX.getCurrentThreadCpuTime() - t) / 1e6);
      }
    }
    System.out.println("| call | CPU ms (best) | GFLOP/s per core |");
    System.out.println("|---|---|---|");
    for (int i = 0; i < ops.size(); i++) {
      System.out.printf("| %s | %.2f | %.1f |%n", ops.get(i).name(), best[i], ops.get(i).mflop() / best[i]);
    }
  }

  private static float[] random(SplittableRandom rnd, int size) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) v[i] = (float) rnd.nextDouble(-1, 1);
    return v;
  }
}
