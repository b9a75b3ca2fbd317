package dev.duel.engine.cuda;

import dev.duel.engine.Backend;
import dev.duel.engine.Buffer;
import dev.duel.engine.ConvShape;
import dev.duel.engine.Devices;
import java.util.SplittableRandom;

/**
 * A manual check for a machine with a GPU (no JUnit needed): what {@code duel info} prints, then {@code cuda}
 * with the settings' libraries, GEMMs (odd sizes, all transposes, batched) and convolutions against the CPU
 * backend. Prints one line per case with the largest error relative to the magnitude of the terms; exit 0 when
 * all are within 1e-3 (TF32 is not used: cuBLAS's default math is full FP32), 1 otherwise.
 */
public final class GpuLibrariesCheck {
  private GpuLibrariesCheck() {}

  public static void main(String[] args) {
    CudaBackends.info().forEach(l -> System.out.println("info: " + l));
    CudaBackend be = (CudaBackend) Devices.get(args.length > 0 ? args[0] : "cuda");
    System.out.println("describe: " + be.describe());
    System.out.println("gemm-path: " + be.gemmPath() + ", conv-path: " + be.convPath());
    boolean ok = true;
    SplittableRandom rng = new SplittableRandom(7);
    int[][] sizes = {{1, 1, 1}, {17, 33, 5}, {3, 1, 130}, {65, 70, 33}, {257, 129, 300}};
    for (int[] sz : sizes) {
      for (int t = 0; t < 8; t++) {
        int m = sz[0], n = sz[1], k = sz[2], batch = t < 4 ? 3 : 1;
        boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
        int lda = ta ? m : k, ldb = tb ? k : n;
        long sa = (long) m * k, sb = (long) k * n, sc = (long) m * n;
        float[] a = uniform(rng, (int) (batch * sa)), b = uniform(rng, (int) (batch * sb));
        float[][] r = new float[2][];
        int i = 0;
        for (Backend bk : new Backend[] {Devices.cpu(), be}) {
          Buffer ba = TestCuda.of(bk, a), bb = TestCuda.of(bk, b), bc = bk.allocate(batch * sc);
          bk.gemm(ta, tb, m, n, k, 1f, ba, 0, lda, sa, bb, 0, ldb, sb, 0f, bc, 0, n, sc, batch);
          r[i++] = TestCuda.get(bk, bc);
        }
        double err = maxErr(r[0], r[1]) / k;   // terms are products of values in [-1, 1]: |C| ≤ k
        ok &= err <= 1e-3;
        System.out.printf("gemm %s%s %dx%dx%d batch %d: max error / k = %.2e%n", ta ? "T" : "N", tb ? "T" : "N", m, n,
            k, batch, err);
      }
    }
    for (ConvShape s : new ConvShape[] {new ConvShape(3, 3, 7, 6, 2, 3, 3, 2, 2, 1, 1),
        new ConvShape(64, 1, 28, 28, 64, 4, 4, 2, 2, 1, 1), new ConvShape(64, 64, 14, 14, 128, 4, 4, 2, 2, 1, 1)}) {
      int xs = s.n() * s.c() * s.h() * s.w(), ws = s.k() * s.c() * s.r() * s.s(), ys = s.n() * s.k() * s.p() * s.q();
      float[] x = uniform(rng, xs), w = uniform(rng, ws);
      float[][] r = new float[2][];
      int i = 0;
      for (Backend bk : new Backend[] {Devices.cpu(), be}) {
        Buffer bx = TestCuda.of(bk, x), bw = TestCuda.of(bk, w), by = bk.allocate(ys);
        bk.conv2d(s, bx, bw, by);
        r[i++] = TestCuda.get(bk, by);
      }
      double err = maxErr(r[0], r[1]) / (s.c() * s.r() * s.s());
      ok &= err <= 1e-3;
      System.out.printf("conv2d %s: max error / terms = %.2e%n", s, err);
    }
    System.out.println("describe after: " + be.describe());
    System.out.println(ok ? "ALL OK" : "SOME FAILED");
    System.exit(ok ? 0 : 1);
  }

  private static float[] uniform(SplittableRandom rng, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) rng.nextDouble(-1, 1);
    return a;
  }

  private static double maxErr(float[] x, float[] y) {
    double m = 0;
    for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs((double) x[i] - y[i]));
    return m;
  }
}
