package dev.duel.bench.gpu;

import dev.duel.engine.Backend;
import dev.duel.engine.BinaryOp;
import dev.duel.engine.Buffer;
import dev.duel.engine.ConvShape;
import dev.duel.engine.Distribution;
import dev.duel.engine.ReduceOp;
import dev.duel.engine.UnaryOp;
import dev.duel.engine.cuda.CudaBackend;
import dev.duel.engine.cuda.CudaBackends;
import dev.duel.engine.cuda.CudaOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Part 1 of the GPU report: the device-to-device copy bandwidth measured in this run (cuMemcpyDtoD of
 * 2²⁶ floats, reached as a contiguous {@code copyStrided}), then each of Duel's kernels through the
 * Backend SPI of a {@code CudaOptions.kernelsOnly()} backend (so batch norm and convolution run on
 * Duel's kernels, not cuDNN), at the dcgan28 batch-64 shapes and at 2²⁶ elements: median time,
 * effective GB/s (bytes from {@link Bytes}: what the kernel must move) and the fraction of the copy
 * bandwidth. {@code --quick}: batch 2, width 16 and 2¹⁷ elements, for cuda-emu in CI.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *   -cp bench/target/original-duel-bench.jar:gan/target/duel-gan.jar:gan/target/lib/* \
 *   dev.duel.bench.gpu.GpuKernelBandwidth --device cuda --budget-s 120 --out gpu-report.json
 * </pre>
 */
public final class GpuKernelBandwidth {
  private GpuKernelBandwidth() {}

  static final String NAME = "GpuKernelBandwidth";

  /** Batch, width (dcgan28: 64, 64) and the large size (2²⁶ floats). */
  record Sizes(int n, int w, int big) {
    static Sizes of(boolean quick) {
      return quick ? new Sizes(2, 16, 1 << 17) : new Sizes(64, 64, 1 << 26);
    }

    int act() { return n * w * 196; }              // D's first conv output, G's BN2d(64) input: N×64×14×14

    int linOut() { return 2 * w * 49; }            // 6272: G's Linear(100, 128·7·7), D's flattened features

    /** dcgan28's parameter counts at width w (778,305 and 138,817 at w = 64). */
    int gParams() {
      int l = linOut();
      return 100 * l + l + 2 * l + 2 * w * w * 16 + w + 2 * w + w * 16 + 1;
    }

    int dParams() {
      return w * 16 + w + 2 * w * w * 16 + 2 * w + 2 * 2 * w + linOut() + 1;
    }

    ConvShape conv1() { return new ConvShape(n, 1, 28, 28, w, 4, 4, 2, 2, 1, 1); }

    ConvShape conv2() { return new ConvShape(n, w, 14, 14, 2 * w, 4, 4, 2, 2, 1, 1); }
  }

  /** One measured kernel: bytes (and FLOPs where they matter) and the call. */
  record Case(String name, String shape, long bytes, long flops, Supplier<Runnable> setup) {}

  public static void main(String[] args) {
    GpuReport.exit(run(args, System.out));
  }

  public static int run(String[] args, PrintStream out) {
    return GpuReport.run(NAME, args, 120, "", out, GpuKernelBandwidth::body);
  }

  static void body(GpuReport r) {
    boolean quick = r.args().quick();
    CudaBackend be = CudaBackends.get(r.args().device(), CudaOptions.kernelsOnly());
    r.header("Duel's kernels: effective bandwidth", be);
    Sizes sz = Sizes.of(quick);
    double sampleS = quick ? 0.002 : 0.01;
    int samples = quick ? 3 : 5;
    Pool pool = new Pool(be);
    try {
      // ---- the copy bandwidth: cuMemcpyDtoD of `big` floats, read + write ----------------------
      long big = sz.big();
      Buffer ca = pool.get("A", big), cb = pool.get("B", big);
      int[] shape1 = {(int) big};
      long[] unit = {1};
      GpuReport.Timing copy = r.time(be, () -> be.copyStrided(shape1, ca, 0, unit, cb, 0, unit), sampleS, samples);
      double copyGbps = Bytes.copy(big) / (copy.medianMs() / 1e3) / 1e9;
      r.out().println("Device-to-device copy (cuMemcpyDtoD, " + big + " floats, read + write "
          + Bytes.copy(big) / (1 << 20) + " MiB): " + GpuReport.ms(copy.medianMs()) + " ms, **"
          + GpuReport.fmt(copyGbps, 1) + " GB/s** (median of " + copy.samples() + " samples of " + copy.reps()
          + " copies; best " + GpuReport.ms(copy.bestMs()) + " ms). \"% copy\" below is GB/s over this.");
      r.out().println();
      Map<String, Object> cm = r.record("copy_bandwidth");
      cm.put("elements", big);
      cm.put("bytes", Bytes.copy(big));
      cm.put("ms_median", copy.medianMs());
      cm.put("ms_best", copy.bestMs());
      cm.put("gbps", copyGbps);
      cm.put("reps", copy.reps());
      cm.put("samples", copy.samples());
      r.json(cm);

      r.out().println("| kernel | shape | ms (median) | ms (best) | GB/s | % copy | GFLOP/s | reps × samples |");
      r.out().println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
      for (Case c : cases(be, sz, pool)) {
        if (r.expired()) {
          r.skipped(c.name() + " | " + c.shape(), "out of time (--budget-s " + GpuReport.fmt(r.args().budgetS(), 0) + ")");
          continue;
        }
        GpuReport.Timing t;
        try {
          t = r.time(be, c.setup().get(), sampleS, samples);
        } catch (RuntimeException e) {
          r.skipped(c.name() + " | " + c.shape(), "failed: " + e.getMessage());
          continue;
        }
        double s = t.medianMs() / 1e3;
        double gbps = c.bytes() / s / 1e9;
        double gflops = c.flops() > 0 ? c.flops() / s / 1e9 : Double.NaN;
        r.out().println("| " + c.name() + " | " + c.shape() + " | " + GpuReport.ms(t.medianMs()) + " | "
            + GpuReport.ms(t.bestMs()) + " | " + GpuReport.fmt(gbps, 1) + " | " + GpuReport.fmt(100 * gbps / copyGbps, 0)
            + "% | " + (c.flops() > 0 ? GpuReport.fmt(gflops, 1) : "") + " | " + t.reps() + " × " + t.samples() + " |");
        Map<String, Object> m = r.record("kernel");
        m.put("case", c.name());
        m.put("shape", c.shape());
        m.put("bytes", c.bytes());
        m.put("flops", c.flops());
        m.put("ms_median", t.medianMs());
        m.put("ms_best", t.bestMs());
        m.put("gbps", gbps);
        m.put("copy_fraction", gbps / copyGbps);
        m.put("gflops", gflops);
        m.put("reps", t.reps());
        m.put("samples", t.samples());
        r.json(m);
        r.out().flush();
      }
    } finally {
      be.synchronize();
      pool.close();
    }
  }

  /** Buffers by name, filled with uniform numbers in [0.5, 1.5) (so log, sqrt, pow stay finite). */
  static final class Pool implements AutoCloseable {
    private final Backend be;
    private final Map<String, Buffer> buffers = new HashMap<>();
    private long seed = 1;

    Pool(Backend be) {
      this.be = be;
    }

    Buffer get(String name, long n) {
      String key = name + ":" + n;
      return buffers.computeIfAbsent(key, k -> {
        Buffer b = be.allocate(n);
        be.random(Distribution.UNIFORM, seed++, 0, 0.5f, 1.5f, b, n);
        return b;
      });
    }

    @Override
    public void close() {
      for (Buffer b : buffers.values()) b.close();
      buffers.clear();
    }
  }

  static float alpha(UnaryOp op) {
    return switch (op) {
      case LEAKY_RELU, LEAKY_SLOPE -> 0.2f;
      case POW -> 2.5f;
      case SCALE, ADD_SCALAR -> 0.5f;
      default -> 0f;
    };
  }

  /** Which reduce kernel Backend.reduce picks (CudaBackend: TWO_PASS_LENGTH 65,536, ≤ 8 rows). */
  static String reducePath(int outer, int len, int inner) {
    if (inner > 1) return "cols";
    if (len > 65536 && outer <= 8) return "partial+final";
    return "rows";
  }

  static List<Case> cases(Backend be, Sizes sz, Pool pool) {
    List<Case> list = new ArrayList<>();
    int n = sz.n(), w = sz.w(), act = sz.act(), big = sz.big();
    String actShape = n + "×" + w + "×14×14";
    String bigShape = "2^" + Integer.numberOfTrailingZeros(big);

    // unary fwd (8 B/elt: read x, write out) and bwd (gy, gx, + x or y as the derivative needs)
    for (int size : new int[] {act, big}) {
      String shp = size == act ? actShape : bigShape;
      for (UnaryOp op : UnaryOp.values()) {
        list.add(new Case("unary " + op.name().toLowerCase() + " fwd", shp, Bytes.unaryFwd(size), 0, () -> {
          Buffer x = pool.get("A", size), o = pool.get("B", size);
          return () -> be.unary(op, alpha(op), x, 0, o, size);
        }));
      }
      for (UnaryOp op : UnaryOp.values()) {
        list.add(new Case("unary " + op.name().toLowerCase() + " bwd", shp, Bytes.unaryBwd(op, size), 0, () -> {
          Buffer x = pool.get("A", size), y = pool.get("B", size), gy = pool.get("C", size), gx = pool.get("D", size);
          return () -> be.unaryBackward(op, alpha(op), x, y, gy, gx, size);
        }));
      }
    }

    // binary contiguous (12 B/elt: read a, b; write out) and broadcast (a and out per element, b once)
    for (int size : new int[] {act, big}) {
      String shp = size == act ? actShape : bigShape;
      for (BinaryOp op : BinaryOp.values()) {
        list.add(new Case("binary " + op.name().toLowerCase(), shp, Bytes.binary(size), 0, () -> {
          Buffer a = pool.get("A", size), b = pool.get("B", size), o = pool.get("C", size);
          int[] shape = {size};
          long[] st = {1};
          return () -> be.binary(op, shape, a, 0, st, b, 0, st, o);
        }));
      }
    }
    {
      // bias add over channels: N×C×HW + 1×C×1 (D's BN2d(128) input: N×128×7×7)
      int c = 2 * w, hw = 49, size = n * c * hw;
      list.add(new Case("binary add, broadcast per channel", n + "×" + c + "×7×7 + " + c, Bytes.binaryBroadcast(size, c),
          0, () -> {
            Buffer a = pool.get("A", size), b = pool.get("B", c), o = pool.get("C", size);
            return () -> be.binary(BinaryOp.ADD, new int[] {n, c, hw}, a, 0, new long[] {(long) c * hw, hw, 1}, b, 0,
                new long[] {0, 1, 0}, o);
          }));
      int rows = big / 1024;
      list.add(new Case("binary add, broadcast row", rows + "×1024 + 1024", Bytes.binaryBroadcast(big, 1024), 0, () -> {
        Buffer a = pool.get("A", big), b = pool.get("B", 1024), o = pool.get("C", big);
        return () -> be.binary(BinaryOp.ADD, new int[] {rows, 1024}, a, 0, new long[] {1024, 1}, b, 0,
            new long[] {0, 1}, o);
      }));
    }

    // reductions (read all, write the results): per-sample sums, a bias gradient, a whole-tensor sum of squares
    int lin = sz.linOut();
    int[][] reduces = {
        {n, lin, 1}, {1, n, lin}, {1, Math.max(act, 65537), 1},
        {big / 4096, 4096, 1}, {1, 4096, big / 4096}, {1, big, 1}};
    for (int[] rd : reduces) {
      int outer = rd[0], len = rd[1], inner = rd[2];
      ReduceOp op = inner == 1 && outer == 1 ? ReduceOp.SUM_SQUARES : ReduceOp.SUM;
      list.add(new Case("reduce " + op.name().toLowerCase() + " (" + reducePath(outer, len, inner) + ")",
          "outer " + outer + ", len " + len + ", inner " + inner, Bytes.reduce(outer, len, inner), 0, () -> {
            long total = (long) outer * len * inner;
            Buffer x = pool.get("A", total), o = pool.get("B", (long) outer * inner);
            return () -> be.reduce(op, x, 0, outer, len, inner, o);
          }));
    }

    // copies: contiguous (cuMemcpyDtoD) at the activation size; strided: N×C×HW → C×N×HW and a 2-D transpose
    list.add(new Case("copyStrided contiguous (cuMemcpyDtoD)", actShape, Bytes.copy(act), 0, () -> {
      Buffer a = pool.get("A", act), b = pool.get("B", act);
      return () -> be.copyStrided(new int[] {act}, a, 0, new long[] {1}, b, 0, new long[] {1});
    }));
    {
      int c = 2 * w, hw = 49, size = n * c * hw;
      list.add(new Case("copyStrided permute (duel_copy_strided)", n + "×" + c + "×49 → " + c + "×" + n + "×49",
          Bytes.copy(size), 0, () -> {
            Buffer a = pool.get("A", size), b = pool.get("B", size);
            return () -> be.copyStrided(new int[] {n, c, hw}, a, 0, new long[] {(long) c * hw, hw, 1}, b, 0,
                new long[] {hw, (long) n * hw, 1});
          }));
      int rows = big / 4096, cols = 4096;
      list.add(new Case("copyStrided transpose (duel_copy_strided)", rows + "×" + cols + " → " + cols + "×" + rows,
          Bytes.copy(big), 0, () -> {
            Buffer a = pool.get("A", big), b = pool.get("B", big);
            return () -> be.copyStrided(new int[] {rows, cols}, a, 0, new long[] {cols, 1}, b, 0,
                new long[] {1, rows});
          }));
    }

    // random (write only): z ~ N(0, 1) at N×100, and every distribution at `big`
    int zn = n * 100;
    list.add(new Case("random normal (z)", n + "×100", Bytes.random(zn), 0, () -> {
      Buffer o = pool.get("A", zn);
      return () -> be.random(Distribution.NORMAL, 7, 0, 0f, 1f, o, zn);
    }));
    for (Distribution d : Distribution.values()) {
      list.add(new Case("random " + d.name().toLowerCase(), bigShape, Bytes.random(big), 0, () -> {
        Buffer o = pool.get("A", big);
        return () -> be.random(d, 7, 0, d == Distribution.BERNOULLI ? 0.5f : 0f, 1f, o, big);
      }));
    }

    // optimizer updates over D's and G's parameter counts and `big`: SGD 20 B/elt, Adam 28 B/elt
    int[] counts = {sz.dParams(), sz.gParams(), big};
    String[] who = {"D params", "G params", bigShape};
    for (int i = 0; i < 3; i++) {
      int cnt = counts[i];
      String shp = who[i] + " (" + cnt + ")";
      list.add(new Case("sgd update (momentum 0.9)", shp, Bytes.sgd(cnt), 0, () -> {
        Buffer p = pool.get("A", cnt), g = pool.get("B", cnt), v = pool.get("C", cnt);
        return () -> be.sgdUpdate(p, g, v, cnt, 1e-6f, 0.9f, 0f, 0f, false);
      }));
      list.add(new Case("adam update", shp, Bytes.adam(cnt), 0, () -> {
        Buffer p = pool.get("A", cnt), g = pool.get("B", cnt), m = pool.get("C", cnt), v = pool.get("D", cnt);
        return () -> be.adamUpdate(p, g, m, v, cnt, 1e-6f, 0.5f, 0.999f, 1e-8f, 0f, 1);
      }));
    }

    // nearest upsample ×2 and its backward: the small side once, the big side (4×) once
    int[][] ups = {{n, w, 14, 14}, {1, big / 4096, 32, 32}};
    for (int[] u : ups) {
      int un = u[0], uc = u[1], uh = u[2], uw = u[3];
      long in = (long) un * uc * uh * uw;
      String shp = un + "×" + uc + "×" + uh + "×" + uw + " ×2";
      list.add(new Case("upsample nearest fwd", shp, Bytes.upsample(in, 2), 0, () -> {
        Buffer x = pool.get("A", in), y = pool.get("B", 4 * in);
        return () -> be.upsampleNearest(un, uc, uh, uw, 2, x, y);
      }));
      list.add(new Case("upsample nearest bwd", shp, Bytes.upsample(in, 2), 0, () -> {
        Buffer gy = pool.get("A", 4 * in), gx = pool.get("B", in);
        return () -> be.upsampleNearestBackward(un, uc, uh, uw, 2, gy, gx);
      }));
    }

    // embedding: cgan-mlp's D Embedding(10, 784) with N labels; a 2^k-row table with a permutation.
    // The int32 indices are uploaded (cuMemcpyHtoD) by every call: part of what is timed.
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = i % 10;
    int bigRows = big / 1024;
    int[] perm = new int[bigRows];
    for (int i = 0; i < bigRows; i++) perm[i] = (int) ((long) i * 7919 % bigRows);
    Object[][] embs = {{labels, 10, 784, "10×784, " + n + " labels"}, {perm, bigRows, 1024, bigRows + "×1024, " + bigRows + " indices"}};
    for (Object[] e : embs) {
      int[] idx = (int[]) e[0];
      int rows = (Integer) e[1], dim = (Integer) e[2];
      list.add(new Case("embedding gather", (String) e[3], Bytes.gather(idx, dim), 0, () -> {
        Buffer wt = pool.get("A", (long) rows * dim), o = pool.get("B", (long) idx.length * dim);
        return () -> be.embeddingGather(wt, dim, idx, o);
      }));
      list.add(new Case("embedding scatter-add", (String) e[3], Bytes.scatterAdd(idx, dim), 0, () -> {
        Buffer g = pool.get("A", (long) idx.length * dim), gw = pool.get("B", (long) rows * dim);
        return () -> be.embeddingScatterAdd(g, dim, idx, gw);
      }));
    }

    // batch norm (kernelsOnly: duel_batchnorm_*): G's BN1d(6272), G's BN2d(64), D's BN2d(128), and 64×64×(big/4096)
    int[][] bns = {{n, lin, 1}, {n, w, 196}, {n, 2 * w, 49}, {64, 64, big / 4096}};
    for (int[] b : bns) {
      int bn = b[0], bc = b[1], bhw = b[2];
      long size = (long) bn * bc * bhw;
      String shp = "N " + bn + ", C " + bc + ", HW " + bhw;
      list.add(new Case("batchnorm fwd (train)", shp, Bytes.batchNormFwd(bn, bc, bhw), 0, () -> {
        Buffer x = pool.get("A", size), y = pool.get("B", size), g = pool.get("g", bc), bt = pool.get("b", bc),
            mean = pool.get("m", bc), inv = pool.get("i", bc), var = pool.get("v", bc);
        return () -> be.batchNormForward(bn, bc, bhw, 1e-5f, x, g, bt, y, mean, inv, var);
      }));
      list.add(new Case("batchnorm bwd", shp, Bytes.batchNormBwd(bn, bc, bhw), 0, () -> {
        Buffer x = pool.get("A", size), gy = pool.get("B", size), gx = pool.get("C", size), g = pool.get("g", bc),
            mean = pool.get("m", bc), inv = pool.get("i", bc), gg = pool.get("gg", bc), gb = pool.get("gb", bc);
        return () -> be.batchNormBackward(bn, bc, bhw, x, gy, g, mean, inv, gx, gg, gb);
      }));
    }

    // Duel's SGEMM at the dcgan28 Linear layers: G Linear(100, 6272) and D Linear(6272, 1), forward
    int[][] gemms = {{n, lin, 100}, {n, 1, lin}};
    String[] gemmNames = {"G Linear(100," + lin + ")", "D Linear(" + lin + ",1)"};
    for (int i = 0; i < gemms.length; i++) {
      int m = gemms[i][0], nn = gemms[i][1], k = gemms[i][2];
      list.add(new Case("sgemm " + gemmNames[i], "m " + m + ", n " + nn + ", k " + k, Bytes.gemm(m, nn, k),
          Bytes.gemmFlops(m, nn, k), () -> {
            Buffer a = pool.get("A", (long) m * k), b = pool.get("B", (long) k * nn), c = pool.get("C", (long) m * nn);
            return () -> be.gemm(false, false, m, nn, k, 1f, a, 0, k, 0, b, 0, nn, 0, 0f, c, 0, nn, 0, 1);
          }));
    }

    // im2col / col2im, reached through conv2d / conv2dBackwardData on the kernels: the time includes the
    // SGEMM between them (GpuGemmConv reports it as GFLOP/s against cuDNN); bytes count the column matrix twice
    ConvShape[] convs = {sz.conv1(), sz.conv2()};
    String[] convNames = {"D Conv2d(1," + w + ")", "D Conv2d(" + w + "," + 2 * w + ")"};
    for (int i = 0; i < convs.length; i++) {
      ConvShape s = convs[i];
      long xs = (long) s.n() * s.c() * s.h() * s.w(), ws = (long) s.k() * s.c() * s.r() * s.s(),
          ys = (long) s.n() * s.k() * s.p() * s.q();
      String shp = "N " + s.n() + ", C " + s.c() + ", " + s.h() + "×" + s.w() + ", K " + s.k() + ", 4×4/2";
      list.add(new Case("im2col + sgemm (conv2d fwd) " + convNames[i], shp, Bytes.convThroughColumns(s),
          Bytes.convFlops(s), () -> {
            Buffer x = pool.get("A", xs), wt = pool.get("B", ws), y = pool.get("C", ys);
            return () -> be.conv2d(s, x, wt, y);
          }));
      list.add(new Case("sgemm + col2im (conv2d bwd-data) " + convNames[i], shp, Bytes.convThroughColumns(s),
          Bytes.convFlops(s), () -> {
            Buffer gy = pool.get("A", ys), wt = pool.get("B", ws), gx = pool.get("C", xs);
            return () -> be.conv2dBackwardData(s, gy, wt, gx);
          }));
    }
    return list;
  }
}
