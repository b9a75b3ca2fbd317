package dev.duel.bench;

import dev.duel.engine.Devices;
import dev.duel.engine.cpu.CpuPool;
import dev.duel.engine.cpu.Sgemm;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One side of bench/paired.py, the paired benchmark: a long-lived process that does one unit of work
 * (a training step, or one GEMM) on request, so the coordinator can alternate short bursts of Duel and
 * of its peer and every slow spell of the machine lands on both.
 *
 * <pre>
 *   PairedWorker step CONFIG          a Duel training step (StepRunner), e.g. mlp:64
 *   PairedWorker gemm SHAPE           Duel's Sgemm on one shape, e.g. NT:64x512x784
 *   PairedWorker openblas SHAPE       the system's OpenBLAS (netlib's JNI binding) on the same shape
 * </pre>
 *
 * Protocol, one line each way: the worker prints {@code ready DESCRIPTION} once built; then for
 * {@code warm SECONDS} it runs units for that long and answers {@code ok UNITS TOTAL_NS}; for
 * {@code run N} it runs N units, timing each alone, and answers {@code ok N TOTAL_NS MEDIAN_NS MIN_NS};
 * {@code quit} ends it. Anything else is answered {@code error REASON}.
 */
public final class PairedWorker {
  private PairedWorker() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    if (args.length != 2) {
      out.println("error usage: PairedWorker step CONFIG | gemm SHAPE | openblas SHAPE");
      System.exit(2);
    }
    Runnable unit;
    String description;
    switch (args[0]) {
      case "step" -> {
        StepRunner runner = new StepRunner(args[1], Devices.get("cpu"));
        unit = runner::step;
        description = "duel step " + args[1] + " threads=" + CpuPool.threads()
            + " vector=" + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
      }
      case "gemm", "openblas" -> {
        GemmShape s = GemmShape.parse(args[1]);
        unit = args[0].equals("gemm") ? duelGemm(s, operands(s)) : openBlasGemm(s, operands(s));
        description = args[0] + " " + s + " threads=" + (args[0].equals("gemm") ? CpuPool.threads() : "OpenBLAS's")
            + " vector=" + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
      }
      default -> {
        out.println("error unknown kind '" + args[0] + "': use step, gemm or openblas");
        System.exit(2);
        return;
      }
    }
    out.println("ready " + description);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      String[] w = line.trim().split("\\s+");
      try {
        switch (w[0]) {
          case "warm" -> {
            long until = System.nanoTime() + (long) (Double.parseDouble(w[1]) * 1e9), t0 = System.nanoTime();
            int units = 0;
            do {
              unit.run();
              units++;
            } while (System.nanoTime() < until);
            out.println("ok " + units + " " + (System.nanoTime() - t0));
          }
          case "run" -> out.println(run(unit, Integer.parseInt(w[1])));
          case "quit" -> {
            return;
          }
          default -> out.println("error unknown command '" + line + "'");
        }
      } catch (RuntimeException e) {
        out.println("error " + e);
      }
    }
  }

  /** N units, each timed alone: "ok N TOTAL_NS MEDIAN_NS MIN_NS". */
  static String run(Runnable unit, int n) {
    if (n < 1) throw new IllegalArgumentException("run needs N >= 1, got " + n);
    long[] ns = new long[n];
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      unit.run();
      ns[i] = System.nanoTime() - t0;
    }
    long total = System.nanoTime() - start;
    Arrays.sort(ns);
    long median = n % 2 == 1 ? ns[n / 2] : (ns[n / 2 - 1] + ns[n / 2]) / 2;
    return String.format(Locale.ROOT, "ok %d %d %d %d", n, total, median, ns[0]);
  }

  /** A (m×k or k×m), B and C of a shape, A and B uniform in [−1, 1) from a fixed seed. */
  static float[][] operands(GemmShape s) {
    SplittableRandom rnd = new SplittableRandom(42);
    float[] a = new float[s.m() * s.k()], b = new float[s.k() * s.n()], c = new float[s.m() * s.n()];
    for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextDouble(-1, 1);
    for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextDouble(-1, 1);
    return new float[][] {a, b, c};
  }

  /** C = op(A)·op(B) into o[2] by Duel's Sgemm, on all of CpuPool's threads. */
  static Runnable duelGemm(GemmShape s, float[][] o) {
    return () -> Sgemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, o[0], 0, s.lda(), o[1], 0, s.ldb(), 0f, o[2], 0, s.n());
  }

  /**
   * Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, and a row-major array read
   * column-major is its transpose: so B and A are passed swapped, each with its own transpose flag.
   */
  static Runnable openBlasGemm(GemmShape s, float[][] o) {
    NativeBLAS blas = NativeBLAS.getInstance(); // throws when libblas.so.3 cannot be loaded
    String ta = s.transA() ? "T" : "N", tb = s.transB() ? "T" : "N";
    return () -> blas.sgemm(tb, ta, s.n(), s.m(), s.k(), 1f, o[1], s.ldb(), o[0], s.lda(), 0f, o[2], s.n());
  }
}
