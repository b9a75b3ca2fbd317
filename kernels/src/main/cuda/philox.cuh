// philox.cuh -- Philox4x32-10 (Salmon et al., SC'11) exactly as dev.duel.engine.Philox (the reference).
// Element i of a fill at `offset` uses counter block offset + ⌊i/4⌋ (c0 = low, c1 = high 32 bits; c2 = c3
// = 0) under key (low, high 32 bits of seed), word i mod 4. Every float step uses an _rn intrinsic so that
// nvcc cannot fuse a multiply and an add: Java rounds each step, so must we, to give the same bits.
#pragma once
#include "common.cuh"

#define DUEL_PHILOX_M0 0xD2511F53u
#define DUEL_PHILOX_M1 0xCD9E8D57u
#define DUEL_PHILOX_W0 0x9E3779B9u
#define DUEL_PHILOX_W1 0xBB67AE85u

// The four words of counter block `block` under `seed`: ten rounds of
//   (c0, c1, c2, c3) ← (hi(M1·c2) ⊕ c1 ⊕ k0, lo(M1·c2), hi(M0·c0) ⊕ c3 ⊕ k1, lo(M0·c0)),
// the key bumped by (W0, W1) before every round but the first.
__device__ __forceinline__ void duel_philox_block(unsigned long long seed, unsigned long long block, unsigned w[4]) {
  unsigned c0 = (unsigned)block, c1 = (unsigned)(block >> 32), c2 = 0u, c3 = 0u;
  unsigned k0 = (unsigned)seed, k1 = (unsigned)(seed >> 32);
#pragma unroll
  for (int round = 0; round < 10; ++round) {
    if (round > 0) { k0 += DUEL_PHILOX_W0; k1 += DUEL_PHILOX_W1; }
    const unsigned hi0 = __umulhi(DUEL_PHILOX_M0, c0), lo0 = DUEL_PHILOX_M0 * c0;
    const unsigned hi1 = __umulhi(DUEL_PHILOX_M1, c2), lo1 = DUEL_PHILOX_M1 * c2;
    const unsigned n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
  }
  w[0] = c0; w[1] = c1; w[2] = c2; w[3] = c3;
}

// u = (w ≫ 8)·2⁻²⁴ ∈ [0, 1): exact in float.
__device__ __forceinline__ float duel_uniform01(unsigned word) {
  return __fmul_rn((float)(word >> 8), 5.9604644775390625e-8f);
}

// uniform: a + (b − a)·u, each float step rounded as in Java.
__device__ __forceinline__ float duel_philox_uniform(unsigned word, float a, float b) {
  return __fadd_rn(a, __fmul_rn(__fsub_rn(b, a), duel_uniform01(word)));
}

// bernoulli: 1 if u < a else 0.
__device__ __forceinline__ float duel_philox_bernoulli(unsigned word, float a) {
  return duel_uniform01(word) < a ? 1.0f : 0.0f;
}

// normal: Box–Muller in float64 on a pair of words (w0, w1) = words (0,1) or (2,3) of a block:
//   ρ = sqrt(−2·ln(1 − u₀)), z₀ = ρ·cos(2π·u₁), z₁ = ρ·sin(2π·u₁); element = (float)(a + b·z).
// z₀ goes to the even lane, z₁ to the odd one. sincos gives the same bits as separate sin and cos.
__device__ __forceinline__ void duel_philox_normal_pair(unsigned w0, unsigned w1, float a, float b, float& v0, float& v1) {
  const double u0 = (double)duel_uniform01(w0), u1 = (double)duel_uniform01(w1);
  const double rho = sqrt(__dmul_rn(-2.0, log(__dadd_rn(1.0, -u0))));
  const double angle = __dmul_rn(6.283185307179586, u1);  // Java: 2.0 * Math.PI * u1, left to right
  double s, c;
  sincos(angle, &s, &c);
  v0 = (float)__dadd_rn((double)a, __dmul_rn((double)b, __dmul_rn(rho, c)));
  v1 = (float)__dadd_rn((double)a, __dmul_rn((double)b, __dmul_rn(rho, s)));
}
