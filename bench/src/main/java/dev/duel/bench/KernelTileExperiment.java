package dev.duel.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Why Duel's SGEMM micro-kernel is 4×16 (8 accumulators) with AVX2 and not the 6×16 or 4×24 (12 accumulators)
 * that would need fewer loads per FMA: with 16 vector registers C2 keeps at most about nine loop-carried vectors in registers;
 * beyond that it boxes them (the compiled loop keeps vector objects alive across iterations) and the
 * tile runs far slower. This times each tile shape on L1-resident packed panels (kc = 256), one thread,
 * and prints GFLOP/s. Measured 2026-11-23 on the 2-core Zen 3 here, JDK 25, 16:5x UTC: 4×16 73–88, 3×24
 * 74–87, 5×16 27–31, 6×16 31–35, 4×24 31–36 GFLOP/s (no HotSpot flag tried changed that: type
 * speculation, loop unrolling, reboxing options); at 18:57, in a slow spell of the machine: 4×16
 * 27–43, 3×24 35–37, 5×16 20–23, 6×16 25–26, 4×24 23–25.
 *
 * <p>On the Zen 5 (AVX-512: 32 vector registers), JDK 25.0.3, 2026-12-05 13:07 UTC, two rounds each,
 * nothing boxes: at 512 bits 4×2v (4×32) 166–168, 6×2v 184–189, 5×2v 181–186, 3×3v 135–144, 4×3v
 * 163–166, 8×2v (8×32, 16 accumulators) 197–204 GFLOP/s; at 256 bits 4×2v 87–91, 8×2v 104. Sgemm
 * therefore uses 8 rows with 512-bit vectors and 4 with AVX2 ({@code SgemmKernel.ROWS}).
 *
 * <p>On an Intel Xeon with AVX-512 and AMX (family 6 model 167 as the VM reports it; 48 KiB L1d, 2 MiB L2 per
 * core), JDK 25.0.3, 2026-12-06 20:05 UTC, where a C loop of 16 independent 512-bit FMA chains ran at 203
 * GFLOP/s on one core: 4×2v 124, 6×2v 140, 5×2v 134–136, 3×3v 85, 4×3v 104, 8×2v 155–158, 12×2v (12×32, 24
 * accumulators) 164–166 GFLOP/s. Here no tile reaches the core's peak (8×32 at 77%). C2's loop for 8×32 is
 * clean (disassembled: 8 broadcasts folded into {@code vbroadcastss zmm, m32}, 2 vector loads, 16 FMAs, no
 * spill), and gcc 12's intrinsics version of the same tile ran at 168–179 GFLOP/s whether the B panel was
 * 64-byte aligned or not: a third of the gap is the compiled loop, two thirds the tile's shape on this core.
 * The 12-row tile gains ~5% in L1; it is not built (docs/benchmarks.md, the Intel section). Each tile is
 * written out by hand, as the others are, so that every accumulator is a local that C2 can keep in a register.
 *
 * <p>How to run: {@code java --add-modules jdk.incubator.vector [-Dtile.bits=256|512] -cp bench/target/duel-bench.jar
 * dev.duel.bench.KernelTileExperiment}
 */
public final class KernelTileExperiment {
  private KernelTileExperiment() {}

