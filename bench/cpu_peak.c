// The CPU's FP32 ceilings that docs/benchmarks.md compares Duel's micro-kernel with, in C:
//   1. the FMA peak: 12 independent FMA chains kept in registers, no loads, on 1 and on 2 threads at once;
//   2. GEMM tiles as gcc writes them from intrinsics, on packed panels in L1 (kc = 256), one thread:
//      MR rows × NV vectors of columns, A broadcast (vbroadcastss, or folded into the FMA when NV = 1), B loaded.
// Build and run (AVX-512 machine; -mavx2 -mfma instead for AVX2, where the vectors are 8 floats):
//   gcc -O2 -mavx512f -mfma -pthread bench/cpu_peak.c -o /tmp/cpu_peak && /tmp/cpu_peak
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef __AVX512F__
typedef __m512 vec;
#define W 16
#define FMA _mm512_fmadd_ps
#define SET1 _mm512_set1_ps
#define LOAD _mm512_loadu_ps
#define STORE _mm512_storeu_ps
#define ZERO _mm512_setzero_ps
#else
typedef __m256 vec;
#define W 8
#define FMA _mm256_fmadd_ps
#define SET1 _mm256_set1_ps
#define LOAD _mm256_loadu_ps
#define STORE _mm256_storeu_ps
#define ZERO _mm256_setzero_ps
#endif
#define KC 256

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static double rate[2];
static float sink;

// a_i = a_i·x + y for 12 chains: a 4-cycle FMA latency × 2 pipes needs 8 in flight; 12 leave room.
static void *fma_peak(void *arg) {
  int id = (int) (long) arg;
  vec x = SET1(0.999f), y = SET1(1e-6f);
  vec a0 = SET1(1e-3f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
  long iters = 100000000;
  double t0 = now();
  for (long i = 0; i < iters; i++) {
    a0 = FMA(a0, x, y); a1 = FMA(a1, x, y); a2 = FMA(a2, x, y); a3 = FMA(a3, x, y);
    a4 = FMA(a4, x, y); a5 = FMA(a5, x, y); a6 = FMA(a6, x, y); a7 = FMA(a7, x, y);
    a8 = FMA(a8, x, y); a9 = FMA(a9, x, y); a10 = FMA(a10, x, y); a11 = FMA(a11, x, y);
  }
  rate[id] = iters * 12.0 * 2 * W / (now() - t0) / 1e9;
  float out[W];
  STORE(out, a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
  sink += out[0];
  return 0;
}

#define TILE(MR, NV)                                                                                  \
  __attribute__((noinline)) static void tile_##MR##_##NV(const float *ap, const float *bp, float *c) { \
    vec acc[MR][NV];                                                                                  \
    for (int i = 0; i < MR; i++)                                                                      \
      for (int v = 0; v < NV; v++) acc[i][v] = ZERO();                                                \
    for (int p = 0; p < KC; p++) {                                                                    \
      vec b[NV];                                                                                      \
      _Pragma("GCC unroll 8") for (int v = 0; v < NV; v++) b[v] = LOAD(bp + p * W * NV + W * v);      \
      _Pragma("GCC unroll 32") for (int i = 0; i < MR; i++) {                                         \
        vec a = SET1(ap[p * MR + i]);                                                                 \
        _Pragma("GCC unroll 8") for (int v = 0; v < NV; v++) acc[i][v] = FMA(a, b[v], acc[i][v]);    \
      }                                                                                               \
    }                                                                                                 \
    for (int i = 0; i < MR; i++)                                                                      \
      for (int v = 0; v < NV; v++) STORE(c + (i * NV + v) * W, acc[i][v]);                            \
  }                                                                                                   \
  static void time_##MR##_##NV(const float *ap, const float *bp, float *c) {                          \
    double best = 0;                                                                                  \
    for (int r = 0; r < 5; r++) {                                                                     \
      long n = 50000;                                                                                 \
      double t0 = now();                                                                              \
      for (long i = 0; i < n; i++) tile_##MR##_##NV(ap + (i & 1) * KC * MR, bp + (i & 1) * KC * W * NV, c); \
      double g = n * 2.0 * MR * W * NV * KC / (now() - t0) / 1e9;                                     \
      if (g > best) best = g;                                                                         \
    }                                                                                                 \
    printf("tile %2d x %3d (%2d accumulators): %6.1f GFLOP/s\n", MR, W * NV, MR * NV, best);           \
  }

#ifdef __AVX512F__
TILE(8, 2) TILE(12, 2) TILE(6, 4) TILE(28, 1)
#else
TILE(4, 2) TILE(6, 2) TILE(12, 1)
#endif

int main(void) {
  pthread_t t[2];
  for (int threads = 1; threads <= 2; threads++) {
    for (int i = 0; i < threads; i++) pthread_create(&t[i], 0, fma_peak, (void *) (long) i);
    for (int i = 0; i < threads; i++) pthread_join(t[i], 0);
    printf("FMA peak, %d thread%s:", threads, threads > 1 ? "s at once" : "");
    for (int i = 0; i < threads; i++) printf(" %.1f", rate[i]);
    printf(" GFLOP/s\n");
  }
  float *ap = aligned_alloc(64, 2 * KC * 32 * sizeof(float)), *bp = aligned_alloc(64, 2 * KC * 4 * W * sizeof(float));
  float *c = aligned_alloc(64, 32 * 4 * W * sizeof(float));
  for (int i = 0; i < 2 * KC * 32; i++) ap[i] = i * 1e-6f;
  for (int i = 0; i < 2 * KC * 4 * W; i++) bp[i] = i * 1e-6f;
#ifdef __AVX512F__
  time_8_2(ap, bp, c); time_12_2(ap, bp, c); time_6_4(ap, bp, c); time_28_1(ap, bp, c);
#else
  time_4_2(ap, bp, c); time_6_2(ap, bp, c); time_12_1(ap, bp, c);
#endif
  printf("(checksum %g)\n", c[5] + sink);
  return 0;
}
