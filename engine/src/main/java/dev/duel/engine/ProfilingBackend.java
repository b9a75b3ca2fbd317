package dev.duel.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A backend that times every primitive op of another backend: the op-level view of where a training
 * step's time goes (what {@code torch.profiler}'s "self CPU time" table shows). Each call runs on the
 * wrapped backend and its wall time is added to a row keyed by the op and, where the time depends on
 * it, its shape (e.g. {@code conv2d 64x64x14x14 k128 4x4/2}). On a GPU backend every call is
 * synchronised before and after, so the times are the kernels' own (and the total is slower than an
 * unprofiled run, which overlaps host and device work).
 *
 * <p>Use: {@code Backend b = new ProfilingBackend(Devices.cpu());} build the model on {@code b}, run,
 * then {@code System.out.print(b.table(20))}. Thread-safe; buffers are the wrapped backend's own.
 */
public final class ProfilingBackend implements Backend {
  private final Backend inner;
  private final Map<String, long[]> rows = new LinkedHashMap<>(); // key -> {calls, nanos}

  public ProfilingBackend(Backend inner) {
    this.inner = inner;
  }

  /** The backend whose ops are timed. */
  public Backend inner() {
    return inner;
  }

  /** One row of the profile: an op (and its shape), how often it ran and its total time. */
  public record Row(String op, long calls, long nanos) {}

  /** The rows, most total time first. */
  public synchronized List<Row> rows() {
    List<Row> out = new ArrayList<>();
    rows.forEach((k, v) -> out.add(new Row(k, v[0], v[1])));
    out.sort(Comparator.comparingLong(Row::nanos).reversed());
    return out;
  }

  /** Forgets every row (e.g. after warm-up). */
  public synchronized void reset() {
    rows.clear();
  }