  /** -Dtile.bits=256 or 512 (default: the JVM's preferred species); a tile's columns are vectors of it. */
  static final VectorSpecies<Float> F = VectorSpecies.of(float.class,
      jdk.incubator.vector.VectorShape.forBitSize(Integer.getInteger("tile.bits", FloatVector.SPECIES_PREFERRED.vectorBitSize())));
  static final int L = F.length();
  static void k4x16(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * 4, bi = bOff + p * 2 * L;
      FloatVector b0 = FloatVector.fromArray(F, bp, bi), b1 = FloatVector.fromArray(F, bp, bi + L);
      FloatVector a = FloatVector.broadcast(F, ap[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(F, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(F, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(F, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
    }
    c00.add(c01).add(c10).add(c11).add(c20).add(c21).add(c30).add(c31).intoArray(c, cOff);
  }
  static void k6x16(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * 6, bi = bOff + p * 2 * L;
      FloatVector b0 = FloatVector.fromArray(F, bp, bi), b1 = FloatVector.fromArray(F, bp, bi + L);
      FloatVector a = FloatVector.broadcast(F, ap[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(F, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(F, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(F, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
      a = FloatVector.broadcast(F, ap[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
      a = FloatVector.broadcast(F, ap[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
    }
    c00.add(c01).add(c10).add(c11).add(c20).add(c21).add(c30).add(c31).add(c40).add(c41).add(c50).add(c51).intoArray(c, cOff);
  }
  static void k5x16(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * 5, bi = bOff + p * 2 * L;
      FloatVector b0 = FloatVector.fromArray(F, bp, bi), b1 = FloatVector.fromArray(F, bp, bi + L);
      FloatVector a = FloatVector.broadcast(F, ap[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(F, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(F, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(F, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
      a = FloatVector.broadcast(F, ap[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
    }
    c00.add(c01).add(c10).add(c11).add(c20).add(c21).add(c30).add(c31).add(c40).add(c41).intoArray(c, cOff);
  }
  static void k3x24(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00, c20 = c00, c21 = c00, c22 = c00;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * 3, bi = bOff + p * 3 * L;
      FloatVector b0 = FloatVector.fromArray(F, bp, bi), b1 = FloatVector.fromArray(F, bp, bi + L), b2 = FloatVector.fromArray(F, bp, bi + 2 * L);
      FloatVector a = FloatVector.broadcast(F, ap[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02);
      a = FloatVector.broadcast(F, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12);
      a = FloatVector.broadcast(F, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22);
    }
    c00.add(c01).add(c02).add(c10).add(c11).add(c12).add(c20).add(c21).add(c22).intoArray(c, cOff);
  }
  static void k4x24(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00, c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * 4, bi = bOff + p * 3 * L;
      FloatVector b0 = FloatVector.fromArray(F, bp, bi), b1 = FloatVector.fromArray(F, bp, bi + L), b2 = FloatVector.fromArray(F, bp, bi + 2 * L);
      FloatVector a = FloatVector.broadcast(F, ap[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02);
      a = FloatVector.broadcast(F, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12);
      a = FloatVector.broadcast(F, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22);
      a = FloatVector.broadcast(F, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31); c32 = a.fma(b2, c32);
    }
    c00.add(c01).add(c02).add(c10).add(c11).add(c12).add(c20).add(c21).add(c22).add(c30).add(c31).add(c32).intoArray(c, cOff);
  }
  static void k8x16(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * 8, bi = bOff + p * 2 * L;
      FloatVector b0 = FloatVector.fromArray(F, bp, bi), b1 = FloatVector.fromArray(F, bp, bi + L);
      FloatVector a = FloatVector.broadcast(F, ap[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(F, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(F, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(F, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
      a = FloatVector.broadcast(F, ap[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
      a = FloatVector.broadcast(F, ap[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
      a = FloatVector.broadcast(F, ap[ai + 6]); c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
      a = FloatVector.broadcast(F, ap[ai + 7]); c70 = a.fma(b0, c70); c71 = a.fma(b1, c71);
    }
    c00.add(c01).add(c10).add(c11).add(c20).add(c21).add(c30).add(c31).add(c40).add(c41).add(c50).add(c51)
        .add(c60).add(c61).add(c70).add(c71).intoArray(c, cOff);
  }
  static void k12x16(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
    FloatVector c80 = c00, c81 = c00, c90 = c00, c91 = c00, ca0 = c00, ca1 = c00, cb0 = c00, cb1 = c00;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * 12, bi = bOff + p * 2 * L;
      FloatVector b0 = FloatVector.fromArray(F, bp, bi), b1 = FloatVector.fromArray(F, bp, bi + L);
      FloatVector a = FloatVector.broadcast(F, ap[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(F, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(F, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(F, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
      a = FloatVector.broadcast(F, ap[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
      a = FloatVector.broadcast(F, ap[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
      a = FloatVector.broadcast(F, ap[ai + 6]); c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
      a = FloatVector.broadcast(F, ap[ai + 7]); c70 = a.fma(b0, c70); c71 = a.fma(b1, c71);
      a = FloatVector.broadcast(F, ap[ai + 8]); c80 = a.fma(b0, c80); c81 = a.fma(b1, c81);
      a = FloatVector.broadcast(F, ap[ai + 9]); c90 = a.fma(b0, c90); c91 = a.fma(b1, c91);
      a = FloatVector.broadcast(F, ap[ai + 10]); ca0 = a.fma(b0, ca0); ca1 = a.fma(b1, ca1);
      a = FloatVector.broadcast(F, ap[ai + 11]); cb0 = a.fma(b0, cb0); cb1 = a.fma(b1, cb1);
    }
    c00.add(c01).add(c10).add(c11).add(c20).add(c21).add(c30).add(c31).add(c40).add(c41).add(c50).add(c51)
        .add(c60).add(c61).add(c70).add(c71).add(c80).add(c81).add(c90).add(c91).add(ca0).add(ca1).add(cb0).add(cb1)
        .intoArray(c, cOff);
  }
  static void k8x24(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00, c20 = c00, c21 = c00, c22 = c00;
    FloatVector c30 = c00, c31 = c00, c32 = c00, c40 = c00, c41 = c00, c42 = c00, c50 = c00, c51 = c00, c52 = c00;
    FloatVector c60 = c00, c61 = c00, c62 = c00, c70 = c00, c71 = c00, c72 = c00;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * 8, bi = bOff + p * 3 * L;
      FloatVector b0 = FloatVector.fromArray(F, bp, bi), b1 = FloatVector.fromArray(F, bp, bi + L), b2 = FloatVector.fromArray(F, bp, bi + 2 * L);
      FloatVector a = FloatVector.broadcast(F, ap[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02);
      a = FloatVector.broadcast(F, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12);
      a = FloatVector.broadcast(F, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22);
      a = FloatVector.broadcast(F, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31); c32 = a.fma(b2, c32);
      a = FloatVector.broadcast(F, ap[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41); c42 = a.fma(b2, c42);
      a = FloatVector.broadcast(F, ap[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51); c52 = a.fma(b2, c52);
      a = FloatVector.broadcast(F, ap[ai + 6]); c60 = a.fma(b0, c60); c61 = a.fma(b1, c61); c62 = a.fma(b2, c62);
      a = FloatVector.broadcast(F, ap[ai + 7]); c70 = a.fma(b0, c70); c71 = a.fma(b1, c71); c72 = a.fma(b2, c72);
    }
    c00.add(c01).add(c02).add(c10).add(c11).add(c12).add(c20).add(c21).add(c22).add(c30).add(c31).add(c32)
        .add(c40).add(c41).add(c42).add(c50).add(c51).add(c52).add(c60).add(c61).add(c62).add(c70).add(c71).add(c72)
        .intoArray(c, cOff);
  }
  private interface K { void run(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc); }
  public static void main(String[] args) {
    int kc = 256;
    float[] ap = new float[kc * 12], bp = new float[kc * 3 * L], c = new float[4 * L];
    for (int i = 0; i < ap.length; i++) ap[i] = (i % 7) * 0.01f;
    for (int i = 0; i < bp.length; i++) bp[i] = (i % 5) * 0.01f;
    // Tiles as rows × columns, columns a multiple of the vector: "4x2v" is 4 rows × 2 vectors (4×16 at 256 bits).
    String[] names = {"4x2v", "6x2v", "5x2v", "3x3v", "4x3v", "8x2v", "12x2v", "8x3v"};
    K[] ks = {KernelTileExperiment::k4x16, KernelTileExperiment::k6x16, KernelTileExperiment::k5x16, KernelTileExperiment::k3x24,
        KernelTileExperiment::k4x24, KernelTileExperiment::k8x16, KernelTileExperiment::k12x16,
        KernelTileExperiment::k8x24};
    int[] flops = {4 * 2 * L, 6 * 2 * L, 5 * 2 * L, 3 * 3 * L, 4 * 3 * L, 8 * 2 * L, 12 * 2 * L, 8 * 3 * L};
    System.out.printf("%d-bit vectors (%d floats); accumulators: 4x2v 8, 6x2v 12, 5x2v 10, 3x3v 9, 4x3v 12, 8x2v 16, 12x2v 24, 8x3v 24%n", F.vectorBitSize(), L);
    for (int round = 0; round < 4; round++) {   // rounds 0-1 warm C2 up
      for (int v = 0; v < ks.length; v++) {
        K k = ks[v];
        int reps = 200_000;
        long t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) k.run(kc, ap, 0, bp, 0, c, 0, 16);
        double s = (System.nanoTime() - t0) / 1e9;
        int rows = Integer.parseInt(names[v].substring(0, names[v].indexOf('x')));
        if (round >= 2) System.out.printf("%-6s (%d×%d) %6.1f GFLOP/s%n", names[v], rows, flops[v] / rows, 2.0 * flops[v] * kc * reps / s / 1e9);
      }
    }
  }
}
