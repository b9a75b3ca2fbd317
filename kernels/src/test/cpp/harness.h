// harness.h -- the test harness of the kernel families: launches kernels by name through the emulated
// library's C API (exactly as the fake driver does: a void** of pointers to the argument values), checks the
// argument types against the compiled signature, poisons outputs with NaN, compares with float64 references.
//
// A test file defines   TEST_CASE(family, name) { ... }   and uses launch(), grid1d(), expect_near().
// kernel_tests LIB [FAMILY,...]   runs the registered cases of the named families (all by default).
// DUEL_TEST_SMALL=1 shrinks the sizes (sanitizer runs).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "duel_abi.h"

namespace duel_test {

struct Dim3 {
  unsigned x = 1, y = 1, z = 1;
};

// ---- registration ---------------------------------------------------------------------------------
struct Case {
  const char* family;
  const char* name;
  void (*fn)();
};
std::vector<Case>& cases();
struct Register {
  Register(const char* family, const char* name, void (*fn)()) { cases().push_back({family, name, fn}); }
};
#define TEST_CASE(family, name)                                                     \
  static void test_##family##_##name();                                             \
  static ::duel_test::Register reg_##family##_##name(#family, #name, &test_##family##_##name); \
  static void test_##family##_##name()

// ---- failures -------------------------------------------------------------------------------------
extern int g_failures;
extern const char* g_current;
void fail(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// ---- sizes and data -------------------------------------------------------------------------------
bool small();
// Element counts every elementwise test runs: 1, 31, 33, 1000, 4097 (small: 1, 31, 33, 257).
const std::vector<long long>& sizes();

// A deterministic generator: uniform floats in [lo, hi), ints in [0, n).
struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint32_t next() {
    s ^= s << 13; s ^= s >> 7; s ^= s << 17;
    return (uint32_t)(s >> 16);
  }
  float uniform(float lo, float hi) { return lo + (hi - lo) * (float)((next() >> 8) * (1.0 / 16777216.0)); }
  int below(int n) { return (int)(next() % (uint32_t)n); }
};
std::vector<float> random_vector(size_t n, float lo, float hi, uint64_t seed);
// n floats, all NaN: an element the kernel does not write fails the comparison.
inline std::vector<float> poisoned(size_t n) { return std::vector<float>(n, std::nanf("")); }

// ---- comparisons ----------------------------------------------------------------------------------
// |got − ref| <= atol + rtol·|ref|; NaN only matches NaN, ±inf only itself.
bool near(double got, double ref, double atol, double rtol);
// Counts a failure (and prints the first mismatches) unless every element is near its reference.
bool expect_near(const std::string& what, const float* got, const double* ref, size_t n, double atol, double rtol);
bool expect_near(const std::string& what, const std::vector<float>& got, const std::vector<double>& ref, double atol,
                 double rtol);
// Bitwise equality (RNG streams).
bool expect_bits(const std::string& what, const float* got, const float* ref, size_t n);

// ---- launching ------------------------------------------------------------------------------------
// grid (min(ceil(work/256), 65535), 1, 1): the 1-D launch of ABI.md.
inline Dim3 grid1d(long long work) {
  long long g = (work + 255) / 256;
  if (g < 1) g = 1;
  if (g > 65535) g = 65535;
  return Dim3{(unsigned)g, 1, 1};
}
inline Dim3 block1d() { return Dim3{256, 1, 1}; }

template <class T> std::string type_code() {
  if constexpr (std::is_pointer_v<T>) return "p";
  else if constexpr (std::is_same_v<T, std::nullptr_t>) return "p";
  else if constexpr (std::is_floating_point_v<T>) return "f" + std::to_string(sizeof(T));
  else if constexpr (std::is_integral_v<T>) return "i" + std::to_string(sizeof(T));
  else return "s" + std::to_string(sizeof(T));
}

const char* kernel_signature(const char* name);  // null when the library lacks the kernel
int raw_launch(const char* name, Dim3 g, Dim3 b, unsigned smem, void** params);

// Launches `name` with the given arguments after checking their types against the compiled kernel:
// a test that passes an int where the kernel takes a long long fails here, not with garbage.
template <class... A> bool launch(const char* name, Dim3 g, Dim3 b, unsigned smem, A... args) {
  std::string sig;
  ((sig += (sig.empty() ? "" : ",") + type_code<A>()), ...);
  const char* want = kernel_signature(name);
  if (!want) { fail("kernel %s is not in the library", name); return false; }
  if (sig != want) { fail("%s: test passes (%s), kernel takes (%s)", name, sig.c_str(), want); return false; }
  void* params[sizeof...(A) + 1] = {(void*)&args...};
  const int rc = raw_launch(name, g, b, smem, params);
  if (rc != 0) { fail("%s: launch returned %d", name, rc); return false; }
  return true;
}

// duel_strided_t from shape and two stride lists (rank = shape.size()).
duel_strided_t strided(const std::vector<long long>& shape, const std::vector<long long>& s0,
                       const std::vector<long long>& s1);
// Row-major contiguous strides of shape.
std::vector<long long> contiguous(const std::vector<long long>& shape);

}  // namespace duel_test
