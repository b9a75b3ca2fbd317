package dev.duel.engine.cpu;

import dev.duel.engine.ConvShape;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Images stacked into one GEMM by the per-image convolutions ({@link Conv2dCpu#imagesPerGemm}) against one image
 * per GEMM ({@link Conv2dCpu#maxImagesPerGemm} = 1, the form before stacking), on dcgan28's 64→128 layer (4×4,
 * stride 2, 14×14 → 7×7) in one JVM: forward and backwardData, each timed by {@link GemmDriverAB#ratio} in
 * alternating 10-call bursts, stacked / one with a 95% interval. The results are bit-identical.
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
      GemmDriverAB.Ratio fwd = GemmDriverAB.ratio(rounds, 10, 10,
          () -> forward(1, s, x, w, y), () -> forward(stacked, s, x, w, y));
      GemmDriverAB.Ratio bwd = GemmDriverAB.ratio(rounds, 10, 10,
          () -> backwardData(1, s, gy, w, gx), () -> backwardData(stacked, s, gy, w, gx));
      Conv2dCpu.maxImagesPerGemm = stacked;
      System.out.printf(Locale.ROOT, "batch %d: forward %s, backwardData %s%n", n, fwd, bwd);
    }
  }

  private static void forward(int images, ConvShape s, float[] x, float[] w, float[] y) {
    Conv2dCpu.maxImagesPerGemm = images;
    Conv2dCpu.forward(s, x, w, y);
  }

  private static void backwardData(int images, ConvShape s, float[] gy, float[] w, float[] gx) {
    Conv2dCpu.maxImagesPerGemm = images;
    Conv2dCpu.backwardData(s, gy, w, gx);
  }

  private static float[] random(SplittableRandom rnd, int size) {
    float[] a = new float[size];
    for (int i = 0; i < size; i++) a[i] = (float) rnd.nextDouble(-1, 1);
    return a;
  }
}
