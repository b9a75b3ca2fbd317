package dev.duel.engine.cpu;

import dev.duel.engine.ConvShape;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Images stacked into one GEMM by the per-image convolutions ({@link Conv2dCpu#imagesPerGemm}) against one image
 * per GEMM ({@link Conv2dCpu#maxImagesPerGemm} = 1, the form before stacking), on dcgan28's 64→128 layer (4×4,
 * stride 2, 14×14 → 7×7) in one JVM: forward and backwardData, alternating ~10-call bursts of each way (order
 * swapped each round), then the geometric mean of the per-round time ratios stacked / one with a 95% interval.
 * The results are bit-identical.
 *
 * <p>How to run: {@code java --add-modules jdk.incubator.vector -cp bench/target/duel-bench.jar
 * dev.duel.engine.cpu.ConvImagesExperiment [batches=64,128] [rounds=12]}
 */
public final class ConvImagesExperiment {
  private ConvImagesExperiment() {}

  public static void main(String[] args) {
    String batches = args.length > 0 ? args[0] : "64,128";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    int stacked = Conv2dCpu.maxImagesPerGemm;
    System.out.printf(Locale.ROOT, "# %d threads, %d-row tile; time with up to %d images per GEMM / one image per GEMM%n",
        CpuPool.threads(), SgemmKernel.ROWS, stacked);
    SplittableRandom rnd = new SplittableRandom(42);
    for (String b : batches.split(",")) {
      int n = Integer.parseInt(b.trim());
      ConvShape s = new ConvShape(n, 64, 14, 14, 128, 4, 4, 2, 2, 1, 1);
      float[] x = random(rnd, n * 64 * 196), w = random(rnd, 128 * 1024), gy = random(rnd, n * 128 * 49);
      float[] y = new float[gy.length], gx = new float[x.length];
      double[] fwd = new double[rounds], bwd = new double[rounds];
      for (int r = -4; r < rounds; r++) {                  // four warm-up rounds
        double[] tf = new double[2], td = new double[2];
        for (int side = 0; side < 2; side++) {
          int v = (side + r + 4) % 2;
          Conv2dCpu.maxImagesPerGemm = v == 0 ? 1 : stacked;
          long t0 = System.nanoTime();
          for (int i = 0; i < 10; i++) Conv2dCpu.forward(s, x, w, y);
          tf[v] = System.nanoTime() - t0;
          t0 = System.nanoTime();
          for (int i = 0; i < 10; i++) Conv2dCpu.backwardData(s, gy, w, gx);
          td[v] = System.nanoTime() - t0;
        }
        if (r >= 0) {
          fwd[r] = Math.log(tf[1] / tf[0]);
          bwd[r] = Math.log(td[1] / td[0]);
        }
      }
      Conv2dCpu.maxImagesPerGemm = stacked;
      System.out.printf(Locale.ROOT, "batch %d: forward %s, backwardData %s%n", n, interval(fwd), interval(bwd));
    }
  }

  private static float[] random(SplittableRandom rnd, int size) {
    float[] a = new float[size];
    for (int i = 0; i < size; i++) a[i] = (float) rnd.nextDouble(-1, 1);
    return a;
  }

  /** "0.912 (0.880–0.945)": the geometric mean of the ratios and its 95% interval (Student's t). */
  private static String interval(double[] logRatio) {
    int k = logRatio.length;
    double mean = 0, var = 0;
    for (double v : logRatio) mean += v / k;
    for (double v : logRatio) var += (v - mean) * (v - mean) / (k - 1);
    double half = GemmDriverAB.tQuantile975(k - 1) * Math.sqrt(var / k);
    return String.format(Locale.ROOT, "%.3f (%.3f–%.3f)", Math.exp(mean), Math.exp(mean - half), Math.exp(mean + half));
  }
}
