package dev.duel.engine.cuda;

import dev.duel.engine.Backend;
import dev.duel.engine.BinaryOp;
import dev.duel.engine.Buffer;
import dev.duel.engine.ConvShape;
import dev.duel.engine.Distribution;
import dev.duel.engine.ReduceOp;
import dev.duel.engine.UnaryOp;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The CUDA backend: every {@link Backend} op on one GPU through JCuda's driver API, Duel's kernels
 * (kernels/src/main/cuda, ABI.md), cuBLAS for matmul and cuDNN for convolution and batch norm, with
 * Duel's kernels as the fallback for both ({@link CudaOptions}). Memory comes from the device's
 * {@link CudaAllocator}. The same class runs {@code cuda} (a real GPU) and {@code cuda-emu} (Duel's
 * stand-in CUDA libraries): only the loaded libraries differ.
 *
 * <p>Work is queued on the legacy default stream: ops return before the GPU has finished, and
 * {@link #download} and {@link #synchronize()} wait. A failing call becomes a {@link CudaOpException}
 * naming the op and its shapes; with {@code syncEachOp} every op waits for its own work, so an
 * asynchronous fault is blamed on the op that caused it. Host↔device copies happen only in
 * {@link #upload} and {@link #download} (and the index upload of the embedding ops).
 */
public final class CudaBackend implements Backend {
  private final CudaDevice device;
  private final CudaOptions options;
  private final Blas blas;   // null: Duel's SGEMM kernel
  private final Dnn dnn;     // null: im2col + GEMM and the batchnorm kernels
  private final KernelConv kernelConv = new KernelConv(this);
  private final DnnPolicy dnnPolicy;

  CudaBackend(CudaDevice device, CudaOptions options) {
    this(device, options, Blas.choose(device, options), Dnn.choose(device, options));
  }

  /** With the libraries given (null: Duel's kernels), for tests. */
  CudaBackend(CudaDevice device, CudaOptions options, Blas blas, Dnn dnn) {
    this.device = device;
    this.options = options;
    this.blas = blas;
    this.dnn = dnn;
    this.dnnPolicy = new DnnPolicy(dnn, options);
  }

  // ---- introspection ------------------------------------------------------------------------------

  @Override
  public String name() {
    return device.mode.device;
  }

  public CudaOptions options() {
    return options;
  }

  /** The caching allocator (statistics, {@link CudaAllocator#emptyCache()}). */
  public CudaAllocator allocator() {
    return device.allocator;
  }

  /** "cublas" or "kernels": what runs {@link #gemm} now. */
  public String gemmPath() {
    return blas != null ? "cublas" : "kernels";
  }

  /** "cudnn" or "kernels": what runs conv2d and batch norm now (cuDNN may drop out on first use). */
  public String convPath() {
    return dnnPolicy.active() ? "cudnn" : "kernels";
  }

  /** One line: the GPU, the driver, and which library runs matmul and convolution. */
  public String describe() {
    Blas b = blas != null ? blas : device.blas();
    Dnn d = dnn != null ? dnn : device.dnn();
    return device.describe() + "; matmul: " + (blas != null ? b.describe() : "Duel's SGEMM kernel"
        + (b.available() ? " (forced)" : " (" + b.reason() + ")")) + "; conv/batchnorm: " + (dnnPolicy.active() ? d.describe()
        : "Duel's kernels" + (d.available() ? " (forced)" : " (" + d.reason() + ")"));
  }

  CudaDevice device() {
    return device;
  }

  KernelConv kernelConv() {
    return kernelConv;
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private CudaBuffer buf(Buffer b, String op) {
    if (b instanceof CudaBuffer cb && ((CudaBackend) cb.backend()).device == device) return cb;
    throw new IllegalArgumentException("cuda: " + op + " got a buffer of device '"
        + (b == null ? "null" : b.backend().name()) + "'; move tensors with Tensor.to(backend) first");
  }

  private long addr(Buffer b, long off, String op) {
    return buf(b, op).address(off);
  }

  /** An optional buffer: 0 for null. */
  private long addrOrNull(Buffer b, String op) {
    return b == null ? 0 : addr(b, 0, op);
  }

  private static void need(Buffer b, long off, long elements, String what, String op) {
    if (off < 0 || off + elements > b.size()) {
      throw new IllegalArgumentException("cuda: " + op + ": " + what + " needs elements [" + off + ", " + (off + elements)
          + ") but its buffer holds " + b.size());
    }
  }

  /** Operand {@code which} of layout l, starting at off, lies inside b. */
  private static void need(Buffer b, long off, StridedLayout l, int which, String what, String op) {
    long[] e = l.extent(which);
    if (e[1] < e[0]) return;
    need(b, off + e[0], e[1] - e[0] + 1, what, op);
  }

  private void done(String op) {
    if (options.syncEachOp()) device.synchronize(op);
  }

  /** Device work of one op: queues kernels and library calls, may throw {@link CudaOpException}. */
  @FunctionalInterface
  private interface Work {
    void run();
  }

  /**
   * The wrapper of every op: runs its device work, then {@link #done} (with {@code syncEachOp} the op waits
   * for its own work), and blames a failing call on the op as {@code blame} describes it, with its shapes
   * (the text is built only on failure). {@code name} null: no {@link #done}, for the fills and copies of
   * allocate, upload and download, which wait by themselves (or need not). The checks of sizes and buffers
   * come before the wrapper, so their {@link IllegalArgumentException}s pass unblamed.
   */
  private void onDevice(String name, Supplier<String> blame, Work work) {
    try {
      work.run();
      if (name != null) done(name);
    } catch (CudaOpException e) {
      throw e.blame(blame.get());
    }
  }

  /** Scratch device memory, returned to the cache on close (stream order keeps queued users safe). */
  final class Scratch implements AutoCloseable {
    final CudaAllocator.Block block;

    Scratch(long floats, String op) {
      block = device.allocator.allocate(4 * floats, op);
    }

    long address(long offset) {
      return block.address() + 4 * offset;
    }

    @Override
    public void close() {
      device.allocator.release(block);
    }
  }

  Scratch scratch(long floats, String op) {
    return new Scratch(floats, op);
  }

  // ---- memory -------------------------------------------------------------------------------------

  @Override
  public Buffer allocate(long elements) {
    if (elements < 0) throw new IllegalArgumentException("cuda: allocate of " + elements + " floats");
    CudaAllocator.Block b = device.allocator.allocate(4 * elements, "allocate(" + elements + " floats)");
    CudaBuffer buffer = new CudaBuffer(this, device.allocator, elements, b);
    try {
      onDevice(null, () -> "allocate(" + elements + " floats)",
          () -> device.fill32(b.address(), 0, elements, "allocate"));
    } catch (CudaOpException e) {   // blamed already
      buffer.close();
      throw e;
    }
    return buffer;
  }

  /**
   * A block as the allocator hands it out, not zero-filled (torch.empty): for op outputs written in full,
   * so the {@code cuMemsetD32Async} of {@link #allocate} is not paid before every op. With
   * {@code -Dduel.cuda.poison=true} (the test suite sets it) the block is filled with NaN instead, so an op
   * that leaves part of its output unwritten shows NaN in its tests rather than a recycled block's numbers.
   */
  @Override
  public Buffer allocateForOverwrite(long elements) {
    if (elements < 0) throw new IllegalArgumentException("cuda: allocate of " + elements + " floats");
    CudaAllocator.Block b = device.allocator.allocate(4 * elements, "allocateForOverwrite(" + elements + " floats)");
    CudaBuffer buffer = new CudaBuffer(this, device.allocator, elements, b);
    if (!POISON) return buffer;
    try {
      onDevice(null, () -> "allocateForOverwrite(" + elements + " floats)",
          () -> device.fill32(b.address(), QUIET_NAN_BITS, elements, "allocateForOverwrite (NaN poison)"));
    } catch (CudaOpException e) {   // blamed already
      buffer.close();
      throw e;
    }
    return buffer;
  }

  /**
   * {@code -Dduel.cuda.poison=true}: outputs of {@link #allocateForOverwrite} start as NaN (tests only; the
   * package's tests also switch it off to count that no fill is issued).
   */
  static volatile boolean POISON = Boolean.getBoolean("duel.cuda.poison");
  private static final int QUIET_NAN_BITS = 0x7FC00000;

  @Override
  public void upload(float[] src, int srcOff, Buffer dst, long dstOff, int n) {
    String op = "upload";
    if (srcOff < 0 || n < 0 || srcOff + n > src.length) {
      throw new IllegalArgumentException("cuda: upload of " + n + " floats from offset " + srcOff + " of an array of "
          + src.length);
    }
    need(dst, dstOff, n, "the destination", op);
    onDevice(null, () -> "upload(" + n + " floats)",
        () -> device.upload(src, srcOff, addr(dst, dstOff, op), n, op));
  }

  @Override
  public void download(Buffer src, long srcOff, float[] dst, int dstOff, int n) {
    String op = "download";
    if (dstOff < 0 || n < 0 || dstOff + n > dst.length) {
      throw new IllegalArgumentException("cuda: download of " + n + " floats to offset " + dstOff + " of an array of "
          + dst.length);
    }
    need(src, srcOff, n, "the source", op);
    onDevice(null, () -> "download(" + n + " floats) — or an earlier op whose queued work failed; rerun with"
          + " -Dduel.cuda.sync=true to find it",
        () -> device.download(addr(src, srcOff, op), dst, dstOff, n, op));
  }

  @Override
  public void fill(Buffer dst, long off, long n, float value) {
    need(dst, off, n, "the destination", "fill");
    onDevice("fill", () -> "fill(n=" + n + ", value=" + value + ")", () -> {
      device.fill32(addr(dst, off, "fill"), Float.floatToRawIntBits(value), n, "fill");
    });
  }

  @Override
  public void copyStrided(int[] shape, Buffer src, long srcOff, long[] srcStrides, Buffer dst, long dstOff,
                          long[] dstStrides) {
    String op = "copyStrided";
    StridedLayout l = StridedLayout.of(shape, srcStrides, dstStrides);
    if (l.count() == 0) return;
    need(src, srcOff, l, 0, "the source view", op);
    need(dst, dstOff, l, 1, "the destination view", op);
    onDevice(op, () -> "copyStrided(shape=" + Arrays.toString(shape) + ", src strides=" + Arrays.toString(srcStrides)
          + ", dst strides=" + Arrays.toString(dstStrides) + ")", () -> {
      StridedLaunch.copy(device, l, addr(src, srcOff, op), addr(dst, dstOff, op), op);
    });
  }

  @Override
  public void synchronize() {
    device.synchronize("synchronize");
  }

  // ---- elementwise --------------------------------------------------------------------------------

  @Override
  public void unary(UnaryOp op, float alpha, Buffer x, long xOff, Buffer out, long n) {
    String name = "unary";
    if (n == 0) return;
    need(x, xOff, n, "x", name);
    need(out, 0, n, "out", name);
    onDevice(name, () -> "unary(" + op + ", alpha=" + alpha + ", n=" + n + ")", () -> {
      device.launch(new KernelArgs(Kernel.UNARY_FWD).i(op.ordinal()).f(alpha).p(addr(x, xOff, name))
          .p(addr(out, 0, name)).l(n), n);
    });
  }

  @Override
  public void unaryBackward(UnaryOp op, float alpha, Buffer x, Buffer y, Buffer gy, Buffer gx, long n) {
    String name = "unaryBackward";
    if (n == 0) return;
    need(gy, 0, n, "gy", name);
    need(gx, 0, n, "gx", name);
    if (x != null) need(x, 0, n, "x", name);
    if (y != null) need(y, 0, n, "y", name);
    onDevice(name, () -> "unaryBackward(" + op + ", alpha=" + alpha + ", n=" + n + ")", () -> {
      device.launch(new KernelArgs(Kernel.UNARY_BWD).i(op.ordinal()).f(alpha).p(addrOrNull(x, name))
          .p(addrOrNull(y, name)).p(addr(gy, 0, name)).p(addr(gx, 0, name)).l(n), n);
    });
  }

  @Override
  public void binary(BinaryOp op, int[] shape, Buffer a, long aOff, long[] aStrides, Buffer b, long bOff,
                     long[] bStrides, Buffer out) {
    String name = "binary";
    StridedLayout l = StridedLayout.of(shape, aStrides, bStrides);
    long n = l.count();
    if (n == 0) return;
    need(out, 0, n, "out", name);
    need(a, aOff, l, 0, "a", name);
    need(b, bOff, l, 1, "b", name);
    onDevice(name, () -> "binary(" + op + ", shape=" + Arrays.toString(shape) + ", a strides="
          + Arrays.toString(aStrides) + ", b strides=" + Arrays.toString(bStrides) + ")", () -> {
      long pa = addr(a, aOff, name), pb = addr(b, bOff, name), po = addr(out, 0, name);
      if (l.bothContiguous()) {
        device.launch(new KernelArgs(Kernel.BINARY_FWD).i(op.ordinal()).p(pa).p(pb).p(po).l(n), n);
      } else {
        // out is contiguous over the full space: the slice of leading index i starts at i·(count of the rest)
        long[] outStart = {po};
        long sliceCount = StridedLaunch.count(l, Math.max(0, l.rank() - 8));
        StridedLaunch.forEachSlice(l, pa, pb, (from, sa, sb) -> {
          device.launch(new KernelArgs(Kernel.BINARY_STRIDED_FWD).i(op.ordinal()).p(sa).p(sb).p(outStart[0])
              .s(l.encode(from)), sliceCount);
          outStart[0] += 4 * sliceCount;
        });
      }
    });
  }

  // ---- reductions ---------------------------------------------------------------------------------

  /** Above this length a lone row is reduced in two passes over many blocks (ABI.md "Reductions"). */
  static final int TWO_PASS_LENGTH = 65536;
  /** ... when there are at most this many rows (otherwise one block per row already fills the GPU). */
  static final int TWO_PASS_MAX_ROWS = 8;

  @Override
  public void reduce(ReduceOp op, Buffer x, long xOff, int outer, int len, int inner, Buffer out) {
    String name = "reduce";
    if ((long) outer * inner == 0) return;
    need(x, xOff, (long) outer * len * inner, "x", name);
    need(out, 0, (long) outer * inner, "out", name);
    onDevice(name, () -> "reduce(" + op + ", outer=" + outer + ", len=" + len + ", inner=" + inner + ")", () -> {
      long px = addr(x, xOff, name), po = addr(out, 0, name);
      int code = op.ordinal();
      if (inner > 1) {
        device.launch(new KernelArgs(Kernel.REDUCE_COLS).i(code).p(px).p(po).i(outer).i(len).i(inner),
            (long) outer * inner);
      } else if (len > TWO_PASS_LENGTH && outer <= TWO_PASS_MAX_ROWS) {
        int partials = Kernel.REDUCE_PARTIAL.grid(len);
        try (Scratch partial = scratch(partials, "reduce partials")) {
          for (int o = 0; o < outer; o++) {
            device.launch(new KernelArgs(Kernel.REDUCE_PARTIAL).i(code).p(px + 4L * o * len).p(partial.address(0))
                .l(len), len);
            device.launch(new KernelArgs(Kernel.REDUCE_FINAL).i(code).p(partial.address(0)).i(partials)
                .p(po + 4L * o).l(len), 1);
          }
        }
      } else {
        device.launch(new KernelArgs(Kernel.REDUCE_ROWS).i(code).p(px).p(po).i(outer).i(len), outer);
      }
    });
  }

  // ---- matrix multiply ----------------------------------------------------------------------------

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                   Buffer a, long aOff, int lda, long strideA, Buffer b, long bOff, int ldb, long strideB,
                   float beta, Buffer c, long cOff, int ldc, long strideC, int batch) {
    String name = "gemm";
    if (m < 0 || n < 0 || k < 0 || batch < 0) {
      throw new IllegalArgumentException("cuda: gemm with negative sizes m=" + m + ", n=" + n + ", k=" + k + ", batch="
          + batch);
    }
    if ((long) m * n * batch == 0) return;
    need(c, cOff, (long) (batch - 1) * strideC + (long) (m - 1) * ldc + n, "C", name);
    if (k > 0) {
      need(a, aOff, (long) (batch - 1) * strideA + (transA ? (long) (k - 1) * lda + m : (long) (m - 1) * lda + k), "A", name);
      need(b, bOff, (long) (batch - 1) * strideB + (transB ? (long) (n - 1) * ldb + k : (long) (k - 1) * ldb + n), "B", name);
    }
    onDevice(name, () -> "gemm(transA=" + transA + ", transB=" + transB + ", m=" + m + ", n=" + n + ", k=" + k
          + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc + ", batch=" + batch + ")", () -> {
      gemm(transA, transB, m, n, k, alpha, addr(a, aOff, name), lda, strideA, addr(b, bOff, name), ldb, strideB, beta,
          addr(c, cOff, name), ldc, strideC, batch, name);
    });
  }

  /** Backend.gemm on device addresses: cuBLAS when chosen (and k > 0), else duel_sgemm_f32. */
  void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long strideA,
            long b, int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch, String op) {
    if ((long) m * n * batch == 0) return;
    if (blas != null && k > 0) {
      blas.sgemm(device, transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch,
          op);
      return;
    }
    KernelArgs args = new KernelArgs(Kernel.SGEMM).i(transA ? 1 : 0).i(transB ? 1 : 0).i(m).i(n).i(k).f(alpha)
        .p(a).i(lda).l(strideA).p(b).i(ldb).l(strideB).f(beta).p(c).i(ldc).l(strideC).i(batch);
    device.launch(args, (n + 63) / 64, Math.min((m + 63) / 64, Kernel.MAX_GRID), Math.min(batch, Kernel.MAX_GRID),
        16, 16, 1);
  }

  // ---- convolution --------------------------------------------------------------------------------

  @Override
  public void conv2d(ConvShape s, Buffer x, Buffer w, Buffer y) {
    String name = "conv2d";
    need(x, 0, (long) s.n() * s.c() * s.h() * s.w(), "x", name);
    need(w, 0, (long) s.k() * s.c() * s.r() * s.s(), "w", name);
    need(y, 0, (long) s.n() * s.k() * s.p() * s.q(), "y", name);
    onDevice(name, () -> "conv2d(" + s + ")", () -> {
      long px = addr(x, 0, name), pw = addr(w, 0, name), py = addr(y, 0, name);
      if (!dnnPolicy.run(name, s, () -> dnn.convForward(s, px, pw, py, name))) kernelConv.forward(s, px, pw, py, name);
    });
  }

  @Override
  public void conv2dBackwardData(ConvShape s, Buffer gy, Buffer w, Buffer gx) {
    String name = "conv2dBackwardData";
    need(gy, 0, (long) s.n() * s.k() * s.p() * s.q(), "gy", name);
    need(w, 0, (long) s.k() * s.c() * s.r() * s.s(), "w", name);
    need(gx, 0, (long) s.n() * s.c() * s.h() * s.w(), "gx", name);
    onDevice(name, () -> "conv2dBackwardData(" + s + ")", () -> {
      long pgy = addr(gy, 0, name), pw = addr(w, 0, name), pgx = addr(gx, 0, name);
      if (!dnnPolicy.run(name, s, () -> dnn.convBackwardData(s, pgy, pw, pgx, name))) {
        kernelConv.backwardData(s, pgy, pw, pgx, name);
      }
    });
  }

  @Override
  public void conv2dBackwardFilter(ConvShape s, Buffer x, Buffer gy, Buffer gw) {
    String name = "conv2dBackwardFilter";
    need(x, 0, (long) s.n() * s.c() * s.h() * s.w(), "x", name);
    need(gy, 0, (long) s.n() * s.k() * s.p() * s.q(), "gy", name);
    need(gw, 0, (long) s.k() * s.c() * s.r() * s.s(), "gw", name);
    onDevice(name, () -> "conv2dBackwardFilter(" + s + ")", () -> {
      long px = addr(x, 0, name), pgy = addr(gy, 0, name), pgw = addr(gw, 0, name);
      if (!dnnPolicy.run(name, s, () -> dnn.convBackwardFilter(s, px, pgy, pgw, name))) {
        kernelConv.backwardFilter(s, px, pgy, pgw, name);
      }
    });
  }

  // ---- batch normalisation ------------------------------------------------------------------------

  @Override
  public void batchNormForward(int n, int c, int hw, float eps, Buffer x, Buffer gamma, Buffer beta, Buffer y,
                               Buffer mean, Buffer invStd, Buffer varUnbiased) {
    String name = "batchNormForward";
    long m = (long) n * hw;
    need(x, 0, m * c, "x", name);
    need(y, 0, m * c, "y", name);
    for (Buffer v : new Buffer[] {gamma, beta, mean, invStd, varUnbiased}) need(v, 0, c, "a per-channel vector", name);
    if (m * c == 0) return;
    onDevice(name, () -> "batchNormForward(n=" + n + ", c=" + c + ", hw=" + hw + ", eps=" + eps + ")", () -> {
      long px = addr(x, 0, name), pg = addr(gamma, 0, name), pb = addr(beta, 0, name), py = addr(y, 0, name);
      long pm = addr(mean, 0, name), pi = addr(invStd, 0, name), pv = addr(varUnbiased, 0, name);
      String shape = "(n=" + n + ", c=" + c + ", hw=" + hw + ")";
      boolean cudnn = m >= 2 && eps > 0
          && dnnPolicy.run(name, shape, () -> dnn.batchNormForward(n, c, hw, eps, px, pg, pb, py, pm, pi, pv, name));
      if (!cudnn) {
        device.launch(new KernelArgs(Kernel.BATCHNORM_FWD_TRAIN).i(n).i(c).i(hw).f(eps).p(px).p(pg).p(pb).p(py).p(pm)
            .p(pi).p(pv), c);
        if (m == 1) device.fill32(pv, 0, c, name);   // the engine's convention: no unbiased variance of one value
      }
    });
  }

  @Override
  public void batchNormBackward(int n, int c, int hw, Buffer x, Buffer gy, Buffer gamma, Buffer mean, Buffer invStd,
                                Buffer gx, Buffer gGamma, Buffer gBeta) {
    String name = "batchNormBackward";
    long m = (long) n * hw;
    need(x, 0, m * c, "x", name);
    need(gy, 0, m * c, "gy", name);
    need(gx, 0, m * c, "gx", name);
    for (Buffer v : new Buffer[] {gamma, mean, invStd, gGamma, gBeta}) need(v, 0, c, "a per-channel vector", name);
    if ((long) c == 0) return;
    onDevice(name, () -> "batchNormBackward(n=" + n + ", c=" + c + ", hw=" + hw + ")", () -> {
      long px = addr(x, 0, name), pgy = addr(gy, 0, name), pg = addr(gamma, 0, name), pm = addr(mean, 0, name);
      long pi = addr(invStd, 0, name), pgx = addr(gx, 0, name), pgg = addr(gGamma, 0, name), pgb = addr(gBeta, 0, name);
      String shape = "(n=" + n + ", c=" + c + ", hw=" + hw + ")";
      boolean cudnn = m >= 2
          && dnnPolicy.run(name, shape, () -> dnn.batchNormBackward(n, c, hw, px, pgy, pg, pm, pi, pgx, pgg, pgb));
      if (!cudnn) {
        device.launch(new KernelArgs(Kernel.BATCHNORM_BWD).i(n).i(c).i(hw).p(px).p(pgy).p(pg).p(pm).p(pi).p(pgx).p(pgg)
            .p(pgb), c);
      }
    });
  }

  // ---- resampling, lookup -------------------------------------------------------------------------

  @Override
  public void upsampleNearest(int n, int c, int h, int w, int f, Buffer x, Buffer y) {
    String name = "upsampleNearest";
    long planes = (long) n * c, out = planes * h * f * w * f;
    need(x, 0, planes * h * w, "x", name);
    need(y, 0, out, "y", name);
    if (out == 0) return;
    onDevice(name, () -> "upsampleNearest(n=" + n + ", c=" + c + ", h=" + h + ", w=" + w + ", f=" + f + ")", () -> {
      device.launch(new KernelArgs(Kernel.UPSAMPLE_FWD).i(n).i(c).i(h).i(w).i(f).p(addr(x, 0, name))
          .p(addr(y, 0, name)), out);
    });
  }

  @Override
  public void upsampleNearestBackward(int n, int c, int h, int w, int f, Buffer gy, Buffer gx) {
    String name = "upsampleNearestBackward";
    long planes = (long) n * c, in = planes * h * w;
    need(gy, 0, in * f * f, "gy", name);
    need(gx, 0, in, "gx", name);
    if (in == 0) return;
    onDevice(name, () -> "upsampleNearestBackward(n=" + n + ", c=" + c + ", h=" + h + ", w=" + w + ", f=" + f
          + ")", () -> {
      device.launch(new KernelArgs(Kernel.UPSAMPLE_BWD).i(n).i(c).i(h).i(w).i(f).p(addr(gy, 0, name))
          .p(addr(gx, 0, name)), in);
    });
  }

  @Override
  public void embeddingGather(Buffer weight, int dim, int[] idx, Buffer out) {
    embedding(Kernel.EMBEDDING_GATHER, "embeddingGather", weight, dim, idx, out);
  }

  @Override
  public void embeddingScatterAdd(Buffer gOut, int dim, int[] idx, Buffer gWeight) {
    embedding(Kernel.EMBEDDING_SCATTER_ADD, "embeddingScatterAdd", gWeight, dim, idx, gOut);
  }

  /** Both lookups: {@code table} is rows × dim, {@code rowsBuf} is idx.length × dim; indices go up as int32. */
  private void embedding(Kernel k, String name, Buffer table, int dim, int[] idx, Buffer rowsBuf) {
    if (dim <= 0) throw new IllegalArgumentException("cuda: " + name + ": dim " + dim + " must be positive");
    long rows = table.size() / dim;
    for (int i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= rows) {
        throw new IllegalArgumentException("cuda: " + name + ": index " + idx[i] + " at position " + i
            + " is outside the table's " + rows + " rows");
      }
    }
    need(rowsBuf, 0, (long) idx.length * dim, "the gathered rows", name);
    if (idx.length == 0) return;
    onDevice(name, () -> name + "(dim=" + dim + ", " + idx.length + " indices, " + rows + " rows)", () -> {
      try (Scratch ids = scratch(idx.length, name + " indices")) {
        device.upload(idx, ids.address(0), name);
        long pt = addr(table, 0, name), pr = addr(rowsBuf, 0, name);
        // gather: (weight, rows, dim, idx, count, out); scatter-add: (gOut, rows, dim, idx, count, gWeight)
        KernelArgs args = k == Kernel.EMBEDDING_GATHER
            ? new KernelArgs(k).p(pt).i((int) rows).i(dim).p(ids.address(0)).i(idx.length).p(pr)
            : new KernelArgs(k).p(pr).i((int) rows).i(dim).p(ids.address(0)).i(idx.length).p(pt);
        device.launch(args, (long) idx.length * dim);
      }   // the indices' block returns to the cache in stream order, before done(name) waits
    });
  }

  // ---- random numbers -----------------------------------------------------------------------------

  @Override
  public void random(Distribution dist, long seed, long offset, float a, float b, Buffer out, long n) {
    String name = "random";
    if (n == 0) return;
    need(out, 0, n, "out", name);
    onDevice(name, () -> "random(" + dist + ", seed=" + seed + ", offset=" + offset + ", n=" + n + ")", () -> {
      device.launch(new KernelArgs(Kernel.RANDOM).i(dist.ordinal()).l(seed).l(offset).f(a).f(b).p(addr(out, 0, name))
          .l(n), (n + 3) / 4);
    });
  }

  // ---- optimizers ---------------------------------------------------------------------------------

  @Override
  public void sgdUpdate(Buffer p, Buffer g, Buffer v, long n, float lr, float momentum, float dampening,
                        float weightDecay, boolean nesterov) {
    String name = "sgdUpdate";
    if (n == 0) return;
    need(p, 0, n, "p", name);
    need(g, 0, n, "g", name);
    if (momentum != 0f || v != null) need(v, 0, n, "the velocity", name);
    onDevice(name, () -> "sgdUpdate(n=" + n + ")", () -> {
      device.launch(new KernelArgs(Kernel.SGD_UPDATE).p(addr(p, 0, name)).p(addr(g, 0, name)).p(addrOrNull(v, name))
          .l(n).f(lr).f(momentum).f(dampening).f(weightDecay).i(nesterov ? 1 : 0), n);
    });
  }

  @Override
  public void adamUpdate(Buffer p, Buffer g, Buffer m, Buffer v, long n, float lr, float beta1, float beta2, float eps,
                         float weightDecay, int t) {
    String name = "adamUpdate";
    if (n == 0) return;
    if (t < 1) throw new IllegalArgumentException("cuda: adamUpdate: step t = " + t + " must be >= 1");
    for (Buffer b : new Buffer[] {p, g, m, v}) need(b, 0, n, "a parameter or state tensor", name);
    onDevice(name, () -> "adamUpdate(n=" + n + ", t=" + t + ")", () -> {
      device.launch(new KernelArgs(Kernel.ADAM_UPDATE).p(addr(p, 0, name)).p(addr(g, 0, name)).p(addr(m, 0, name))
          .p(addr(v, 0, name)).l(n).f(lr).f(beta1).f(beta2).f(eps).f(weightDecay).i(t), n);
    });
  }

  @Override
  public String toString() {
    return "CudaBackend[" + name() + ", gemm=" + gemmPath() + ", conv=" + convPath() + "]";
  }
}
