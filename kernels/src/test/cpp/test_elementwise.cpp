// Tests of elementwise.cu (fill, strided copy, unary forward, binary ops) and activations.cu (unary
// backward) against float64 references.
#include "harness.h"
#include "unary_reference.h"

using namespace duel_test;

TEST_CASE(elementwise, fill) {
  for (long long n : sizes()) {
    auto y = poisoned(n + 1);
    y[n] = 42.0f;  // one past the end: must survive
    launch("duel_fill_f32", grid1d(n), block1d(), 0, y.data(), n, 3.25f);
    std::vector<double> ref(n + 1, 3.25);
    ref[n] = 42.0;
    expect_near("fill n=" + std::to_string(n), y.data(), ref.data(), n + 1, 0, 0);
  }
  // n = 0 writes nothing; a grid smaller than the work still covers it (grid-stride).
  std::vector<float> one = {7.0f};
  launch("duel_fill_f32", Dim3{1, 1, 1}, block1d(), 0, one.data(), 0LL, 1.0f);
  if (one[0] != 7.0f) fail("fill with n = 0 wrote an element");
  auto y = poisoned(4097);
  launch("duel_fill_f32", Dim3{3, 1, 1}, Dim3{64, 1, 1}, 0, y.data(), 4097LL, -1.5f);
  expect_near("fill small grid", y, std::vector<double>(4097, -1.5), 0, 0);
}

TEST_CASE(elementwise, unary_fwd) {
  for (int op = 0; op < kUnaryOps; ++op) {
    const float alpha = unary_alpha(op);
    for (long long n : sizes()) {
      auto x = unary_input(op, n, 100 + op);
      auto y = poisoned(n);
      launch("duel_unary_fwd_f32", grid1d(n), block1d(), 0, op, alpha, (const float*)x.data(), y.data(), n);
      std::vector<double> ref(n);
      for (long long i = 0; i < n; ++i) ref[i] = (float)unary_value_ref(op, x[i], alpha);
      expect_near(std::string(kUnaryNames[op]) + " n=" + std::to_string(n), y, ref, 1e-6, 2e-6);
    }
  }
  // in place (y = x), and an unknown op code fills NaN
  auto x = unary_input(DUEL_UNARY_TANH, 1000, 7);
  std::vector<double> ref(1000);
  for (int i = 0; i < 1000; ++i) ref[i] = (float)std::tanh((double)x[i]);
  launch("duel_unary_fwd_f32", grid1d(1000), block1d(), 0, (int)DUEL_UNARY_TANH, 0.0f, (const float*)x.data(), x.data(),
         1000LL);
  expect_near("tanh in place", x, ref, 1e-6, 2e-6);
  auto y = std::vector<float>(33, 1.0f);
  launch("duel_unary_fwd_f32", grid1d(33), block1d(), 0, 99, 0.0f, (const float*)x.data(), y.data(), 33LL);
  expect_near("unknown op gives NaN", y, std::vector<double>(33, std::nan("")), 0, 0);
}

TEST_CASE(activations, unary_bwd) {
  for (int op = 0; op < kUnaryOps; ++op) {
    const float alpha = unary_alpha(op);
    for (long long n : sizes()) {
      auto x = unary_input(op, n, 200 + op);
      std::vector<float> y(n);
      for (long long i = 0; i < n; ++i) y[i] = (float)unary_value_ref(op, x[i], alpha);
      auto gy = random_vector(n, -2, 2, 300 + op);
      auto gx = poisoned(n);
      // ABI.md: x and y may be null when the op's derivative does not read them.
      const float* px = unary_bwd_reads_x(op) ? x.data() : nullptr;
      const float* py = unary_bwd_reads_y(op) ? y.data() : nullptr;
      launch("duel_unary_bwd_f32", grid1d(n), block1d(), 0, op, alpha, px, py, (const float*)gy.data(), gx.data(), n);
      std::vector<double> ref(n);
      for (long long i = 0; i < n; ++i) ref[i] = (double)gy[i] * unary_derivative_ref(op, x[i], y[i], alpha);
      expect_near(std::string(kUnaryNames[op]) + "' n=" + std::to_string(n), gx, ref, 1e-6, 4e-6);
    }
  }
  // gx may be gy
  auto x = random_vector(1000, -3, 3, 5);
  auto g = random_vector(1000, -1, 1, 6);
  std::vector<double> ref(1000);
  for (int i = 0; i < 1000; ++i) ref[i] = x[i] > 0 ? g[i] : 0.2 * g[i];
  launch("duel_unary_bwd_f32", grid1d(1000), block1d(), 0, (int)DUEL_UNARY_LEAKY_RELU, 0.2f, (const float*)x.data(),
         (const float*)nullptr, (const float*)g.data(), g.data(), 1000LL);
  expect_near("leaky_relu' in place", g, ref, 1e-7, 1e-6);
}

