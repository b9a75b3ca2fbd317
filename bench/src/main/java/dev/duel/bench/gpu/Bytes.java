package dev.duel.bench.gpu;

import dev.duel.engine.ConvShape;
import dev.duel.engine.UnaryOp;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The bytes each kernel must move, counted as docs/gpu-roofline.md does: every operand once (ideal
 * caching: inputs read once, outputs written once), 4 bytes a float or an int32 index. GB/s = these
 * bytes / the measured time, so a kernel that re-reads its input shows up as a lower GB/s, not as more
 * bytes.
 */
public final class Bytes {
  private Bytes() {}

  public static final long F = 4;

  /** The backward kernel reads x only for these ops (unary_ops.cuh duel_unary_bwd_reads_x). */
  static final Set<UnaryOp> BWD_READS_X = EnumSet.of(UnaryOp.ABS, UnaryOp.RELU, UnaryOp.LEAKY_RELU, UnaryOp.SOFTPLUS,
      UnaryOp.LOG, UnaryOp.SQUARE, UnaryOp.POW);
  /** ... and y = op(x) only for these (duel_unary_bwd_reads_y). */
  static final Set<UnaryOp> BWD_READS_Y = EnumSet.of(UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.EXP, UnaryOp.SQRT,
      UnaryOp.RSQRT, UnaryOp.RECIPROCAL);

  /** out = op(x): read x, write out. */
  public static long unaryFwd(long n) {
    return 2 * F * n;
  }

  /** gx = gy·op'(x or y): read gy, write gx, plus x or y where the derivative needs it. */
  public static long unaryBwd(UnaryOp op, long n) {
    return F * n * (2 + (BWD_READS_X.contains(op) ? 1 : 0) + (BWD_READS_Y.contains(op) ? 1 : 0));
  }

  /** out = a op b, same shape: read a and b, write out. */
  public static long binary(long n) {
    return 3 * F * n;
  }

  /** out = a op b with b broadcast (nb distinct elements): read a (n), b (nb) once, write out (n). */
  public static long binaryBroadcast(long n, long nb) {
    return F * (2 * n + nb);
  }

  /** (outer, len, inner) → (outer, inner): read everything once, write the results. */
  public static long reduce(long outer, long len, long inner) {
    return F * (outer * len * inner + outer * inner);
  }

  /** A copy (contiguous or strided): read n, write n. The copy bandwidth is this / time. */
  public static long copy(long n) {
    return 2 * F * n;
  }

  /** Philox numbers: write only. */
  public static long random(long n) {
    return F * n;
  }

  /** SGD with momentum: read p, g, v; write p, v. */
  public static long sgd(long n) {
    return 5 * F * n;
  }

  /** Adam: read p, g, m, v; write p, m, v. */
  public static long adam(long n) {
    return 7 * F * n;
  }

  /** Nearest upsampling by f (or its backward): the small side (in) once, the big side (in·f²) once. */
  public static long upsample(long in, int f) {
    return F * in * (1 + (long) f * f);
  }

  /** Gather: read each distinct row once, the int32 indices, write count rows. */
  public static long gather(int[] idx, int dim) {
    return F * ((long) distinct(idx) * dim + (long) idx.length * dim + idx.length);
  }

  /** Scatter-add: read count rows of gOut and the indices, read and write each distinct row of gWeight. */
  public static long scatterAdd(int[] idx, int dim) {
    return F * ((long) idx.length * dim + 2L * distinct(idx) * dim + idx.length);
  }

  static int distinct(int[] idx) {
    return (int) Arrays.stream(idx).distinct().count();
  }

  /**
   * Training batch-norm forward (n·c·hw = m elements): as on the roofline page, a two-pass batch norm
   * reads x twice (statistics, then normalisation) and writes y: 12 bytes an element, plus γ, β read
   * and mean, invStd, varUnbiased written per channel. (Duel's kernel takes the variance from centred
   * values, a third read of x that the cache may or may not serve; it is not counted.)
   */
  public static long batchNormFwd(long n, long c, long hw) {
    return F * (3 * n * c * hw + 5 * c);
  }

  /**
   * Training batch-norm backward: the sums read x and gy, the gradient reads them again and writes gx
   * (20 bytes an element, as on the roofline page), plus γ, mean, invStd read and gγ, gβ written.
   */
  public static long batchNormBwd(long n, long c, long hw) {
    return F * (5 * n * c * hw + 5 * c);
  }

  /** C = A·B (β = 0), m×k times k×n: read A and B once, write C. */
  public static long gemm(long m, long n, long k) {
    return F * (m * k + k * n + m * n);
  }

  /** Columns of the im2col path: N·C·R·S·P·Q floats. */
  public static long columns(ConvShape s) {
    return (long) s.n() * s.c() * s.r() * s.s() * s.p() * s.q();
  }

  /**
   * conv2d on the kernels (im2col → SGEMM): im2col reads x and writes the columns, the GEMM reads the
   * columns and w and writes y. The same total for backward-data (SGEMM → col2im): w and gy read,
   * columns written, columns read, gx written.
   */
  public static long convThroughColumns(ConvShape s) {
    long x = (long) s.n() * s.c() * s.h() * s.w();
    long w = (long) s.k() * s.c() * s.r() * s.s();
    long y = (long) s.n() * s.k() * s.p() * s.q();
    return F * (x + 2 * columns(s) + w + y);
  }

  /** FLOPs of one direction of a convolution (forward, backward-data or backward-filter): 2·MACs. */
  public static long convFlops(ConvShape s) {
    return 2 * s.macs();
  }

  /** FLOPs of C = A·B: 2·m·n·k. */
  public static long gemmFlops(long m, long n, long k) {
    return 2 * m * n * k;
  }
}