  /** The {@code top} rows as a text table: total ms, share of the profiled time, calls, µs per call. */
  public String table(int top) {
    List<Row> all = rows();
    long total = all.stream().mapToLong(Row::nanos).sum();
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%10s %6s %8s %10s  %s%n",
        "total ms", "%", "calls", "us/call", "op"));
    for (Row r : all.subList(0, Math.min(top, all.size()))) {
      sb.append(String.format(Locale.ROOT, "%10.2f %6.1f %8d %10.1f  %s%n", r.nanos / 1e6,
          total == 0 ? 0 : 100.0 * r.nanos / total, r.calls, r.nanos / 1e3 / Math.max(1, r.calls), r.op));
    }
    sb.append(String.format(Locale.ROOT, "%10.2f %6.1f %8s %10s  %s%n", total / 1e6, 100.0, "", "",
        "all " + all.size() + " ops"));
    return sb.toString();
  }

  /** Runs {@code op} on the wrapped backend and adds its wall time (synchronised on a GPU) to row {@code key}. */
  private void time(String key, Runnable op) {
    inner.synchronize();
    long t0 = System.nanoTime();
    op.run();
    inner.synchronize();
    long dt = System.nanoTime() - t0;
    synchronized (this) {
      long[] r = rows.computeIfAbsent(key, k -> new long[2]);
      r[0]++;
      r[1] += dt;
    }
  }

  private Buffer timeAllocation(String key, java.util.function.Supplier<Buffer> op) {
    Buffer[] b = new Buffer[1];
    time(key, () -> b[0] = op.get());
    return b[0];
  }

  private static String conv(String op, ConvShape s) {
    return op + " " + s.n() + "x" + s.c() + "x" + s.h() + "x" + s.w() + " k" + s.k() + " " + s.r() + "x" + s.s()
        + "/" + s.strideH();
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public Buffer allocate(long elements) {
    return timeAllocation("allocate", () -> inner.allocate(elements));
  }

  @Override
  public Buffer allocateForOverwrite(long elements) {
    return timeAllocation("allocateForOverwrite", () -> inner.allocateForOverwrite(elements));
  }

  @Override
  public void upload(float[] src, int srcOff, Buffer dst, long dstOff, int n) {
    time("upload", () -> inner.upload(src, srcOff, dst, dstOff, n));
  }

  @Override
  public void download(Buffer src, long srcOff, float[] dst, int dstOff, int n) {
    time("download", () -> inner.download(src, srcOff, dst, dstOff, n));
  }

  @Override
  public void fill(Buffer dst, long off, long n, float value) {
    time("fill", () -> inner.fill(dst, off, n, value));
  }

  @Override
  public void copyStrided(int[] shape, Buffer src, long srcOff, long[] srcStrides, Buffer dst, long dstOff,
                          long[] dstStrides) {
    time("copyStrided " + java.util.Arrays.toString(shape),
        () -> inner.copyStrided(shape, src, srcOff, srcStrides, dst, dstOff, dstStrides));
  }

  @Override
  public void synchronize() {
    inner.synchronize();
  }

  @Override
  public void unary(UnaryOp op, float alpha, Buffer x, long xOff, Buffer out, long n) {
    time("unary " + op + " n=" + n, () -> inner.unary(op, alpha, x, xOff, out, n));
  }

  @Override
  public void unaryBackward(UnaryOp op, float alpha, Buffer x, Buffer y, Buffer gy, Buffer gx, long n) {
    time("unaryBackward " + op + " n=" + n, () -> inner.unaryBackward(op, alpha, x, y, gy, gx, n));
  }

  @Override
  public void binary(BinaryOp op, int[] shape, Buffer a, long aOff, long[] aStrides, Buffer b, long bOff,
                     long[] bStrides, Buffer out) {
    time("binary " + op + " " + java.util.Arrays.toString(shape),
        () -> inner.binary(op, shape, a, aOff, aStrides, b, bOff, bStrides, out));
  }

  @Override
  public void reduce(ReduceOp op, Buffer x, long xOff, int outer, int len, int inner, Buffer out) {
    time("reduce " + op + " " + outer + "x" + len + "x" + inner,
        () -> this.inner.reduce(op, x, xOff, outer, len, inner, out));
  }

  @Override
  public void activationBackwardChannelSum(UnaryOp act, float alpha, int n, int c, int hw, Buffer y, Buffer gy,
                                           Buffer gz, Buffer sums) {
    time("activationBackwardChannelSum " + act + " " + n + "x" + c + "x" + hw,
        () -> inner.activationBackwardChannelSum(act, alpha, n, c, hw, y, gy, gz, sums));
  }

  @Override
  public void channelSum(int n, int c, int hw, Buffer x, Buffer out) {
    time("channelSum " + n + "x" + c + "x" + hw, () -> inner.channelSum(n, c, hw, x, out));
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Buffer a, long aOff, int lda,
                   long strideA, Buffer b, long bOff, int ldb, long strideB, float beta, Buffer c, long cOff,
                   int ldc, long strideC, int batch) {
    String key = "gemm " + (transA ? "T" : "N") + (transB ? "T" : "N") + " " + m + "x" + n + "x" + k
        + (batch > 1 ? " batch " + batch : "");
    time(key, () -> inner.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, strideA, b, bOff, ldb, strideB, beta, c,
        cOff, ldc, strideC, batch));
  }

  @Override
  public void conv2d(ConvShape s, Buffer x, Buffer w, Buffer y) {
    time(conv("conv2d", s), () -> inner.conv2d(s, x, w, y));
  }

  @Override
  public void conv2dBackwardData(ConvShape s, Buffer gy, Buffer w, Buffer gx) {
    time(conv("conv2dBackwardData", s), () -> inner.conv2dBackwardData(s, gy, w, gx));
  }

  @Override
  public void conv2dBackwardFilter(ConvShape s, Buffer x, Buffer gy, Buffer gw) {
    time(conv("conv2dBackwardFilter", s), () -> inner.conv2dBackwardFilter(s, x, gy, gw));
  }

  @Override
  public void conv2dBias(ConvShape s, Buffer x, Buffer w, Buffer bias, Buffer y) {
    time(conv("conv2d+bias", s), () -> inner.conv2dBias(s, x, w, bias, y));
  }

  @Override
  public void addRowBiasActivation(int m, int n, Buffer bias, long biasOff, long biasStride, UnaryOp act, float alpha,
                                   Buffer y) {
    time("addRowBiasActivation " + (act == null ? "" : act + " ") + m + "x" + n,
        () -> inner.addRowBiasActivation(m, n, bias, biasOff, biasStride, act, alpha, y));
  }

  @Override
  public void conv2dBiasActivation(ConvShape s, Buffer x, Buffer w, Buffer bias, UnaryOp act, float alpha, Buffer y) {
    time(conv("conv2d+bias+" + act.name().toLowerCase(java.util.Locale.ROOT), s),
        () -> inner.conv2dBiasActivation(s, x, w, bias, act, alpha, y));
  }

  @Override
  public void batchNormActivationForward(int n, int c, int hw, float eps, Buffer x, Buffer gamma, Buffer beta,
                                         UnaryOp act, float alpha, Buffer y, Buffer mean, Buffer invStd,
                                         Buffer varUnbiased) {
    time("batchNormForward+" + act.name().toLowerCase(java.util.Locale.ROOT) + " " + n + "x" + c + "x" + hw,
        () -> inner.batchNormActivationForward(n, c, hw, eps, x, gamma, beta, act, alpha, y, mean, invStd, varUnbiased));
  }

  @Override
  public void conv2dBackwardDataBias(ConvShape s, Buffer gy, Buffer w, Buffer bias, Buffer gx) {
    time(conv("conv2dBackwardData+bias", s), () -> inner.conv2dBackwardDataBias(s, gy, w, bias, gx));
  }

  @Override
  public void batchNormForward(int n, int c, int hw, float eps, Buffer x, Buffer gamma, Buffer beta, Buffer y,
                               Buffer mean, Buffer invStd, Buffer varUnbiased) {
    time("batchNormForward " + n + "x" + c + "x" + hw,
        () -> inner.batchNormForward(n, c, hw, eps, x, gamma, beta, y, mean, invStd, varUnbiased));
  }

  @Override
  public void batchNormBackward(int n, int c, int hw, Buffer x, Buffer gy, Buffer gamma, Buffer mean,
                                Buffer invStd, Buffer gx, Buffer gGamma, Buffer gBeta) {
    time("batchNormBackward " + n + "x" + c + "x" + hw,
        () -> inner.batchNormBackward(n, c, hw, x, gy, gamma, mean, invStd, gx, gGamma, gBeta));
  }

  @Override
  public void upsampleNearest(int n, int c, int h, int w, int f, Buffer x, Buffer y) {
    time("upsampleNearest", () -> inner.upsampleNearest(n, c, h, w, f, x, y));
  }

  @Override
  public void upsampleNearestBackward(int n, int c, int h, int w, int f, Buffer gy, Buffer gx) {
    time("upsampleNearestBackward", () -> inner.upsampleNearestBackward(n, c, h, w, f, gy, gx));
  }

  @Override
  public void embeddingGather(Buffer weight, int dim, int[] idx, Buffer out) {
    time("embeddingGather", () -> inner.embeddingGather(weight, dim, idx, out));
  }

  @Override
  public void embeddingScatterAdd(Buffer gOut, int dim, int[] idx, Buffer gWeight) {
    time("embeddingScatterAdd", () -> inner.embeddingScatterAdd(gOut, dim, idx, gWeight));
  }

  @Override
  public void random(Distribution dist, long seed, long offset, float a, float b, Buffer out, long n) {
    time("random " + dist, () -> inner.random(dist, seed, offset, a, b, out, n));
  }

  @Override
  public void sgdUpdate(Buffer p, Buffer g, Buffer v, long n, float lr, float momentum, float dampening,
                        float weightDecay, boolean nesterov) {
    time("sgdUpdate", () -> inner.sgdUpdate(p, g, v, n, lr, momentum, dampening, weightDecay, nesterov));
  }

  @Override
  public void adamUpdate(Buffer p, Buffer g, Buffer m, Buffer v, long n, float lr, float beta1, float beta2,
                         float eps, float weightDecay, int t) {
    time("adamUpdate", () -> inner.adamUpdate(p, g, m, v, n, lr, beta1, beta2, eps, weightDecay, t));
  }
}
