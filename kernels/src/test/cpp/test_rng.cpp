// Tests of rng.cu and dropout.cu: bit-for-bit the stream of dev.duel.engine.Philox.
#include "harness.h"

using namespace duel_test;

// Philox4x32-10 as Philox.java writes it (the C++ port the bulk comparisons use).
static void philox_ref(uint64_t seed, uint64_t block, uint32_t w[4]) {
  uint32_t c0 = (uint32_t)block, c1 = (uint32_t)(block >> 32), c2 = 0, c3 = 0;
  uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    if (round > 0) { k0 += 0x9E3779B9u; k1 += 0xBB67AE85u; }
    const uint64_t p0 = (uint64_t)0xD2511F53u * c0, p1 = (uint64_t)0xCD9E8D57u * c2;
    const uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0, n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
    c0 = n0; c1 = (uint32_t)p1; c2 = n2; c3 = (uint32_t)p0;
  }
  w[0] = c0; w[1] = c1; w[2] = c2; w[3] = c3;
}

static float uniform01_ref(uint32_t w) { return (float)((double)(w >> 8) * (1.0 / 16777216.0)); }

// Philox.fill(dist, seed, offset, a, b, out, 0, 0, n), transcribed.
static std::vector<float> fill_ref(int dist, uint64_t seed, uint64_t offset, float a, float b, long long n) {
  std::vector<float> out(n);
  uint32_t w[4];
  for (long long i = 0; i < n; ++i) {
    philox_ref(seed, offset + (uint64_t)(i / 4), w);
    const int lane = (int)(i & 3);
    if (dist == DUEL_DIST_UNIFORM) {
      out[i] = a + (b - a) * uniform01_ref(w[lane]);
    } else if (dist == DUEL_DIST_BERNOULLI) {
      out[i] = uniform01_ref(w[lane]) < a ? 1.0f : 0.0f;
    } else {
      const int pair = lane & ~1;
      const double u0 = uniform01_ref(w[pair]), u1 = uniform01_ref(w[pair + 1]);
      const double rho = std::sqrt(-2.0 * std::log(1.0 - u0)), angle = 2.0 * M_PI * u1;
      const double z = (lane & 1) == 0 ? rho * std::cos(angle) : rho * std::sin(angle);
      out[i] = (float)((double)a + (double)b * z);
    }
  }
  return out;
}

static std::vector<float> fill_kernel(int dist, uint64_t seed, uint64_t offset, float a, float b, long long n) {
  auto out = poisoned(n + 1);
  out[n] = 42.0f;
  launch("duel_random_f32", grid1d((n + 3) / 4), block1d(), 0, dist, (unsigned long long)seed, (unsigned long long)offset,
         a, b, out.data(), n);
  if (out[n] != 42.0f) fail("random n=%lld wrote past the end", n);
  out.resize(n);
  return out;
}

TEST_CASE(rng, philox_known_answers) {
  uint32_t w[4];
  philox_ref(0, 0, w);  // Random123's published answer for counter 0, key 0
  if (w[0] != 0x6627e8d5u || w[1] != 0xe169c58du || w[2] != 0xbc57ac4cu || w[3] != 0x9b00dbd8u)
    fail("philox(0, 0) = %08x %08x %08x %08x", w[0], w[1], w[2], w[3]);
  philox_ref(~0ull, ~0ull, w);  // Philox.block(-1, -1) printed by the Java reference
  if (w[0] != 0x4d18d7d2u || w[1] != 0x430ac65au || w[2] != 0xbd2fa22au || w[3] != 0x0afae10du)
    fail("philox(-1, -1) = %08x %08x %08x %08x", w[0], w[1], w[2], w[3]);
}