static double binary_ref(int op, double a, double b) {
  switch (op) {
    case DUEL_BINARY_ADD: return a + b;
    case DUEL_BINARY_SUB: return a - b;
    case DUEL_BINARY_MUL: return a * b;
    case DUEL_BINARY_DIV: return a / b;
    case DUEL_BINARY_MAX: return std::isnan(a) || std::isnan(b) ? std::nan("") : std::max(a, b);
    case DUEL_BINARY_MIN: return std::isnan(a) || std::isnan(b) ? std::nan("") : std::min(a, b);
    case DUEL_BINARY_GT: return a > b ? 1 : 0;
    case DUEL_BINARY_EQ: return a == b ? 1 : 0;
    case DUEL_BINARY_BCE_WITH_LOGITS: return std::max(a, 0.0) - a * b + std::log1p(std::exp(-std::fabs(a)));
    case DUEL_BINARY_BCE_WITH_LOGITS_GRAD: return 1.0 / (1.0 + std::exp(-a)) - b;
    default: return std::nan("");
  }
}

// Operands for op: b stays away from 0 for DIV, is a target in [0, 1] for BCE, equals a now and then for EQ.
static void binary_inputs(int op, long long n, uint64_t seed, std::vector<float>& a, std::vector<float>& b) {
  const bool bce = op == DUEL_BINARY_BCE_WITH_LOGITS || op == DUEL_BINARY_BCE_WITH_LOGITS_GRAD;
  a = random_vector(n, bce ? -30 : -3, bce ? 30 : 3, seed);
  b = random_vector(n, bce ? 0 : -3, bce ? 1 : 3, seed + 1);
  for (long long i = 0; i < n; ++i) {
    if (op == DUEL_BINARY_DIV && std::fabs(b[i]) < 0.25f) b[i] = b[i] < 0 ? -0.25f : 0.25f;
    if (i % 3 == 0 && !bce) b[i] = a[i];
  }
  if (n > 3 && bce) { a[1] = 90.0f; a[2] = -90.0f; }
  if (n > 4 && !bce && op != DUEL_BINARY_GT && op != DUEL_BINARY_EQ) a[4] = std::nanf("");
}

TEST_CASE(elementwise, binary_contiguous) {
  for (int op = 0; op <= DUEL_BINARY_BCE_WITH_LOGITS_GRAD; ++op) {
    for (long long n : sizes()) {
      std::vector<float> a, b;
      binary_inputs(op, n, 400 + op, a, b);
      auto out = poisoned(n);
      launch("duel_binary_fwd_f32", grid1d(n), block1d(), 0, op, (const float*)a.data(), (const float*)b.data(),
             out.data(), n);
      std::vector<double> ref(n);
      for (long long i = 0; i < n; ++i) ref[i] = (float)binary_ref(op, a[i], b[i]);
      expect_near("binary op " + std::to_string(op) + " n=" + std::to_string(n), out, ref, 1e-6, 2e-6);
    }
  }
  // out aliases a
  std::vector<float> a, b;
  binary_inputs(DUEL_BINARY_MUL, 1000, 9, a, b);
  std::vector<double> ref(1000);
  for (int i = 0; i < 1000; ++i) ref[i] = (float)((double)a[i] * b[i]);
  launch("duel_binary_fwd_f32", grid1d(1000), block1d(), 0, (int)DUEL_BINARY_MUL, (const float*)a.data(),
         (const float*)b.data(), a.data(), 1000LL);
  expect_near("mul in place", a, ref, 0, 1e-7);
}

// One broadcasting case: out = op(a[view0], b[view1]) over shape; a and b hold sizeA, sizeB floats.
struct StridedCase {
  std::vector<long long> shape, sa, sb;
  long long sizeA, sizeB;
};

static long long count_of(const std::vector<long long>& shape) {
  long long n = 1;
  for (long long d : shape) n *= d;
  return n;
}

// Offsets of element i under strides st (row-major walk over shape).
static void offsets_ref(const std::vector<long long>& shape, const std::vector<long long>& s0,
                        const std::vector<long long>& s1, long long i, long long& o0, long long& o1) {
  o0 = o1 = 0;
  for (size_t d = shape.size(); d-- > 0;) {
    const long long id = i % shape[d];
    i /= shape[d];
    o0 += id * s0[d];
    o1 += id * s1[d];
  }
}

