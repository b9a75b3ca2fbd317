package dev.duel.engine.cpu;

import static dev.duel.engine.cpu.SgemmKernel.NR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SgemmInPlace}: Aᵀ·B read where it lies, and A·B with A packed and B read where it lies, against the naive reference and, to the bit, against the packed path
 * ({@link GemmDriver} with {@link Sgemm}'s packers) that it replaces. Shapes cover full and partial row tiles, column
 * tails of 1–4 columns (vectors along C's columns, four at a time and masked) and of more (a packed tail panel, one
 * vector or two), n below one panel, offsets and padded leading dimensions, beta = 0 over NaN, beta ≠ 0, and the
 * product on the pool's threads and inline.
 */
class SgemmInPlaceTest {
  private static final int[] MS = {2, 7, 8, 9, 12, 13, 63, 64, 65, 100, 131};
  private static final int[] NS = {2, 3, 4, 5, 17, NR - 1, NR, NR + 1, NR + 4, 2 * NR + 7, 100};
  private static final int[] KS = {1, 5, 64};

  @Test
  void takesOnlySmallProductsWithBPlain() {
    assertTrue(SgemmInPlace.takes(true, false, 128, 100, 64));
    assertTrue(SgemmInPlace.takes(false, false, 64, 100, 128), "A·B, k·n = 12800 floats of B");
    assertFalse(SgemmInPlace.takes(false, false, 64, 128, 256), "A·B, k·n = 32768 floats of B: packed");
    assertFalse(SgemmInPlace.takes(false, true, 128, 100, 64));
    assertFalse(SgemmInPlace.takes(true, true, 128, 100, 64));
    assertFalse(SgemmInPlace.takes(true, false, 128, 100, 256), "k·n = 25600 floats of B: packed");
    assertFalse(SgemmInPlace.takes(true, false, 128, 8, GemmDriver.KC + 1), "more than one KC slice: packed");
  }

  @Test
  void equalsTheReferenceAndThePackedPathToTheBit() {
    Random rnd = new Random(17);
    for (int m : MS) {
      for (int n : NS) {
        for (int k : KS) {
          for (boolean transA : new boolean[] {true, false}) {
            check(rnd, transA, m, n, k, 0, 0, 0f, false);
            check(rnd, transA, m, n, k, 3, 5, 0.5f, false);
          }
        }
      }
    }
  }

  @Test
  void inlineOnOneThreadAsOnThePool() {
    Random rnd = new Random(5);
    for (int m : new int[] {9, 64, 131}) {
      for (int n : new int[] {3, NR + 4, 100}) {
        check(rnd, true, m, n, 64, 1, 2, -1.5f, true);
        check(rnd, false, m, n, 64, 1, 2, -1.5f, true);
      }
    }
  }

  /**
   * C (m×n, ldc = n + padC) = 1.25·op(A)·B + beta·C with A stored k×m (lda = m + padA) when transposed, else m×k
   * (lda = k + padA), and B k×n, all at offsets.
   */
  private static void check(Random rnd, boolean transA, int m, int n, int k, int padA, int padC, float beta,
                            boolean inline) {
    if (!SgemmInPlace.takes(transA, false, m, n, k)) return;
    int lda = (transA ? m : k) + padA, ldb = n + 2, ldc = n + padC, aOff = 7, bOff = 3, cOff = 11;
    float alpha = 1.25f;
    float[] a = fill(rnd, aOff + (transA ? k : m) * lda), b = fill(rnd, bOff + k * ldb), c0 = fill(rnd, cOff + m * ldc + 4);
    if (beta == 0f) {
      for (int i = 0; i < m; i++) c0[cOff + i * ldc] = Float.NaN; // beta = 0 must not read C
    }
    float[] want = c0.clone(), packed = c0.clone(), got = c0.clone();
    CpuReference.gemm(transA, false, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, want, cOff, ldc);
    Sgemm.MatrixA pa = new Sgemm.MatrixA();
    Sgemm.MatrixB pb = new Sgemm.MatrixB();
    pa.set(transA, a, aOff, lda);
    pb.set(false, b, bOff, ldb);
    GemmDriver.gemm(SgemmKernel.ROWS, m, n, k, alpha, pa, pb, beta, packed, cOff, ldc);
    if (inline) {
      // Inside a parallel body the pool is taken, so the product runs on this thread alone.
      CpuPool.parallelTasks(2, (from, to) -> {
        if (from == 0) SgemmInPlace.sgemm(transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, got, cOff, ldc);
      });
    } else {
      SgemmInPlace.sgemm(transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, got, cOff, ldc);
    }
    String shape = (transA ? "TN:" : "NN:") + m + "x" + n + "x" + k + " beta " + beta + (inline ? " inline" : "");
    assertArrayEquals(packed, got, shape + ": not the packed path's bits");
    for (int i = 0; i < got.length; i++) {
      boolean inC = i >= cOff && (i - cOff) / ldc < m && (i - cOff) % ldc < n;
      if (!inC) {
        assertEquals(c0[i], got[i], shape + ": wrote outside C at " + i);
      } else {
        assertEquals(want[i], got[i], 1e-4f * (1 + k), shape + " at " + i);
      }
    }
  }

  private static float[] fill(Random rnd, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) x[i] = rnd.nextFloat() * 2 - 1;
    return x;
  }
}
