package dev.duel.engine.cuda;

import dev.duel.engine.Backend;
import dev.duel.engine.Buffer;
import dev.duel.engine.Devices;
import java.util.SplittableRandom;

/**
 * Run in a child JVM by CudaCublas13Test: starts cuda-emu with this JVM's settings (duel.cuda.libdirs,
 * duel.cuda.gemm) as {@code --device cuda-emu} would, runs one 17×33×5 transposed GEMM, prints the GEMM path,
 * the description, the stand-in .13's call count and whether it agrees with the CPU. Exit 0 when it ran,
 * 1 with the message on stderr when the device refused to start, 3 otherwise.
 */
public final class Cublas13Main {
  private Cublas13Main() {}

  public static void main(String[] args) {
    try {
      CudaBackend be = (CudaBackend) Devices.get("cuda-emu");
      System.out.println("gemm-path: " + be.gemmPath());
      System.out.println("describe: " + be.describe());
      int m = 17, n = 33, k = 5;
      float[] a = Compare.uniform(new SplittableRandom(1), k * m, -1, 1), b = Compare.uniform(new SplittableRandom(2),
          n * k, -1, 1);
      float[] gpu = gemm(be, a, b, m, n, k), cpu = gemm(Devices.cpu(), a, b, m, n, k);
      boolean agrees = true;
      for (int i = 0; i < cpu.length; i++) agrees &= Math.abs(cpu[i] - gpu[i]) <= 1e-4f * k;
      System.out.println("calls13: " + Cublas13.gemmCalls(Cublas13.folder().resolve("libcublas.so.13")));
      System.out.println("agrees: " + agrees);
      System.exit(0);
    } catch (RuntimeException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(3);
    }
  }

  /** C (m×n) = Aᵀ·Bᵀ with A stored k×m and B stored n×k (both transposed: the swapped-operand case). */
  private static float[] gemm(Backend be, float[] a, float[] b, int m, int n, int k) {
    Buffer ba = TestCuda.of(be, a), bb = TestCuda.of(be, b), bc = be.allocate((long) m * n);
    be.gemm(true, true, m, n, k, 1f, ba, 0, m, 0, bb, 0, k, 0, 0f, bc, 0, n, 0, 1);
    return TestCuda.get(be, bc);
  }
}
