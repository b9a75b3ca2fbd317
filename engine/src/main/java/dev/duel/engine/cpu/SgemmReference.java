package dev.duel.engine.cpu;

/**
 * The plain triple loop of {@link Sgemm}: C = alpha·op(A)·op(B) + beta·C, row-major, same arguments.
 * Kept as an algorithmic reference and as a fallback; about 1 GFLOP/s.
 */
public final class SgemmReference {
  private SgemmReference() {}

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
