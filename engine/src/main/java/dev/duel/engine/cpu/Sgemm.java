package dev.duel.engine.cpu;

/**
 * Single-precision GEMM on the CPU, row-major: C = alpha·op(A)·op(B) + beta·C, op(A) m×k, op(B) k×n.
 * With transA, A is stored k×m (element (i, p) of op(A) at a[aOff + p·lda + i]); likewise B.
 *
 * <p>PLACEHOLDER: the plain triple loop, correct but slow; the packed, blocked, SIMD version replaces it.
 */
public final class Sgemm {
  private Sgemm() {}

  public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float acc = 0f;
        for (int p = 0; p < k; p++) {
          float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          acc += av * bv;
        }
        int ci = cOff + i * ldc + j;
        c[ci] = alpha * acc + (beta == 0f ? 0f : beta * c[ci]);
      }
    }
  }
}
