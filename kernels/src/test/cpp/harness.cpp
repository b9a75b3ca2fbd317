// harness.cpp -- main() of kernel_tests and the harness helpers (see harness.h).
#include "harness.h"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>

namespace duel_test {

std::vector<Case>& cases() {
  static std::vector<Case> all;
  return all;
}

int g_failures = 0;
const char* g_current = "";

void fail(const char* fmt, ...) {
  ++g_failures;
  std::fprintf(stdout, "  FAIL [%s] ", g_current);
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stdout, fmt, ap);
  va_end(ap);
  std::fprintf(stdout, "\n");
}

bool small() {
  const char* v = std::getenv("DUEL_TEST_SMALL");
  return v && *v && std::strcmp(v, "0") != 0;
}

const std::vector<long long>& sizes() {
  static const std::vector<long long> full = {1, 31, 33, 1000, 4097}, reduced = {1, 31, 33, 257};
  return small() ? reduced : full;
}

std::vector<float> random_vector(size_t n, float lo, float hi, uint64_t seed) {
  Rng r(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = r.uniform(lo, hi);
  return v;
}

bool near(double got, double ref, double atol, double rtol) {
  if (std::isnan(ref)) return std::isnan(got);
  if (std::isnan(got)) return false;
  if (std::isinf(ref)) return got == ref;
  return std::fabs(got - ref) <= atol + rtol * std::fabs(ref);
}

bool expect_near(const std::string& what, const float* got, const double* ref, size_t n, double atol, double rtol) {
  size_t bad = 0, first = n;
  double worst = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!near(got[i], ref[i], atol, rtol)) {
      if (bad < 5)
        std::fprintf(stdout, "    %s[%zu] = %.9g, reference %.9g\n", what.c_str(), i, (double)got[i], ref[i]);
      if (first == n) first = i;
      ++bad;
    } else if (!std::isnan(ref[i]) && !std::isinf(ref[i])) {
      worst = std::max(worst, std::fabs(got[i] - ref[i]) / (atol + rtol * std::fabs(ref[i]) + 1e-300));
    }
  }
  if (bad) {
    fail("%s: %zu of %zu elements off (first at %zu; atol %g, rtol %g)", what.c_str(), bad, n, first, atol, rtol);
    return false;
  }
  return true;
}

bool expect_near(const std::string& what, const std::vector<float>& got, const std::vector<double>& ref, double atol,
                 double rtol) {
  if (got.size() != ref.size()) {
    fail("%s: %zu results, %zu references", what.c_str(), got.size(), ref.size());
    return false;
  }
  return expect_near(what, got.data(), ref.data(), got.size(), atol, rtol);
}

bool expect_bits(const std::string& what, const float* got, const float* ref, size_t n) {
  size_t bad = 0;
  for (size_t i = 0; i < n; ++i) {
    uint32_t a, b;
    std::memcpy(&a, &got[i], 4);
    std::memcpy(&b, &ref[i], 4);
    if (a != b) {
      if (bad < 5)
        std::fprintf(stdout, "    %s[%zu] = %.9g (0x%08x), reference %.9g (0x%08x)\n", what.c_str(), i, (double)got[i], a,
                     (double)ref[i], b);
      ++bad;
    }
  }
  if (bad) fail("%s: %zu of %zu elements differ bitwise", what.c_str(), bad, n);
  return bad == 0;
}

duel_strided_t strided(const std::vector<long long>& shape, const std::vector<long long>& s0,
                       const std::vector<long long>& s1) {
  duel_strided_t s;
  std::memset(&s, 0, sizeof s);
  s.rank = (int)shape.size();
  for (size_t d = 0; d < shape.size(); ++d) {
    s.shape[d] = shape[d];
    s.stride0[d] = s0[d];
    s.stride1[d] = s1[d];
  }
  for (size_t d = shape.size(); d < DUEL_MAX_RANK; ++d) {  // garbage past rank must be ignored
    s.shape[d] = 1000003;
    s.stride0[d] = -77;
    s.stride1[d] = 99;
  }
  return s;
}

std::vector<long long> contiguous(const std::vector<long long>& shape) {
  std::vector<long long> st(shape.size());
  long long acc = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    st[d] = acc;
    acc *= shape[d];
  }
  return st;
}

// ---- the library under test -----------------------------------------------------------------------
static int (*g_launch)(const char*, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, void**);
static const char* (*g_signature)(const char*);

const char* kernel_signature(const char* name) { return g_signature(name); }

int raw_launch(const char* name, Dim3 g, Dim3 b, unsigned smem, void** params) {
  return g_launch(name, g.x, g.y, g.z, b.x, b.y, b.z, smem, params);
}

}  // namespace duel_test

int main(int argc, char** argv) {
  using namespace duel_test;
  if (argc == 2 && std::string(argv[1]) == "--list") {  // the families, one per line
    std::vector<std::string> seen;
    for (const Case& c : cases())
      if (std::find(seen.begin(), seen.end(), c.family) == seen.end()) seen.push_back(c.family);
    for (const auto& f : seen) std::printf("%s\n", f.c_str());
    return 0;
  }
  if (argc < 2) {
    std::fprintf(stderr, "usage: kernel_tests LIBRARY [FAMILY,...] | kernel_tests --list\n");
    return 2;
  }
  void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    std::fprintf(stderr, "kernel_tests: cannot load %s: %s\n", argv[1], dlerror());
    return 2;
  }
  g_launch = (decltype(g_launch))dlsym(lib, "emuLaunchKernel");
  g_signature = (decltype(g_signature))dlsym(lib, "emuKernelSignature");
  if (!g_launch || !g_signature) {
    std::fprintf(stderr, "kernel_tests: %s lacks emuLaunchKernel / emuKernelSignature\n", argv[1]);
    return 2;
  }
  const std::string filter = argc > 2 ? argv[2] : "all";
  auto wanted = [&](const char* family) {
    if (filter == "all") return true;
    const std::string f = "," + filter + ",";
    return f.find("," + std::string(family) + ",") != std::string::npos;
  };
  const char* order = std::getenv("EMU_ORDER");
  std::printf("kernel_tests: %s, families %s, thread order %s%s\n", argv[1], filter.c_str(), order ? order : "forward",
              small() ? ", small sizes" : "");
  int ran = 0;
  for (const Case& c : cases()) {
    if (!wanted(c.family)) continue;
    g_current = c.name;
    const int before = g_failures;
    const auto t0 = std::chrono::steady_clock::now();
    c.fn();
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%-4s %s.%s (%.0f ms)\n", g_failures == before ? "ok" : "FAIL", c.family, c.name, ms);
    ++ran;
  }
  if (ran == 0) {
    std::printf("kernel_tests: no test case matches '%s'\n", filter.c_str());
    return 2;
  }
  std::printf("kernel_tests: %d cases, %d failures\n", ran, g_failures);
  return g_failures ? 1 : 0;
}