TEST_CASE(elementwise, binary_strided) {
  std::vector<StridedCase> cases = {
      {{}, {}, {}, 1, 1},                                          // rank 0: one element
      {{31}, {1}, {0}, 31, 1},                                     // scalar b
      {{33, 31}, {31, 1}, {0, 1}, 33 * 31, 31},                    // bias over rows
      {{33, 31}, {1, 33}, {1, 0}, 33 * 31, 33},                    // transposed a, column vector b
      {{7, 5, 3}, {1, 7, 35}, {0, 3, 1}, 105, 15},                 // permuted a
      {{2, 1, 3, 1, 2, 2, 1, 3}, {72, 72, 24, 24, 12, 6, 3, 1}, {0, 0, 1, 0, 0, 3, 0, 0}, 144, 9},  // rank 8
      {{17, 241}, {241, 1}, {1, 0}, 4097, 17},                     // 4097 elements
      {{3, 0, 5}, {0, 5, 1}, {0, 0, 0}, 1, 1},                     // a zero dim: nothing
  };
  if (small()) cases[6] = {{7, 37}, {37, 1}, {1, 0}, 259, 7};
  int ci = 0;
  for (const auto& c : cases) {
    const int op = (ci++) % (DUEL_BINARY_BCE_WITH_LOGITS_GRAD + 1);
    std::vector<float> a, b;
    binary_inputs(op, c.sizeA, 500 + ci, a, b);
    auto b2 = random_vector(c.sizeB, op == DUEL_BINARY_BCE_WITH_LOGITS ? 0 : 0.5f, 1.5f, 600 + ci);
    const long long n = count_of(c.shape);
    auto out = poisoned(n + 1);
    out[n] = 42.0f;
    launch("duel_binary_strided_fwd_f32", grid1d(n), block1d(), 0, op, (const float*)a.data(), (const float*)b2.data(),
           out.data(), strided(c.shape, c.sa, c.sb));
    std::vector<double> ref(n + 1, 42.0);
    for (long long i = 0; i < n; ++i) {
      long long oa, ob;
      offsets_ref(c.shape, c.sa, c.sb, i, oa, ob);
      ref[i] = (float)binary_ref(op, a[oa], b2[ob]);
    }
    expect_near("strided case " + std::to_string(ci) + " op " + std::to_string(op), out, ref, 1e-6, 2e-6);
  }
  // out aliases a contiguous a, b broadcast
  auto a = random_vector(33 * 31, -1, 1, 11);
  auto b = random_vector(31, -1, 1, 12);
  std::vector<double> ref(33 * 31);
  for (int i = 0; i < 33 * 31; ++i) ref[i] = (float)((double)a[i] + b[i % 31]);
  launch("duel_binary_strided_fwd_f32", grid1d(33 * 31), block1d(), 0, (int)DUEL_BINARY_ADD, (const float*)a.data(),
         (const float*)b.data(), a.data(), strided({33, 31}, {31, 1}, {0, 1}));
  expect_near("bias add in place", a, ref, 0, 1e-7);
}

TEST_CASE(elementwise, copy_strided) {
  struct CopyCase {
    std::vector<long long> shape, ss, sd;
    long long srcSize, dstSize, srcOff, dstOff;
  };
  std::vector<CopyCase> cases = {
      {{33, 31}, {1, 33}, {31, 1}, 33 * 31, 33 * 31, 0, 0},      // transpose
      {{1000}, {0}, {1}, 1, 1000, 0, 0},                          // broadcast one value
      {{31}, {1}, {2}, 40, 62, 5, 0},                             // src offset, every other dst element
      {{}, {}, {}, 3, 3, 2, 1},                                   // rank 0
      {{2, 2, 2, 2, 2, 2, 2, 2}, {1, 2, 4, 8, 16, 32, 64, 128}, {128, 64, 32, 16, 8, 4, 2, 1}, 256, 256, 0, 0},
      {{4097}, {-1}, {1}, 4097, 4097, 4096, 0},                   // reversed view
      {{5, 7}, {7, 1}, {14, 1}, 35, 70, 0, 7},                    // into the right half of a 5×14
  };
  int ci = 0;
  for (const auto& c : cases) {
    ++ci;
    auto src = random_vector(c.srcSize, -5, 5, 700 + ci);
    std::vector<float> dst(c.dstSize, 42.0f);  // untouched elements keep 42
    std::vector<double> ref(c.dstSize, 42.0);
    const long long n = count_of(c.shape);
    for (long long i = 0; i < n; ++i) {
      long long os, od;
      offsets_ref(c.shape, c.ss, c.sd, i, os, od);
      ref[c.dstOff + od] = src[c.srcOff + os];
      dst[c.dstOff + od] = std::nanf("");  // poison what must be written
    }
    launch("duel_copy_strided_f32", grid1d(n), block1d(), 0, (const float*)(src.data() + c.srcOff),
           dst.data() + c.dstOff, strided(c.shape, c.ss, c.sd));
    expect_near("copy case " + std::to_string(ci), dst, ref, 0, 0);
  }
}
