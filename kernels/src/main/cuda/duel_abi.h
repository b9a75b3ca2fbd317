/*
 * duel_abi.h -- the types and op codes of Duel's kernel ABI, shared by the kernels (nvcc), the host
 * emulation and the tests (g++), and mirrored in Java by dev.duel.kernels.KernelOps (a test compares
 * the two). Plain C: no CUDA in here. ABI.md documents every kernel that uses these.
 */
#ifndef DUEL_ABI_H
#define DUEL_ABI_H

#define DUEL_MAX_RANK 8

/*
 * The one by-value struct of the ABI: an index space of `rank` dims with two sets of element strides.
 * Layout (little-endian, 8-byte aligned, 200 bytes):
 *   offset   0: int32 rank (0..8)        offset 4: int32 unused (write 0)
 *   offset   8: int64 shape[8]           dims >= rank are ignored
 *   offset  72: int64 stride0[8]         first operand (src of a copy, `a` of a binary op)
 *   offset 136: int64 stride1[8]         second operand (dst of a copy, `b` of a binary op)
 * Element i (row-major over shape) has coordinates i_d and offsets Σ_d i_d·stride0[d], Σ_d i_d·stride1[d].
 */
typedef struct duel_strided_t {
  int rank;
  int unused;
  long long shape[DUEL_MAX_RANK];
  long long stride0[DUEL_MAX_RANK];
  long long stride1[DUEL_MAX_RANK];
} duel_strided_t;

/* Unary op codes: the ordinals of dev.duel.engine.UnaryOp. */
enum duel_unary_op {
  DUEL_UNARY_NEG = 0,
  DUEL_UNARY_ABS = 1,
  DUEL_UNARY_SIGN = 2,
  DUEL_UNARY_STEP = 3,
  DUEL_UNARY_RELU = 4,
  DUEL_UNARY_LEAKY_RELU = 5,
  DUEL_UNARY_LEAKY_SLOPE = 6,
  DUEL_UNARY_TANH = 7,
  DUEL_UNARY_SIGMOID = 8,
  DUEL_UNARY_SOFTPLUS = 9,
  DUEL_UNARY_EXP = 10,
  DUEL_UNARY_LOG = 11,
  DUEL_UNARY_SQRT = 12,
  DUEL_UNARY_RSQRT = 13,
  DUEL_UNARY_SQUARE = 14,
  DUEL_UNARY_RECIPROCAL = 15,
  DUEL_UNARY_POW = 16,
  DUEL_UNARY_SCALE = 17,
  DUEL_UNARY_ADD_SCALAR = 18
};

/* Binary op codes: the ordinals of dev.duel.engine.BinaryOp. */
enum duel_binary_op {
  DUEL_BINARY_ADD = 0,
  DUEL_BINARY_SUB = 1,
  DUEL_BINARY_MUL = 2,
  DUEL_BINARY_DIV = 3,
  DUEL_BINARY_MAX = 4,
  DUEL_BINARY_MIN = 5,
  DUEL_BINARY_GT = 6,
  DUEL_BINARY_EQ = 7,
  DUEL_BINARY_BCE_WITH_LOGITS = 8,
  DUEL_BINARY_BCE_WITH_LOGITS_GRAD = 9
};

/* Reduction op codes: the ordinals of dev.duel.engine.ReduceOp, plus MEAN (the sum divided by the count). */
enum duel_reduce_op {
  DUEL_REDUCE_SUM = 0,
  DUEL_REDUCE_MAX = 1,
  DUEL_REDUCE_MIN = 2,
  DUEL_REDUCE_SUM_SQUARES = 3,
  DUEL_REDUCE_MEAN = 4
};

/* Distribution codes: the ordinals of dev.duel.engine.Distribution. */
enum duel_distribution {
  DUEL_DIST_UNIFORM = 0,
  DUEL_DIST_NORMAL = 1,
  DUEL_DIST_BERNOULLI = 2
};

#endif /* DUEL_ABI_H */
