package dev.duel.bench.gpu;

import dev.duel.engine.Buffer;
import dev.duel.engine.ConvShape;
import dev.duel.engine.cuda.CudaBackend;
import dev.duel.engine.cuda.CudaBackends;
import dev.duel.engine.cuda.CudaOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Part 2 of the GPU report: Duel's SGEMM kernel ({@code CudaOptions.kernelsOnly()}) against the default
 * backend ({@code CudaOptions.defaults()}: cuBLAS when it loads — the table names the path it actually
 * took) at n = 1024 and 4096, GFLOP/s = 2n³/t; then conv2d forward, backward-data and backward-filter at
 * the four dcgan28 layers, cuDNN (defaults) against im2col + SGEMM (kernelsOnly), ms and GFLOP/s.
 * G's ConvTranspose2d(128,64,4,2,1) 7→14 is the backward-data of Conv2d(64,128,4,2,1) on 14×14 (its
 * input gradient is that conv's forward, its weight gradient that conv's backward-filter), and
 * ConvTranspose2d(64,1,4,2,1) 14→28 that of Conv2d(1,64,4,2,1) on 28×28: each distinct call is measured
 * once and shown under every layer that makes it. {@code --quick}: n = 64, 128 and batch 2.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *   -cp bench/target/original-duel-bench.jar:gan/target/duel-gan.jar:gan/target/lib/* \
 *   dev.duel.bench.gpu.GpuGemmConv --device cuda --budget-s 90 --out gpu-report.json
 * </pre>
 */
public final class GpuGemmConv {
  private GpuGemmConv() {}

  static final String NAME = "GpuGemmConv";

  public static void main(String[] args) {
    GpuReport.exit(run(args, System.out));
  }

  public static int run(String[] args, PrintStream out) {
    return GpuReport.run(NAME, args, 90, "", out, GpuGemmConv::body);
  }

  enum ConvOp { FWD, BWD_DATA, BWD_FILTER }

  /** A layer of dcgan28 and, per direction as the layer sees it, the conv call that computes it. */
  record Layer(String name, ConvShape shape, ConvOp fwd, ConvOp bwdData, ConvOp bwdFilter) {}

  static List<Layer> layers(int n, int w) {
    ConvShape c1 = new ConvShape(n, 1, 28, 28, w, 4, 4, 2, 2, 1, 1);
    ConvShape c2 = new ConvShape(n, w, 14, 14, 2 * w, 4, 4, 2, 2, 1, 1);
    return List.of(
        new Layer("G ConvTranspose2d(" + 2 * w + "," + w + ",4,2,1) 7→14", c2, ConvOp.BWD_DATA, ConvOp.FWD, ConvOp.BWD_FILTER),
        new Layer("G ConvTranspose2d(" + w + ",1,4,2,1) 14→28", c1, ConvOp.BWD_DATA, ConvOp.FWD, ConvOp.BWD_FILTER),
        new Layer("D Conv2d(1," + w + ",4,2,1) 28→14", c1, ConvOp.FWD, ConvOp.BWD_DATA, ConvOp.BWD_FILTER),
        new Layer("D Conv2d(" + w + "," + 2 * w + ",4,2,1) 14→7", c2, ConvOp.FWD, ConvOp.BWD_DATA, ConvOp.BWD_FILTER));
  }