// Philox.fill's output for 11 elements, printed by the Java reference (seed/offset pairs below; uniform on
// [−1.5, 2.25), normal(0.25, 2), bernoulli(0.3)).
TEST_CASE(rng, matches_java_golden_values) {
  const uint64_t seeds[3] = {0, 42, 0xDEADBEEFCAFEBABEull}, offsets[3] = {0, 7, 0x100000003ull};
  const float pa[3] = {-1.5f, 0.25f, 0.3f}, pb[3] = {2.25f, 2.0f, 0.0f};
  struct Golden { int s, dist; uint32_t bits[11]; };
  const Golden golden[] = {
      {0, 0, {0xbb6a5a00, 0x3fe6a652, 0x3fa12462, 0x3f454334, 0x4009567f, 0xbe119200, 0x3f8d163a, 0xbfae31e2, 0xbfb6aa0e, 0xbe9aaa08, 0xbf78b0f9}},
      {0, 1, {0x3fdce8b2, 0xbf903d30, 0xc0149c47, 0xbfe0f850, 0xc04de62e, 0x408a954b, 0x404fa3e3, 0x3f75f7e3, 0x3da8e7f7, 0x3f1bf80e, 0x3dcc7384}},
      {0, 2, {0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x3f800000, 0x3f800000, 0x00000000, 0x3f800000}},
      {1, 0, {0xbe1fe550, 0x3cf86380, 0xbf94a33f, 0xbf51ed09, 0x3f0e16b4, 0xbf7f0337, 0x3ff2d97c, 0x3ebe3c64, 0xbf004f2a, 0xbc64ad80, 0x3f98e8e0}},
      {1, 1, {0xbfaa0d91, 0x3fa3a992, 0x3f1d2e22, 0x3f8530d5, 0x3ff65215, 0x40089254, 0xc083271a, 0x3e8cda7c, 0xbf80304a, 0x3f9a351d, 0xc03bc5e0}},
      {1, 2, {0x00000000, 0x00000000, 0x3f800000, 0x3f800000, 0x00000000, 0x3f800000, 0x00000000, 0x00000000, 0x3f800000, 0x00000000, 0x00000000}},
      {2, 0, {0xbf49ea32, 0x3f8293e4, 0xbf8446a0, 0xbe0f9d18, 0x3ff46d8e, 0x3f2b8b58, 0xbf6b9f4c, 0x3fa5cfc8, 0x3df2b880, 0x3f86c140, 0xbfb4f831}},
      {2, 1, {0xbeb878b7, 0xbf650359, 0xbed715c9, 0x3f844bfa, 0xc066d0d6, 0xbfea1de3, 0x3e5e0258, 0xbf689261, 0xbf256ee6, 0xbfd6c10b, 0x3e56a8be}},
      {2, 2, {0x3f800000, 0x00000000, 0x3f800000, 0x00000000, 0x00000000, 0x00000000, 0x3f800000, 0x00000000, 0x00000000, 0x00000000, 0x3f800000}},
  };
  for (const Golden& g : golden) {
    auto got = fill_kernel(g.dist, seeds[g.s], offsets[g.s], pa[g.dist], pb[g.dist], 11);
    auto ref = fill_ref(g.dist, seeds[g.s], offsets[g.s], pa[g.dist], pb[g.dist], 11);
    std::vector<float> java(11);
    std::memcpy(java.data(), g.bits, sizeof g.bits);
    const std::string what = "seed#" + std::to_string(g.s) + " dist " + std::to_string(g.dist);
    expect_bits(what + " kernel vs Java", got.data(), java.data(), 11);
    expect_bits(what + " C++ port vs Java", ref.data(), java.data(), 11);
  }
}

TEST_CASE(rng, matches_reference_bitwise) {
  const uint64_t seeds[] = {1, 0x123456789ABCDEFull};
  for (int dist = 0; dist < 3; ++dist)
    for (uint64_t seed : seeds)
      for (long long n : sizes()) {
        const float a = dist == 1 ? -1.0f : (dist == 2 ? 0.75f : 0.5f), b = dist == 1 ? 0.02f : 3.0f;
        auto got = fill_kernel(dist, seed, 12345, a, b, n);
        auto ref = fill_ref(dist, seed, 12345, a, b, n);
        expect_bits("dist " + std::to_string(dist) + " n=" + std::to_string(n), got.data(), ref.data(), n);
      }
  // an unknown distribution fills NaN
  auto got = fill_kernel(7, 1, 0, 0, 1, 33);
  expect_near("unknown distribution", got, std::vector<double>(33, std::nan("")), 0, 0);
}

// A fill at offset o+2 continues the stream of a fill at offset o after 8 elements (2 counter blocks).
TEST_CASE(rng, offsets_continue_the_stream) {
  const long long n = small() ? 257 : 4097;
  auto whole = fill_kernel(DUEL_DIST_NORMAL, 99, 1000, 0, 1, n);
  auto head = fill_kernel(DUEL_DIST_NORMAL, 99, 1000, 0, 1, 8);
  auto tail = fill_kernel(DUEL_DIST_NORMAL, 99, 1002, 0, 1, n - 8);
  expect_bits("head", whole.data(), head.data(), 8);
  expect_bits("tail", whole.data() + 8, tail.data(), n - 8);
}

TEST_CASE(dropout, forward_backward) {
  for (float p : {0.0f, 0.3f, 1.0f})
    for (long long n : sizes()) {
      auto x = random_vector(n, -2, 2, 800 + n);
      auto y = poisoned(n), mask = poisoned(n);
      launch("duel_dropout_fwd_f32", grid1d((n + 3) / 4), block1d(), 0, (const float*)x.data(), y.data(), mask.data(), n,
             77ull, 5ull, p);
      // keep decisions: exactly random(BERNOULLI, a = 1 − p) of the same stream
      const float q = 1.0f - p, scale = 1.0f / q;
      auto keep = fill_ref(DUEL_DIST_BERNOULLI, 77, 5, q, 0, n);
      std::vector<double> ref_mask(n), ref_y(n);
      for (long long i = 0; i < n; ++i) {
        ref_mask[i] = keep[i] == 1.0f ? scale : 0.0f;
        ref_y[i] = x[i] * (float)ref_mask[i];
      }
      const std::string what = "p=" + std::to_string(p) + " n=" + std::to_string(n);
      expect_near("mask " + what, mask, ref_mask, 0, 0);
      expect_near("y " + what, y, ref_y, 0, 0);
      auto gy = random_vector(n, -1, 1, 900 + n);
      auto gx = poisoned(n);
      launch("duel_dropout_bwd_f32", grid1d(n), block1d(), 0, (const float*)gy.data(), (const float*)mask.data(), gx.data(),
             n);
      std::vector<double> ref_gx(n);
      for (long long i = 0; i < n; ++i) ref_gx[i] = gy[i] * mask[i];
      expect_near("gx " + what, gx, ref_gx, 0, 0);
    }
}
