// gemm.cu -- the fallback SGEMM (used when cuBLAS does not load), row-major like Backend.gemm:
//   C_z = α·op(A_z)·op(B_z) + β·C_z  for z < batch,  X_z = X + z·strideX,
// op(A) m×k (stored m×k with row pitch lda, or k×m when transA), op(B) k×n (stored k×n with pitch ldb,
// or n×k when transB), C m×n with pitch ldc. β = 0 means C is not read (NaN in C does not leak through).
//
// Tiling: a block owns a 64×64 tile of C; its 256 threads (16×16) each hold a 4×4 micro-tile at rows
// ty + 16·i and columns tx + 16·j (conflict-free shared-memory reads). K advances in slabs of 16: the block
// stages op(A)[64×16] and op(B)[16×64] in shared memory, with coalesced global loads for every transpose
// case, then every thread does 16 rank-1 updates of its 4×4 accumulator.
// Launch: block (16,16,1), grid (ceil(n/64), ceil(m/64), min(batch, 65535)) (each dim at most 65535; the
// kernel grid-strides over all three). Only launch when m, n, batch > 0. No dynamic shared memory.
#include "common.cuh"

#define DUEL_GEMM_TILE 64
#define DUEL_GEMM_SLAB 16

extern "C" __global__ void __launch_bounds__(256) duel_sgemm_f32(int transA, int transB, int m, int n, int k, float alpha,
                                                                 const float* A, int lda, long long strideA,
                                                                 const float* B, int ldb, long long strideB, float beta,
                                                                 float* C, int ldc, long long strideC, int batch) {
  __shared__ float As[DUEL_GEMM_SLAB][DUEL_GEMM_TILE + 1];  // As[kk][i] = op(A)[row0 + i][k0 + kk]
  __shared__ float Bs[DUEL_GEMM_SLAB][DUEL_GEMM_TILE + 1];  // Bs[kk][j] = op(B)[k0 + kk][col0 + j]
  const int tx = threadIdx.x, ty = threadIdx.y, tid = ty * 16 + tx;

  for (int z = blockIdx.z; z < batch; z += gridDim.z) {
    const float* Az = A + (long long)z * strideA;
    const float* Bz = B + (long long)z * strideB;
    float* Cz = C + (long long)z * strideC;
    for (int row0 = blockIdx.y * DUEL_GEMM_TILE; row0 < m; row0 += gridDim.y * DUEL_GEMM_TILE) {
      for (int col0 = blockIdx.x * DUEL_GEMM_TILE; col0 < n; col0 += gridDim.x * DUEL_GEMM_TILE) {
        float acc[4][4];
#pragma unroll
        for (int i = 0; i < 4; ++i)
#pragma unroll
          for (int j = 0; j < 4; ++j) acc[i][j] = 0.0f;

        for (int k0 = 0; k0 < k; k0 += DUEL_GEMM_SLAB) {
          // Stage 1024 elements of each operand, 4 per thread; the fastest-varying index follows memory.
#pragma unroll
          for (int l = 0; l < 4; ++l) {
            const int e = tid + 256 * l;
            int i, kk;
            if (!transA) { kk = e & 15; i = e >> 4; } else { i = e & 63; kk = e >> 6; }
            const int gi = row0 + i, gk = k0 + kk;
            float a = 0.0f;
            if (gi < m && gk < k) a = transA ? Az[(long long)gk * lda + gi] : Az[(long long)gi * lda + gk];
            As[kk][i] = a;
            int j;
            if (!transB) { j = e & 63; kk = e >> 6; } else { kk = e & 15; j = e >> 4; }
            const int gj = col0 + j, gk2 = k0 + kk;
            float b = 0.0f;
            if (gj < n && gk2 < k) b = transB ? Bz[(long long)gj * ldb + gk2] : Bz[(long long)gk2 * ldb + gj];
            Bs[kk][j] = b;
          }
          __syncthreads();
#pragma unroll
          for (int kk = 0; kk < DUEL_GEMM_SLAB; ++kk) {
            float a[4], b[4];
#pragma unroll
            for (int i = 0; i < 4; ++i) a[i] = As[kk][ty + 16 * i];
#pragma unroll
            for (int j = 0; j < 4; ++j) b[j] = Bs[kk][tx + 16 * j];
#pragma unroll
            for (int i = 0; i < 4; ++i)
#pragma unroll
              for (int j = 0; j < 4; ++j) acc[i][j] += a[i] * b[j];
          }
          __syncthreads();  // the next slab overwrites As/Bs
        }

#pragma unroll
        for (int i = 0; i < 4; ++i) {
          const int gi = row0 + ty + 16 * i;
          if (gi >= m) continue;
#pragma unroll
          for (int j = 0; j < 4; ++j) {
            const int gj = col0 + tx + 16 * j;
            if (gj >= n) continue;
            float* c = Cz + (long long)gi * ldc + gj;
            *c = beta == 0.0f ? alpha * acc[i][j] : alpha * acc[i][j] + beta * *c;
          }
        }
      }
    }
  }
}
