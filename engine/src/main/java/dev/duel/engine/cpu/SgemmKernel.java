package dev.duel.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SGEMM micro-kernel: one MR×NR tile of C from an A micro-panel and a B micro-panel, MR = 4, 8 or
 * 12 rows ({@link #ROWS}, or {@link #rowsFor} a plain product's m; the driver passes it, so the tiles can
 * be compared in one JVM).
 *
 * <pre>
 *   ap: kc×MR, ap[aOff + p·MR + i] = op(A)[i, p]      (MR rows of A, packed column by column)
 *   bp: kc×NR, bp[bOff + p·NR + j] = op(B)[p, j]      (NR columns of B, packed row by row)
 *   C[i, j] = alpha·Σ_p ap[p, i]·bp[p, j] + beta·C[i, j]   for i < MR, j < NR; beta = 0 never reads C
 * </pre>
 *
 * NR = 2 vectors of the preferred species (16 floats with AVX2, 32 with AVX-512). MR = 4 with AVX2:
 * eight vector accumulators; each k step is 2 vector loads of B, 4 broadcasts of A and 8 FMAs. MR = 8,
 * only with AVX-512: sixteen accumulators, 2 loads and 8 broadcasts for 16 FMAs. Measured by
 * KernelTileExperiment on the Zen 5 (AVX-512): 8×32 at 197–204 GFLOP/s on one core, 4×32 at 166–168.
 * MR = 12, for large products on an AVX-512 Intel core or Zen 5 ({@link #LARGE_ROWS}): 24 accumulators, 2 loads and
 * 12 broadcasts for 24 FMAs, 27 of the 32 registers.
 *
 * <p>Why 4 rows with AVX2 (measured on the 2-core Zen 3 here, AVX2, 16 ymm registers): an FMA-only loop
 * runs at the 116 GFLOP/s per-core peak, but every load costs, so the ratio of loads to FMAs sets the
 * speed. Tiles with a better ratio (6×16, 4×24: 12 accumulators) leave C2 a register short; it spills
 * an accumulator to the stack, a store and a load on the FMA chain every step, and they ran at a
 * third of this one. 4×16 reaches ~75 GFLOP/s per core on L1-resident panels, about what gcc -O2
 * makes of a 6×16 intrinsics kernel here. Broadcasting A in registers (permutes) or loading A
 * pre-broadcast were no faster; aligned off-heap (MemorySegment) panels ran at a third of the speed.
 *
 * <p>{@link SgemmStridedKernel} holds copies of the 4- and 8-row tiles with A's and B's strides as arguments, for
 * {@link SgemmInPlace} (passing strides to these tiles cost small packed products 9–11%, session 22). A change to the
 * arithmetic here belongs there too: SgemmInPlaceTest compares the two paths bit for bit and fails otherwise.
 */
final class SgemmKernel {
  private SgemmKernel() {}

  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  /** Floats per vector. */
  static final int L = F.length();
  /** Columns of the tile: two vectors. */
  static final int NR = 2 * L;
  /** The most rows a tile has: A panels and edge tiles are sized for it. */
  static final int MR_MAX = 12;
  /** -Dduel.sgemm.rows, read once: null when unset. */
  private static final String ROWS_SETTING =
      CpuSettings.choice("duel.sgemm.rows", null, "4, 8 or 12 (the rows of the SGEMM micro-kernel)", "4", "8", "12");
  /**
   * The tile's rows for every product of this JVM: 8 where the vectors are 512 bits (AVX-512's 32
   * registers hold 16 accumulators, 2 B vectors and a broadcast), 4 otherwise (AVX2's 16 registers
   * spill with more than ~9 accumulators). -Dduel.sgemm.rows=4|8|12 overrides it. Between 4 and 8, one count for every
   * shape: on the Zen 5 (AVX-512) the 4-row tile took 1.04–1.40× the 8-row tile's time at 35 of the
   * 40 packed GEMM shapes of the reference models (TileRowsExperiment, one JVM), and 0.95–1.00× at five
   * small ones (at most 5%, a few microseconds per step); in whole steps the 4-row JVMs took 1.13×
   * (mlp b256) and 1.07× (dcgan28 b64) the 8-row JVMs' time (docs/benchmarks.md).
   */
  static final int ROWS = ROWS_SETTING == null ? defaultRows(F.vectorBitSize()) : Integer.parseInt(ROWS_SETTING);

  /**
   * The tile's rows for a plain product of m ≥ {@link #LARGE_M} rows ({@link #rowsFor}): 12 on an Intel CPU or an
   * AMD Zen 5 with 512-bit vectors ({@link #defaultLargeRows}), else {@link #ROWS}. -Dduel.sgemm.rows sets both.
   */
  static final int LARGE_ROWS = ROWS_SETTING != null ? ROWS : defaultLargeRows(CpuModel.HOST, F.vectorBitSize());
  /** The fewest rows of a plain product that take {@link #LARGE_ROWS}. */
  static final int LARGE_M = 1024;

  /**
   * 12 where an Intel core or a Zen 5 has 512-bit vectors, else {@link #ROWS}. On the AVX-512 Xeon of docs/benchmarks.md
   * (session 13) no Java tile reaches the core's FMA peak; the 12×32 tile (24 accumulators) ran at 164–171 GFLOP/s
   * in L1 against the 8×32 tile's 150–164 (KernelTileExperiment). In products it paid only for large squares:
   * paired against OpenBLAS in one run, 12-row JVMs took 0.961× (0.950–0.971) the 8-row JVMs' time at n = 1024,
   * 0.989× (0.965–1.013) at 2048 and 1.020× (0.990–1.050) at 512, and in one JVM (TileRowsExperiment) the batch-64
   * shapes of the reference models took 1.06–1.24× the time with 12 rows (a 64-row product pads 12-row tiles to
   * 72 rows), the 256- to 6272-row ones 0.94–1.14×, none clearly faster. Hence 12 rows only from {@link #LARGE_M}
   * rows, and only where measured. On the Zen 5 (session 21) the 8×32 and 12×32 tiles both run at a C intrinsics tile's speed in
   * L1 (221–223 and 214–220 GFLOP/s), but the 12-row tile brings {@link GemmStreamA}'s order with it: paired against
   * OpenBLAS, 12-row JVMs took 0.933× (0.919–0.948) the 8-row JVMs' time at n = 1024; with 1024-deep slices, the 8-row
   * build took 1.088× (1.060–1.118) the 12-row build's time at 2048² and 1.090× at 1024² (docs/benchmarks.md, session 21). Not measured on the Zen 4: 8 rows there.
   */
  static int defaultLargeRows(CpuModel cpu, int vectorBits) {
    return vectorBits >= 512 && (cpu.intel() || cpu.amdZen5OrLater()) ? 12 : defaultRows(vectorBits);
  }

  /** {@link #ROWS} unless overridden: 8 with 512-bit vectors, 4 otherwise. */
  static int defaultRows(int vectorBits) {
    return vectorBits >= 512 ? 8 : 4;
  }

  /** The tile's rows for a plain product with m rows: {@link #LARGE_ROWS} from {@link #LARGE_M} rows, else {@link #ROWS}. */
  static int rowsFor(int m) {
    return m >= LARGE_M ? LARGE_ROWS : ROWS;
  }

  /** The full mr×NR tile (mr = 4, 8 or 12) at c[cOff], rows ldc apart. */
  static void tile(int mr, int kc, float[] ap, int aOff, float[] bp, int bOff,
                   float alpha, float beta, float[] c, int cOff, int ldc) {
    if (mr == 8) tile8(kc, ap, aOff, bp, bOff, alpha, beta, c, cOff, ldc);
    else if (mr == 12) tile12(kc, ap, aOff, bp, bOff, alpha, beta, c, cOff, ldc);
    else tile4(kc, ap, aOff, bp, bOff, alpha, beta, c, cOff, ldc);
  }

  /** The 4×NR tile: A panels packed 4 rows wide (ap[aOff + p·4 + i]). */
  static void tile4(int kc, float[] ap, int aOff, float[] bp, int bOff,
                    float alpha, float beta, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * 4;
      int bi = bOff + p * NR;
      FloatVector b0 = FloatVector.fromArray(F, bp, bi);
      FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
      FloatVector a = FloatVector.broadcast(F, ap[ai]);
      c00 = a.fma(b0, c00);
      c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(F, ap[ai + 1]);
      c10 = a.fma(b0, c10);
      c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(F, ap[ai + 2]);
      c20 = a.fma(b0, c20);
      c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(F, ap[ai + 3]);
      c30 = a.fma(b0, c30);
      c31 = a.fma(b1, c31);
    }
    // The epilogue is one branch on beta and straight-line vector code, no helper calls and no branch on
    // alpha: with a three-way beta branch in a helper called per row, C2's compile of this method ran past
    // its node budget in some JVMs and not others (NodeCountInliningCutoff, depending on which betas the
    // profile had seen by then), left a row's store out of line with its vectors boxed, and ran the whole
    // GEMM at half speed for that JVM's life: issue 17's JVM lottery (docs/benchmarks.md).
    FloatVector va = FloatVector.broadcast(F, alpha);
    int r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
    if (beta == 0f) {                      // C = alpha·acc, C never read
      c00.mul(va).intoArray(c, r0);
      c01.mul(va).intoArray(c, r0 + L);
      c10.mul(va).intoArray(c, r1);
      c11.mul(va).intoArray(c, r1 + L);
      c20.mul(va).intoArray(c, r2);
      c21.mul(va).intoArray(c, r2 + L);
      c30.mul(va).intoArray(c, r3);
      c31.mul(va).intoArray(c, r3 + L);
    } else {                               // C = alpha·acc + beta·C
      FloatVector vb = FloatVector.broadcast(F, beta);
      c00.fma(va, FloatVector.fromArray(F, c, r0).mul(vb)).intoArray(c, r0);
      c01.fma(va, FloatVector.fromArray(F, c, r0 + L).mul(vb)).intoArray(c, r0 + L);
      c10.fma(va, FloatVector.fromArray(F, c, r1).mul(vb)).intoArray(c, r1);
      c11.fma(va, FloatVector.fromArray(F, c, r1 + L).mul(vb)).intoArray(c, r1 + L);
      c20.fma(va, FloatVector.fromArray(F, c, r2).mul(vb)).intoArray(c, r2);
      c21.fma(va, FloatVector.fromArray(F, c, r2 + L).mul(vb)).intoArray(c, r2 + L);
      c30.fma(va, FloatVector.fromArray(F, c, r3).mul(vb)).intoArray(c, r3);
      c31.fma(va, FloatVector.fromArray(F, c, r3 + L).mul(vb)).intoArray(c, r3 + L);
    }
  }

  /** The 8×NR tile: A panels packed 8 rows wide (ap[aOff + p·8 + i]); 16 accumulators. */
  static void tile8(int kc, float[] ap, int aOff, float[] bp, int bOff,
                    float alpha, float beta, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * 8;
      int bi = bOff + p * NR;
      FloatVector b0 = FloatVector.fromArray(F, bp, bi);
      FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
      FloatVector a = FloatVector.broadcast(F, ap[ai]);
      c00 = a.fma(b0, c00);
      c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(F, ap[ai + 1]);
      c10 = a.fma(b0, c10);
      c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(F, ap[ai + 2]);
      c20 = a.fma(b0, c20);
      c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(F, ap[ai + 3]);
      c30 = a.fma(b0, c30);
      c31 = a.fma(b1, c31);
      a = FloatVector.broadcast(F, ap[ai + 4]);
      c40 = a.fma(b0, c40);
      c41 = a.fma(b1, c41);
      a = FloatVector.broadcast(F, ap[ai + 5]);
      c50 = a.fma(b0, c50);
      c51 = a.fma(b1, c51);
      a = FloatVector.broadcast(F, ap[ai + 6]);
      c60 = a.fma(b0, c60);
      c61 = a.fma(b1, c61);
      a = FloatVector.broadcast(F, ap[ai + 7]);
      c70 = a.fma(b0, c70);
      c71 = a.fma(b1, c71);
    }
    // tile4's epilogue, for eight rows.
    FloatVector va = FloatVector.broadcast(F, alpha);
    int r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
    if (beta == 0f) {
      c00.mul(va).intoArray(c, r0);
      c01.mul(va).intoArray(c, r0 + L);
      c10.mul(va).intoArray(c, r1);
      c11.mul(va).intoArray(c, r1 + L);
      c20.mul(va).intoArray(c, r2);
      c21.mul(va).intoArray(c, r2 + L);
      c30.mul(va).intoArray(c, r3);
      c31.mul(va).intoArray(c, r3 + L);
      c40.mul(va).intoArray(c, r4);
      c41.mul(va).intoArray(c, r4 + L);
      c50.mul(va).intoArray(c, r5);
      c51.mul(va).intoArray(c, r5 + L);
      c60.mul(va).intoArray(c, r6);
      c61.mul(va).intoArray(c, r6 + L);
      c70.mul(va).intoArray(c, r7);
      c71.mul(va).intoArray(c, r7 + L);
    } else {
      FloatVector vb = FloatVector.broadcast(F, beta);
      c00.fma(va, FloatVector.fromArray(F, c, r0).mul(vb)).intoArray(c, r0);
      c01.fma(va, FloatVector.fromArray(F, c, r0 + L).mul(vb)).intoArray(c, r0 + L);
      c10.fma(va, FloatVector.fromArray(F, c, r1).mul(vb)).intoArray(c, r1);
      c11.fma(va, FloatVector.fromArray(F, c, r1 + L).mul(vb)).intoArray(c, r1 + L);
      c20.fma(va, FloatVector.fromArray(F, c, r2).mul(vb)).intoArray(c, r2);
      c21.fma(va, FloatVector.fromArray(F, c, r2 + L).mul(vb)).intoArray(c, r2 + L);
      c30.fma(va, FloatVector.fromArray(F, c, r3).mul(vb)).intoArray(c, r3);
      c31.fma(va, FloatVector.fromArray(F, c, r3 + L).mul(vb)).intoArray(c, r3 + L);
      c40.fma(va, FloatVector.fromArray(F, c, r4).mul(vb)).intoArray(c, r4);
      c41.fma(va, FloatVector.fromArray(F, c, r4 + L).mul(vb)).intoArray(c, r4 + L);
      c50.fma(va, FloatVector.fromArray(F, c, r5).mul(vb)).intoArray(c, r5);
      c51.fma(va, FloatVector.fromArray(F, c, r5 + L).mul(vb)).intoArray(c, r5 + L);
      c60.fma(va, FloatVector.fromArray(F, c, r6).mul(vb)).intoArray(c, r6);
      c61.fma(va, FloatVector.fromArray(F, c, r6 + L).mul(vb)).intoArray(c, r6 + L);
      c70.fma(va, FloatVector.fromArray(F, c, r7).mul(vb)).intoArray(c, r7);
      c71.fma(va, FloatVector.fromArray(F, c, r7 + L).mul(vb)).intoArray(c, r7 + L);
    }
  }

  /** The 12×NR tile: A panels packed 12 rows wide (ap[aOff + p·12 + i]); 24 accumulators, 2 B vectors and a broadcast in AVX-512's 32 registers. */
  static void tile12(int kc, float[] ap, int aOff, float[] bp, int bOff,
                     float alpha, float beta, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
    FloatVector c80 = c00, c81 = c00, c90 = c00, c91 = c00;
    FloatVector ca0 = c00, ca1 = c00, cb0 = c00, cb1 = c00;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * 12;
      int bi = bOff + p * NR;
      FloatVector b0 = FloatVector.fromArray(F, bp, bi);
      FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
      FloatVector a = FloatVector.broadcast(F, ap[ai]);
      c00 = a.fma(b0, c00);
      c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(F, ap[ai + 1]);
      c10 = a.fma(b0, c10);
      c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(F, ap[ai + 2]);
      c20 = a.fma(b0, c20);
      c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(F, ap[ai + 3]);
      c30 = a.fma(b0, c30);
      c31 = a.fma(b1, c31);
      a = FloatVector.broadcast(F, ap[ai + 4]);
      c40 = a.fma(b0, c40);
      c41 = a.fma(b1, c41);
      a = FloatVector.broadcast(F, ap[ai + 5]);
      c50 = a.fma(b0, c50);
      c51 = a.fma(b1, c51);
      a = FloatVector.broadcast(F, ap[ai + 6]);
      c60 = a.fma(b0, c60);
      c61 = a.fma(b1, c61);
      a = FloatVector.broadcast(F, ap[ai + 7]);
      c70 = a.fma(b0, c70);
      c71 = a.fma(b1, c71);
      a = FloatVector.broadcast(F, ap[ai + 8]);
      c80 = a.fma(b0, c80);
      c81 = a.fma(b1, c81);
      a = FloatVector.broadcast(F, ap[ai + 9]);
      c90 = a.fma(b0, c90);
      c91 = a.fma(b1, c91);
      a = FloatVector.broadcast(F, ap[ai + 10]);
      ca0 = a.fma(b0, ca0);
      ca1 = a.fma(b1, ca1);
      a = FloatVector.broadcast(F, ap[ai + 11]);
      cb0 = a.fma(b0, cb0);
      cb1 = a.fma(b1, cb1);
    }
    // tile4's epilogue, for twelve rows.
    FloatVector va = FloatVector.broadcast(F, alpha);
    int r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
    int r8 = r7 + ldc, r9 = r8 + ldc, ra = r9 + ldc, rb = ra + ldc;
    if (beta == 0f) {
      c00.mul(va).intoArray(c, r0);
      c01.mul(va).intoArray(c, r0 + L);
      c10.mul(va).intoArray(c, r1);
      c11.mul(va).intoArray(c, r1 + L);
      c20.mul(va).intoArray(c, r2);
      c21.mul(va).intoArray(c, r2 + L);
      c30.mul(va).intoArray(c, r3);
      c31.mul(va).intoArray(c, r3 + L);
      c40.mul(va).intoArray(c, r4);
      c41.mul(va).intoArray(c, r4 + L);
      c50.mul(va).intoArray(c, r5);
      c51.mul(va).intoArray(c, r5 + L);
      c60.mul(va).intoArray(c, r6);
      c61.mul(va).intoArray(c, r6 + L);
      c70.mul(va).intoArray(c, r7);
      c71.mul(va).intoArray(c, r7 + L);
      c80.mul(va).intoArray(c, r8);
      c81.mul(va).intoArray(c, r8 + L);
      c90.mul(va).intoArray(c, r9);
      c91.mul(va).intoArray(c, r9 + L);
      ca0.mul(va).intoArray(c, ra);
      ca1.mul(va).intoArray(c, ra + L);
      cb0.mul(va).intoArray(c, rb);
      cb1.mul(va).intoArray(c, rb + L);
    } else {
      FloatVector vb = FloatVector.broadcast(F, beta);
      c00.fma(va, FloatVector.fromArray(F, c, r0).mul(vb)).intoArray(c, r0);
      c01.fma(va, FloatVector.fromArray(F, c, r0 + L).mul(vb)).intoArray(c, r0 + L);
      c10.fma(va, FloatVector.fromArray(F, c, r1).mul(vb)).intoArray(c, r1);
      c11.fma(va, FloatVector.fromArray(F, c, r1 + L).mul(vb)).intoArray(c, r1 + L);
      c20.fma(va, FloatVector.fromArray(F, c, r2).mul(vb)).intoArray(c, r2);
      c21.fma(va, FloatVector.fromArray(F, c, r2 + L).mul(vb)).intoArray(c, r2 + L);
      c30.fma(va, FloatVector.fromArray(F, c, r3).mul(vb)).intoArray(c, r3);
      c31.fma(va, FloatVector.fromArray(F, c, r3 + L).mul(vb)).intoArray(c, r3 + L);
      c40.fma(va, FloatVector.fromArray(F, c, r4).mul(vb)).intoArray(c, r4);
      c41.fma(va, FloatVector.fromArray(F, c, r4 + L).mul(vb)).intoArray(c, r4 + L);
      c50.fma(va, FloatVector.fromArray(F, c, r5).mul(vb)).intoArray(c, r5);
      c51.fma(va, FloatVector.fromArray(F, c, r5 + L).mul(vb)).intoArray(c, r5 + L);
      c60.fma(va, FloatVector.fromArray(F, c, r6).mul(vb)).intoArray(c, r6);
      c61.fma(va, FloatVector.fromArray(F, c, r6 + L).mul(vb)).intoArray(c, r6 + L);
      c70.fma(va, FloatVector.fromArray(F, c, r7).mul(vb)).intoArray(c, r7);
      c71.fma(va, FloatVector.fromArray(F, c, r7 + L).mul(vb)).intoArray(c, r7 + L);
      c80.fma(va, FloatVector.fromArray(F, c, r8).mul(vb)).intoArray(c, r8);
      c81.fma(va, FloatVector.fromArray(F, c, r8 + L).mul(vb)).intoArray(c, r8 + L);
      c90.fma(va, FloatVector.fromArray(F, c, r9).mul(vb)).intoArray(c, r9);
      c91.fma(va, FloatVector.fromArray(F, c, r9 + L).mul(vb)).intoArray(c, r9 + L);
      ca0.fma(va, FloatVector.fromArray(F, c, ra).mul(vb)).intoArray(c, ra);
      ca1.fma(va, FloatVector.fromArray(F, c, ra + L).mul(vb)).intoArray(c, ra + L);
      cb0.fma(va, FloatVector.fromArray(F, c, rb).mul(vb)).intoArray(c, rb);
      cb1.fma(va, FloatVector.fromArray(F, c, rb + L).mul(vb)).intoArray(c, rb + L);
    }
  }

  /**
   * The left half of a tile, mr×L (one vector of columns), for an edge panel with at most L columns of C
   * in it (n = 100 leaves 4 past three full panels): C[i, j] = Σ_p ap[p, i]·bp[p, j] for j < L into
   * edge[i·NR + j], for {@link GemmDriver}'s edge merge. The B panel keeps its NR-column layout, of which
   * this reads the first vector per k step: one load, mr broadcasts and mr FMAs per step instead of the full
   * tile's two loads and 2·mr FMAs.
   */
  static void narrowTile(int mr, int kc, float[] ap, int aOff, float[] bp, int bOff, float[] edge) {
    if (mr == 8) narrow8(kc, ap, aOff, bp, bOff, edge);
    else if (mr == 12) narrow12(kc, ap, aOff, bp, bOff, edge);
    else narrow4(kc, ap, aOff, bp, bOff, edge);
  }

  private static void narrow4(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] edge) {
    FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * 4;
      FloatVector b0 = FloatVector.fromArray(F, bp, bOff + p * NR);
      c0 = FloatVector.broadcast(F, ap[ai]).fma(b0, c0);
      c1 = FloatVector.broadcast(F, ap[ai + 1]).fma(b0, c1);
      c2 = FloatVector.broadcast(F, ap[ai + 2]).fma(b0, c2);
      c3 = FloatVector.broadcast(F, ap[ai + 3]).fma(b0, c3);
    }
    c0.intoArray(edge, 0);
    c1.intoArray(edge, NR);
    c2.intoArray(edge, 2 * NR);
    c3.intoArray(edge, 3 * NR);
  }

  private static void narrow8(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] edge) {
    FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * 8;
      FloatVector b0 = FloatVector.fromArray(F, bp, bOff + p * NR);
      c0 = FloatVector.broadcast(F, ap[ai]).fma(b0, c0);
      c1 = FloatVector.broadcast(F, ap[ai + 1]).fma(b0, c1);
      c2 = FloatVector.broadcast(F, ap[ai + 2]).fma(b0, c2);
      c3 = FloatVector.broadcast(F, ap[ai + 3]).fma(b0, c3);
      c4 = FloatVector.broadcast(F, ap[ai + 4]).fma(b0, c4);
      c5 = FloatVector.broadcast(F, ap[ai + 5]).fma(b0, c5);
      c6 = FloatVector.broadcast(F, ap[ai + 6]).fma(b0, c6);
      c7 = FloatVector.broadcast(F, ap[ai + 7]).fma(b0, c7);
    }
    c0.intoArray(edge, 0);
    c1.intoArray(edge, NR);
    c2.intoArray(edge, 2 * NR);
    c3.intoArray(edge, 3 * NR);
    c4.intoArray(edge, 4 * NR);
    c5.intoArray(edge, 5 * NR);
    c6.intoArray(edge, 6 * NR);
    c7.intoArray(edge, 7 * NR);
  }

  private static void narrow12(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] edge) {
    FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
    FloatVector c8 = c0, c9 = c0, ca = c0, cb = c0;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * 12;
      FloatVector b0 = FloatVector.fromArray(F, bp, bOff + p * NR);
      c0 = FloatVector.broadcast(F, ap[ai]).fma(b0, c0);
      c1 = FloatVector.broadcast(F, ap[ai + 1]).fma(b0, c1);
      c2 = FloatVector.broadcast(F, ap[ai + 2]).fma(b0, c2);
      c3 = FloatVector.broadcast(F, ap[ai + 3]).fma(b0, c3);
      c4 = FloatVector.broadcast(F, ap[ai + 4]).fma(b0, c4);
      c5 = FloatVector.broadcast(F, ap[ai + 5]).fma(b0, c5);
      c6 = FloatVector.broadcast(F, ap[ai + 6]).fma(b0, c6);
      c7 = FloatVector.broadcast(F, ap[ai + 7]).fma(b0, c7);
      c8 = FloatVector.broadcast(F, ap[ai + 8]).fma(b0, c8);
      c9 = FloatVector.broadcast(F, ap[ai + 9]).fma(b0, c9);
      ca = FloatVector.broadcast(F, ap[ai + 10]).fma(b0, ca);
      cb = FloatVector.broadcast(F, ap[ai + 11]).fma(b0, cb);
    }
    c0.intoArray(edge, 0);
    c1.intoArray(edge, NR);
    c2.intoArray(edge, 2 * NR);
    c3.intoArray(edge, 3 * NR);
    c4.intoArray(edge, 4 * NR);
    c5.intoArray(edge, 5 * NR);
    c6.intoArray(edge, 6 * NR);
    c7.intoArray(edge, 7 * NR);
    c8.intoArray(edge, 8 * NR);
    c9.intoArray(edge, 9 * NR);
    ca.intoArray(edge, 10 * NR);
    cb.intoArray(edge, 11 * NR);
  }
}
