package dev.duel.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The op codes the kernels take (kernels/src/main/cuda/duel_abi.h): the ordinals of the engine's enums
 * UnaryOp, BinaryOp, ReduceOp and Distribution, plus {@link #REDUCE_MEAN}. KernelOpsTest keeps this class and
 * the header equal; the CUDA backend checks the engine enums against it.
 */
public final class KernelOps {
  private KernelOps() {}

  // duel_unary_op
  public static final int UNARY_NEG = 0;
  public static final int UNARY_ABS = 1;
  public static final int UNARY_SIGN = 2;
  public static final int UNARY_STEP = 3;
  public static final int UNARY_RELU = 4;
  public static final int UNARY_LEAKY_RELU = 5;
  public static final int UNARY_LEAKY_SLOPE = 6;
  public static final int UNARY_TANH = 7;
  public static final int UNARY_SIGMOID = 8;
  public static final int UNARY_SOFTPLUS = 9;
  public static final int UNARY_EXP = 10;
  public static final int UNARY_LOG = 11;
  public static final int UNARY_SQRT = 12;
  public static final int UNARY_RSQRT = 13;
  public static final int UNARY_SQUARE = 14;
  public static final int UNARY_RECIPROCAL = 15;
  public static final int UNARY_POW = 16;
  public static final int UNARY_SCALE = 17;
  public static final int UNARY_ADD_SCALAR = 18;

  // duel_binary_op
  public static final int BINARY_ADD = 0;
  public static final int BINARY_SUB = 1;
  public static final int BINARY_MUL = 2;
  public static final int BINARY_DIV = 3;
  public static final int BINARY_MAX = 4;
  public static final int BINARY_MIN = 5;
  public static final int BINARY_GT = 6;
  public static final int BINARY_EQ = 7;
  public static final int BINARY_BCE_WITH_LOGITS = 8;
  public static final int BINARY_BCE_WITH_LOGITS_GRAD = 9;

  // duel_reduce_op
  public static final int REDUCE_SUM = 0;
  public static final int REDUCE_MAX = 1;
  public static final int REDUCE_MIN = 2;
  public static final int REDUCE_SUM_SQUARES = 3;
  public static final int REDUCE_MEAN = 4;

  // duel_distribution
  public static final int DIST_UNIFORM = 0;
  public static final int DIST_NORMAL = 1;
  public static final int DIST_BERNOULLI = 2;

  /** sizeof(duel_strided_t): the by-value struct of duel_copy_strided_f32 and duel_binary_strided_fwd_f32. */
  public static final int STRIDED_BYTES = 200;
  /** The largest rank duel_strided_t holds. */
  public static final int MAX_RANK = 8;

  /**
   * The bytes of a duel_strided_t (ABI.md): rank, shape and two stride lists, little-endian, ready to pass
   * by value as one kernel argument ({@code Pointer.to(bytes)} in JCuda).
   *
   * @param shape   the index space, rank {@code shape.length} <= 8 (0: one element)
   * @param stride0 element strides of the first operand (src of a copy, a of a binary op), one per dim
   * @param stride1 element strides of the second operand (dst of a copy, b of a binary op), one per dim
   */
  public static byte[] encodeStrided(int[] shape, long[] stride0, long[] stride1) {
    if (shape.length > MAX_RANK || stride0.length != shape.length || stride1.length != shape.length) {
      throw new IllegalArgumentException("duel_strided_t: rank " + shape.length + " (at most " + MAX_RANK
          + ") with " + stride0.length + " and " + stride1.length + " strides; give one stride per dim");
    }
    ByteBuffer b = ByteBuffer.allocate(STRIDED_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, shape.length);
    for (int d = 0; d < MAX_RANK; d++) {
      b.putLong(8 + 8 * d, d < shape.length ? shape[d] : 1);
      b.putLong(72 + 8 * d, d < shape.length ? stride0[d] : 0);
      b.putLong(136 + 8 * d, d < shape.length ? stride1[d] : 0);
    }
    return b.array();
  }
}
