// unary_reference.h -- float64 references of every duel_unary_op (value and derivative), their inputs.
#pragma once
#include <algorithm>
#include <cmath>

#include "harness.h"

namespace duel_test {

constexpr int kUnaryOps = 19;
constexpr const char* kUnaryNames[kUnaryOps] = {"neg",  "abs", "sign", "step",   "relu",  "leaky_relu", "leaky_slope",
                                                "tanh", "sigmoid", "softplus", "exp", "log", "sqrt", "rsqrt",
                                                "square", "reciprocal", "pow", "scale", "add_scalar"};

inline float unary_alpha(int op) {
  switch (op) {
    case DUEL_UNARY_LEAKY_RELU:
    case DUEL_UNARY_LEAKY_SLOPE: return 0.2f;
    case DUEL_UNARY_POW: return 2.5f;
    case DUEL_UNARY_SCALE: return -1.75f;
    case DUEL_UNARY_ADD_SCALAR: return 0.625f;
    default: return 0.0f;
  }
}

inline double unary_value_ref(int op, double x, double a) {
  switch (op) {
    case DUEL_UNARY_NEG: return -x;
    case DUEL_UNARY_ABS: return std::fabs(x);
    case DUEL_UNARY_SIGN: return x > 0 ? 1 : (x < 0 ? -1 : x);
    case DUEL_UNARY_STEP: return x > 0 ? 1 : 0;
    case DUEL_UNARY_RELU: return (x > 0 || std::isnan(x)) ? x : 0;
    case DUEL_UNARY_LEAKY_RELU: return x > 0 ? x : a * x;
    case DUEL_UNARY_LEAKY_SLOPE: return x > 0 ? 1 : a;
    case DUEL_UNARY_TANH: return std::tanh(x);
    case DUEL_UNARY_SIGMOID: return 1 / (1 + std::exp(-x));
    case DUEL_UNARY_SOFTPLUS: return std::isnan(x) ? x : std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x)));
    case DUEL_UNARY_EXP: return std::exp(x);
    case DUEL_UNARY_LOG: return std::log(x);
    case DUEL_UNARY_SQRT: return std::sqrt(x);
    case DUEL_UNARY_RSQRT: return 1 / std::sqrt(x);
    case DUEL_UNARY_SQUARE: return x * x;
    case DUEL_UNARY_RECIPROCAL: return 1 / x;
    case DUEL_UNARY_POW: return std::pow(x, a);
    case DUEL_UNARY_SCALE: return a * x;
    case DUEL_UNARY_ADD_SCALAR: return x + a;
    default: return std::nan("");
  }
}

// op'(x) given x and y = op(x) (as ABI.md documents per op).
inline double unary_derivative_ref(int op, double x, double y, double a) {
  switch (op) {
    case DUEL_UNARY_NEG: return -1;
    case DUEL_UNARY_ABS: return x > 0 ? 1 : (x < 0 ? -1 : 0);
    case DUEL_UNARY_SIGN:
    case DUEL_UNARY_STEP:
    case DUEL_UNARY_LEAKY_SLOPE: return 0;
    case DUEL_UNARY_RELU: return x > 0 ? 1 : 0;
    case DUEL_UNARY_LEAKY_RELU: return x > 0 ? 1 : a;
    case DUEL_UNARY_TANH: return 1 - y * y;
    case DUEL_UNARY_SIGMOID: return y * (1 - y);
    case DUEL_UNARY_SOFTPLUS: return 1 / (1 + std::exp(-x));
    case DUEL_UNARY_EXP: return y;
    case DUEL_UNARY_LOG: return 1 / x;
    case DUEL_UNARY_SQRT: return 0.5 / y;
    case DUEL_UNARY_RSQRT: return -0.5 * y * y * y;
    case DUEL_UNARY_SQUARE: return 2 * x;
    case DUEL_UNARY_RECIPROCAL: return -y * y;
    case DUEL_UNARY_POW: return a * std::pow(x, a - 1);
    case DUEL_UNARY_SCALE: return a;
    case DUEL_UNARY_ADD_SCALAR: return 1;
    default: return std::nan("");
  }
}

inline bool unary_bwd_reads_x(int op) {
  return op == DUEL_UNARY_ABS || op == DUEL_UNARY_RELU || op == DUEL_UNARY_LEAKY_RELU || op == DUEL_UNARY_SOFTPLUS ||
         op == DUEL_UNARY_LOG || op == DUEL_UNARY_SQUARE || op == DUEL_UNARY_POW;
}
inline bool unary_bwd_reads_y(int op) {
  return op == DUEL_UNARY_TANH || op == DUEL_UNARY_SIGMOID || op == DUEL_UNARY_EXP || op == DUEL_UNARY_SQRT ||
         op == DUEL_UNARY_RSQRT || op == DUEL_UNARY_RECIPROCAL;
}

// Inputs inside op's domain: positive for log, sqrt, rsqrt, pow; away from 0 for reciprocal; otherwise
// [−4, 4) with a 0, a NaN and ±90 (saturation of exp, tanh, sigmoid, softplus) at the front.
inline std::vector<float> unary_input(int op, long long n, uint64_t seed) {
  const bool positive = op == DUEL_UNARY_LOG || op == DUEL_UNARY_SQRT || op == DUEL_UNARY_RSQRT || op == DUEL_UNARY_POW;
  if (positive) return random_vector(n, 0.05f, 4.0f, seed);
  if (op == DUEL_UNARY_RECIPROCAL) {
    auto v = random_vector(n, 0.1f, 3.0f, seed);
    for (long long i = 0; i < n; i += 2) v[i] = -v[i];
    return v;
  }
  auto v = random_vector(n, -4.0f, 4.0f, seed);
  if (n >= 5) { v[0] = 0.0f; v[1] = std::nanf(""); v[2] = 90.0f; v[3] = -90.0f; }
  return v;
}

}  // namespace duel_test