  static void body(GpuReport r) {
    boolean quick = r.args().quick();
    String device = r.args().device();
    CudaBackend kernels = CudaBackends.get(device, CudaOptions.kernelsOnly());
    CudaBackend lib = CudaBackends.get(device, CudaOptions.defaults());
    r.header("SGEMM and convolution: Duel's kernels vs the libraries", lib, kernels);
    double sampleS = quick ? 0.002 : 0.02;
    int samples = quick ? 3 : 5;

    // ---- SGEMM, square, row-major C = A·B --------------------------------------------------------
    int[] sizes = quick ? new int[] {64, 128} : new int[] {1024, 4096};
    r.out().println("| SGEMM n | default backend's path | ms | GFLOP/s | Duel kernel ms | GFLOP/s | kernel / library time |");
    r.out().println("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
    for (int n : sizes) {
      if (r.expired()) {
        r.skipped("sgemm n=" + n, "out of time (--budget-s " + GpuReport.fmt(r.args().budgetS(), 0) + ")");
        continue;
      }
      long nn = (long) n * n;
      try (Buffer a = lib.allocate(nn); Buffer b = lib.allocate(nn); Buffer c = lib.allocate(nn)) {
        lib.random(dev.duel.engine.Distribution.UNIFORM, 1, 0, -1f, 1f, a, nn);
        lib.random(dev.duel.engine.Distribution.UNIFORM, 2, 0, -1f, 1f, b, nn);
        double flops = Bytes.gemmFlops(n, n, n);
        GpuReport.Timing tl = r.time(lib, () -> lib.gemm(false, false, n, n, n, 1f, a, 0, n, 0, b, 0, n, 0, 0f, c, 0, n, 0, 1),
            sampleS, samples);
        GpuReport.Timing tk = r.expired() ? null
            : r.time(kernels, () -> kernels.gemm(false, false, n, n, n, 1f, a, 0, n, 0, b, 0, n, 0, 0f, c, 0, n, 0, 1),
                sampleS, samples);
        double gl = flops / (tl.medianMs() / 1e3) / 1e9;
        double gk = tk == null ? Double.NaN : flops / (tk.medianMs() / 1e3) / 1e9;
        r.out().println("| " + n + " | " + lib.gemmPath() + " | " + GpuReport.ms(tl.medianMs()) + " | " + GpuReport.fmt(gl, 0)
            + " | " + (tk == null ? "skipped: out of time" : GpuReport.ms(tk.medianMs())) + " | " + GpuReport.fmt(gk, 0) + " | "
            + (tk == null ? "-" : GpuReport.fmt(tk.medianMs() / tl.medianMs(), 2) + "×") + " |");
        Map<String, Object> m = r.record("sgemm");
        m.put("n", n);
        m.put("flops", (long) flops);
        m.put("library_path", lib.gemmPath());
        m.put("library_ms", tl.medianMs());
        m.put("library_ms_best", tl.bestMs());
        m.put("library_gflops", gl);
        m.put("kernel_ms", tk == null ? null : tk.medianMs());
        m.put("kernel_ms_best", tk == null ? null : tk.bestMs());
        m.put("kernel_gflops", gk);
        r.json(m);
        r.out().flush();
      }
    }
    r.out().println();

    // ---- convolutions at the dcgan28 layers ------------------------------------------------------
    int batch = quick ? 2 : 64, w = quick ? 16 : 64;
    List<Layer> layers = layers(batch, w);
    Map<String, GpuReport.Timing> measured = new HashMap<>();   // "shape/op/path" -> timing (null: skipped)
    r.out().println("| layer (batch " + batch + ") | direction | conv call | GFLOP | library ms | GFLOP/s | kernels ms | GFLOP/s"
        + " | kernels / library time |");
    r.out().println("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    List<String> failures = new ArrayList<>();
    for (Layer layer : layers) {
      ConvOp[] ops = {layer.fwd(), layer.bwdData(), layer.bwdFilter()};
      String[] dirs = {"forward", "backward-data", "backward-filter"};
      for (int i = 0; i < 3; i++) {
        ConvShape s = layer.shape();
        ConvOp op = ops[i];
        GpuReport.Timing tl = conv(r, measured, lib, "library", s, op, sampleS, samples, failures);
        GpuReport.Timing tk = conv(r, measured, kernels, "kernels", s, op, sampleS, samples, failures);
        double flops = Bytes.convFlops(s);
        double gl = tl == null ? Double.NaN : flops / (tl.medianMs() / 1e3) / 1e9;
        double gk = tk == null ? Double.NaN : flops / (tk.medianMs() / 1e3) / 1e9;
        String call = "conv2d " + op.name().toLowerCase().replace('_', '-') + " C" + s.c() + " " + s.h() + "×" + s.w()
            + " K" + s.k();
        r.out().println("| " + layer.name() + " | " + dirs[i] + " | " + call + " | " + GpuReport.fmt(flops / 1e9, 3) + " | "
            + (tl == null ? "skipped" : GpuReport.ms(tl.medianMs())) + " | " + GpuReport.fmt(gl, 0) + " | "
            + (tk == null ? "skipped" : GpuReport.ms(tk.medianMs())) + " | " + GpuReport.fmt(gk, 0) + " | "
            + (tl == null || tk == null ? "-" : GpuReport.fmt(tk.medianMs() / tl.medianMs(), 2) + "×") + " |");
        Map<String, Object> m = r.record("conv");
        m.put("layer", layer.name());
        m.put("direction", dirs[i]);
        m.put("conv_op", op.name());
        m.put("shape", s.toString());
        m.put("flops", (long) flops);
        m.put("library_path", lib.convPath());
        m.put("library_ms", tl == null ? null : tl.medianMs());
        m.put("library_gflops", gl);
        m.put("kernel_ms", tk == null ? null : tk.medianMs());
        m.put("kernel_gflops", gk);
        r.json(m);
        r.out().flush();
      }
    }
    r.out().println();
    r.out().println("Library path after the run: gemm=" + lib.gemmPath() + ", conv=" + lib.convPath()
        + " (cuDNN drops to Duel's kernels for the rest of the JVM if its first call fails)."
        + (r.expired() ? " Some rows were skipped: out of time (--budget-s " + GpuReport.fmt(r.args().budgetS(), 0) + ")." : ""));
    for (String f : failures) r.out().println("- failed: " + f);
  }

  /** Times one conv call on one backend, once per (shape, op, path); null when out of time or failed. */
  private static GpuReport.Timing conv(GpuReport r, Map<String, GpuReport.Timing> measured, CudaBackend be, String path,
                                       ConvShape s, ConvOp op, double sampleS, int samples, List<String> failures) {
    String key = s + "/" + op + "/" + path;
    if (measured.containsKey(key)) return measured.get(key);
    GpuReport.Timing t = null;
    if (!r.expired()) {
      long xs = (long) s.n() * s.c() * s.h() * s.w(), ws = (long) s.k() * s.c() * s.r() * s.s(),
          ys = (long) s.n() * s.k() * s.p() * s.q();
      try (Buffer x = be.allocate(xs); Buffer w = be.allocate(ws); Buffer y = be.allocate(ys)) {
        be.random(dev.duel.engine.Distribution.UNIFORM, 3, 0, -1f, 1f, x, xs);
        be.random(dev.duel.engine.Distribution.UNIFORM, 4, 0, -1f, 1f, w, ws);
        be.random(dev.duel.engine.Distribution.UNIFORM, 5, 0, -1f, 1f, y, ys);
        Runnable call = switch (op) {
          case FWD -> () -> be.conv2d(s, x, w, y);
          case BWD_DATA -> () -> be.conv2dBackwardData(s, y, w, x);
          case BWD_FILTER -> () -> be.conv2dBackwardFilter(s, x, y, w);
        };
        t = r.time(be, call, sampleS, samples);
      } catch (RuntimeException e) {
        failures.add(path + " " + op + " " + s + ": " + e.getMessage());
      }
    }
    measured.put(key, t);
    return t;
  }
}
