package dev.duel.engine.cpu;

import dev.duel.engine.ConvShape;
import dev.duel.engine.UnaryOp;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolution on the CPU, NCHW, weights K×C×R×S, dilation 1, as implicit GEMMs on {@link GemmDriver}
 * (all cores). See {@link dev.duel.engine.Backend#conv2d}; {@link CpuReference#conv2d} is the naive reference.
 *
 * <pre>
 * Shape legend: N batch, C in-channels, H×W input, K out-channels, R×S kernel, P×Q output; CRS = C·R·S,
 * PQ = P·Q, NPQ = N·PQ. col = im2col(x) (CRS × NPQ), gy' = gy viewed as K × NPQ.
 *   forward         batched:    y'[K × NPQ] = w · col, then y' → y
 *                   per image:  y_nᵀ[PQ × K] = col_nᵀ · wᵀ (wᵀ packed once), then y_nᵀ → y_n
 *                   per image, NCHW:  y_n[K × PQ] = w · col_n, straight into y (a short CRS)
 *   backwardFilter  gw[K × CRS] = gy' · colᵀ, or gwᵀ = col · gy'ᵀ: a sum over n·p·q split over
 *                   threads; for a short CRS, gwᵀ = Σ_n col_n · gy_nᵀ, one GEMM per image
 *   backwardData    gcol_nᵀ[PQ × CRS] = gy_n'ᵀ · w (w packed once), then col2im(gcol_nᵀ) → gx_n,
 *                   per image, or for chunks of images when the batch is small
 * 4×4 stride-2 with 7×7 outputs and enough channels: the forward and backwardFilter by Winograd over the input's
 * phases ({@link PhaseWinograd}).
 * </pre>
 *
 * col and gy' are packed straight from a zero-padded copy of x and from gy through index tables
 * ({@link IndexedMatrix}), so im2col is never stored. The per-image forms run one serial GEMM per
 * image on each thread: no barriers inside, and all of an image's data stays in cache. Which form
 * runs is chosen per shape (measured on dcgan28's layers, see docs/benchmarks.md); every form is
 * tested. Each method overwrites its output. Scratch buffers are per thread and reused. A bias (the forward's,
 * per output channel; the transposed convolution's, per input channel) and the forward's activation (ReLU or
 * LeakyReLU) are applied as each image's output is written, while it is in cache, never in a pass of their own.
 */
public final class Conv2dCpu {
  private Conv2dCpu() {}

  /**
   * How a call is computed; AUTO picks per shape. The others exist so that tests run every form. PER_IMAGE_NCHW, one
   * GEMM per image on the tensors' own layouts, is a form of the forward and of backwardFilter; backwardData takes it
   * as AUTO. WINOGRAD is {@link PhaseWinograd}'s forward or backwardFilter for a 4×4 stride-2 shape (its tile by {@link
   * PhaseWinograd#tileFor}); backwardData and any other shape take AUTO.
   */
  enum Path { AUTO, BATCHED, PER_IMAGE, PER_IMAGE_NCHW, DIRECT, WINOGRAD }

  /**
   * Output channels up to which AUTO computes directly ({@link #forwardDirect}): with K this small a GEMM
   * wastes most of its micro-tile (one useful column of NR = 32, or one row of 4 or 8) and packs an
   * im2col as large as the work itself; a PatchGAN's logit layer has K = 1.
   */
  static final int DIRECT_MAX_K = 4;
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  /** Floats of gcolᵀ that the chunked backwardData keeps at once (4 MiB): a chunk of images fits in L3. */
  private static final int GCOL_CHUNK_FLOATS = 1 << 20;
  /**
   * Floats a thread copies or adds before sharing a loop is worth it (~10 µs): smaller copies run
   * inline, since each parallel loop waits for its slowest thread, costly on a busy machine.
   */
  private static final int COPY_GRAIN = 1 << 15;
  /** Scratch floats (y_nᵀ or gcol_nᵀ, 512 KB) a per-image GEMM over several images may fill: half a Zen 4/5 core's L2. */
  private static final long IMAGES_SCRATCH_FLOATS = 1 << 17;
  /**
   * The most images one per-image GEMM stacks ({@link #imagesPerGemm}); 1 is one image per GEMM, the form before
   * stacking, which ConvImagesExperiment (bench) sets for its A/B in one JVM.
   */
  static volatile int maxImagesPerGemm = SgemmKernel.ROWS;
  /**
   * C·R·S from which AUTO takes PER_IMAGE for the forward and backwardData (a long sum per output); below it, with
   * enough images, PER_IMAGE_NCHW for the forward and backwardFilter.
   */
  private static final int LONG_SUM = 256;

  /** Whether AUTO may take the Winograd forms ({@link #winogradForward}); -Dduel.conv.winograd=false: the direct paths. */
  static volatile boolean winograd = !"false".equals(System.getProperty("duel.conv.winograd"));
  /**
   * The fewest channels (input and output) for which AUTO takes the Winograd forms: 32, where they were measured.
   * Tests set 1 to run them through autograd on shapes small enough for float64 finite differences.
   */
  public static volatile int winogradChannels = 32;

  /** What AUTO chooses, for {@code duel info}: the Winograd shapes and whether they are on. */
  public static String describe() {
    return winograd
        ? "implicit GEMM; 4×4 stride-2 with 7×7 outputs and ≥ " + winogradChannels + " channels: forward and weight"
            + " gradient by Winograd F(7×7, 2×2) / F(2×2, 7×7) over the input's phases (-Dduel.conv.winograd=false: off)"
        : "implicit GEMM (Winograd off: -Dduel.conv.winograd=false)";
  }

  /** Whether AUTO takes {@link PhaseWinograd#backwardFilter}: the shapes of {@link #winogradForward}. */
  public static boolean winogradFilter(ConvShape s) {
    return winogradForward(s);
  }

  /**
   * Whether AUTO computes a forward by {@link PhaseWinograd}: a 4×4 stride-2 convolution with at least {@link
   * #winogradChannels} channels on both sides (the transforms small beside the products) whose output takes F(7, 2)
   * tiles (7×7 outputs: dcgan28's 64→128 layer, measured in docs/benchmarks.md, session 16). F(4, 2) was not faster
   * there for the forward, and backwardData by Winograd (built twice, measured, removed) was not faster than the
   * direct path.
   */
  public static boolean winogradForward(ConvShape s) {
    return winograd && PhaseWinograd.eligible(s) && s.c() >= winogradChannels && s.k() >= winogradChannels
        && PhaseWinograd.tileFor(s.p(), s.q()) == WinogradTransform.F7;
  }

  /** Whether the batch gives every thread at least two images: the per-image forms spread images, not work in one. */
  private static boolean enoughImages(ConvShape s) {
    return s.n() >= 2 * CpuPool.threads();
  }

  /**
   * The forward's form under AUTO (not DIRECT or Winograd). Per image pays a PQ×K transpose per image, worth it when
   * each output is a long sum (CRS large). With a short sum (CRS < 256: dcgan28's 1→64 layer has 16) the output is most
   * of the traffic, and one GEMM per image written straight into y beats the batched GEMM and its copy of y' (in one
   * JVM on the Intel Xeon of docs/benchmarks.md, session 13: 346–468 µs against 556–609 µs for that layer at batch 64;
   * at CRS = 1024 it was slower, 6.9 against 4.8 ms). Too few images for every thread keep the batched form, and so do
   * long sums with too few output pixels for the weights ({@link #fewPixels}).
   */
  static Path forwardForm(ConvShape s) {
    if (!enoughImages(s)) return Path.BATCHED;
    if (s.c() * s.r() * s.s() < LONG_SUM) return Path.PER_IMAGE_NCHW;
    return fewPixels(s) ? Path.BATCHED : Path.PER_IMAGE;
  }

  /**
   * backwardData's form under AUTO (not DIRECT). Per image keeps each image's gcolᵀ (PQ × CRS) in L2; with a short CRS
   * the chunked form is as fast, and with {@link #fewPixels} it is faster.
   */
  static Path backwardDataForm(ConvShape s) {
    return enoughImages(s) && s.c() * s.r() * s.s() >= LONG_SUM && !fewPixels(s) ? Path.PER_IMAGE : Path.BATCHED;
  }

  /**
   * Fewer than 8 output pixels per output channel over the batch (N·P·Q < 8·K), where the per-image forms (PER_IMAGE,
   * CRS ≥ 256) lose: they pack the K×CRS weights whole on one thread, then stream them through GEMMs of a few rows
   * (each weight meets N·P·Q pixels), where the batched GEMM packs them in parallel and fills its tiles. pix2pix's
   * U-Net bottleneck at batch 16 (docs/benchmarks.md, session 17: 256 → 256 channels on 2×2 inputs, N·P·Q = 16) took
   * 1.18 ms per image (0.47 of it the packing) and 0.46 ms batched for the forward, 1.07 and 0.36 ms for backwardData;
   * at N·P·Q = 4·K the batched forms were 4–17% faster, at 8·K within 10% either way, from 16·K the per-image forms
   * were 10–25% faster (dcgan28's 64 → 128 layer has N·P·Q = 24.5·K).
   */
  static boolean fewPixels(ConvShape s) {
    return (long) s.n() * s.p() * s.q() < 8L * s.k();
  }

  /**
   * backwardFilter's batched GEMM, one of two ways round:
   * <pre>
   *   gw  [K × CRS] = gy'  · colᵀ   gy' packs by contiguous runs, colᵀ (NPQ × CRS) is gathered
   *   gwᵀ [CRS × K] = col · gy'ᵀ    col packs by runs of S, gy'ᵀ (NPQ × K) is gathered, then gwᵀ is transposed into gw
   * </pre>
   * The one that moves fewer floats: gathering NPQ·K and transposing K·CRS against gathering NPQ·CRS. (Comparing the
   * gathers alone took the transposed way whenever CRS > K, and at pix2pix's U-Net bottleneck, K·CRS = 1M weights
   * against N·P·Q = 16 pixels, the transpose was most of the call: 3.70 ms, 0.28 ms the other way round.)
   */
  static boolean filterTransposed(int npq, int crs, int kk) {
    return (long) npq * kk + (long) crs * kk < (long) npq * crs;
  }

  /** Four lanes: col2im adds kernel rows, S = 4 in dcgan28's layers. */
  private static final VectorSpecies<Float> Q4 = FloatVector.SPECIES_128;

  /** y[n,k,p,q] = Σ_{c,r,s} x[n,c,p·sh+r−ph, q·sw+s−pw] · w[k,c,r,s]. Overwrites y. */
  public static void forward(ConvShape s, float[] x, float[] w, float[] y) {
    forward(s, x, w, null, null, 0f, y, Path.AUTO);
  }

  /**
   * {@link #forward} plus bias[k] on every output of channel k, added as each image's output is written (while it
   * is in cache) rather than in a pass of its own: y = (Σ …) + bias[k], the same float sum as conv2d then add.
   */
  public static void forward(ConvShape s, float[] x, float[] w, float[] bias, float[] y) {
    forward(s, x, w, bias, null, 0f, y, Path.AUTO);
  }

  /**
   * {@link #forward} with a bias, then y = act(y) (RELU or LEAKY_RELU with slope alpha, or none when act is null),
   * applied to each image's output as it is written: the same floats as the three ops in turn, in one pass over y.
   */
  public static void forward(ConvShape s, float[] x, float[] w, float[] bias, UnaryOp act, float alpha, float[] y) {
    forward(s, x, w, bias, act, alpha, y, Path.AUTO);
  }

  /** gx = ∂/∂x of Σ gy·conv2d(x, w), the transposed convolution of gy with w. Overwrites gx. */
  public static void backwardData(ConvShape s, float[] gy, float[] w, float[] gx) {
    backwardData(s, gy, w, null, gx, Path.AUTO);
  }

  /** {@link #backwardData} plus bias[c] on every element of channel c (a transposed convolution's bias), fused. */
  public static void backwardData(ConvShape s, float[] gy, float[] w, float[] bias, float[] gx) {
    backwardData(s, gy, w, bias, gx, Path.AUTO);
  }

  /** gw[k,c,r,s] = Σ_{n,p,q} gy[n,k,p,q] · x[n,c,p·sh+r−ph, q·sw+s−pw]. Overwrites gw. */
  public static void backwardFilter(ConvShape s, float[] x, float[] gy, float[] gw) {
    backwardFilter(s, x, gy, gw, Path.AUTO);
  }

  // ---- forward ------------------------------------------------------------------------------------

  static void forward(ConvShape s, float[] x, float[] w, float[] y, Path path) {
    forward(s, x, w, null, null, 0f, y, path);
  }

  /** The forward by the given path, with a bias of K floats or none (null). */
  static void forward(ConvShape s, float[] x, float[] w, float[] bias, float[] y, Path path) {
    forward(s, x, w, bias, null, 0f, y, path);
  }

  /** The forward by the given path, with a bias of K floats or none (null), and an activation or none (null). */
  static void forward(ConvShape s, float[] x, float[] w, float[] bias, UnaryOp act, float alpha, float[] y, Path path) {
    check("forward", s, x, "x", w, "w", y, "y");
    checkBias("forward", s, bias, s.k());
    if (act != null) CpuKernels.requireFusedActivation("conv2d", act);
    if (s.n() == 0) return;
    if (path == Path.WINOGRAD ? PhaseWinograd.eligible(s) : path == Path.AUTO && winogradForward(s)) {
      PhaseWinograd.forward(s, x, w, bias, act, alpha, y);
      return;
    }
    if (path == Path.WINOGRAD) path = Path.AUTO;
    Tables t = Tables.of(s, Workspace.get());
    float[] xp = t.padded(x);
    int crs = t.crs, kk = s.k(), pq = t.pq, npq = s.n() * pq;
    if (path == Path.DIRECT || (path == Path.AUTO && kk <= DIRECT_MAX_K)) {
      forwardDirect(s, t, xp, w, bias, y);
      activate(y, 0, s.n() * kk * pq, act, alpha);
      return;
    }
    if (path == Path.AUTO) path = forwardForm(s);
    if (path == Path.PER_IMAGE && kk <= GemmDriver.NC) {
      float[] wPacked = t.ws.wPacked(GemmDriver.wholeBSize(kk, crs) + HeapAlignment.SLACK_FLOATS);
      int wOff = HeapAlignment.floatsToLine(wPacked);
      Sgemm.MatrixB wT = new Sgemm.MatrixB();
      wT.set(true, w, 0, crs);
      GemmDriver.packWholeB(wT, kk, crs, wPacked, wOff);
      forImageGroups(s.n(), pq, kk, (n0, images, yt) -> {
        // y_nᵀ[pq, k] = Σ_crs x_n[base(pq) + off(crs)] · w[k, crs] for the images n0 … n0+images−1, stacked
        IndexedMatrix rows = new IndexedMatrix(xp, t.base, n0 * pq, t.off, 0);
        GemmDriver.gemmPackedB(images * pq, kk, crs, 1f, rows, wPacked, wOff, 0f, yt, 0, kk);
        for (int i = 0; i < images; i++)
          for (int k = 0; k < kk; k++) {
            int out = ((n0 + i) * kk + k) * pq, at = i * pq * kk + k;
            if (bias == null) {
              for (int j = 0; j < pq; j++) y[out + j] = yt[at + j * kk];
            } else {
              float b = bias[k];
              for (int j = 0; j < pq; j++) y[out + j] = yt[at + j * kk] + b;
            }
          }
        activate(y, n0 * kk * pq, images * kk * pq, act, alpha);
      });
      return;
    }
    IndexedMatrix col = new IndexedMatrix(xp, t.off, 0, t.base, 0);
    Sgemm.MatrixA wA = new Sgemm.MatrixA();
    wA.set(false, w, 0, crs);
    if (s.n() == 1) {
      GemmDriver.gemm(kk, npq, crs, 1f, wA, col, 0f, y, 0, npq);
      addBias(y, 0, kk, pq, bias);
      activate(y, 0, kk * pq, act, alpha);
      return;
    }
    if (path == Path.PER_IMAGE_NCHW) {
      // y_n[K × PQ] = w · col_n for each image, written where y_n lives; the images spread over the threads.
      CpuPool.parallelFor(s.n(), 1, (from, to) -> {
        for (int img = from; img < to; img++) {
          IndexedMatrix colN = new IndexedMatrix(xp, t.off, 0, t.base, img * pq);
          GemmDriver.gemm(kk, pq, crs, 1f, wA, colN, 0f, y, img * kk * pq, pq);
          addBias(y, img * kk * pq, kk, pq, bias);
          activate(y, img * kk * pq, kk * pq, act, alpha);
        }
      });
      return;
    }
    float[] yt = t.ws.temp(kk * npq);
    GemmDriver.gemm(kk, npq, crs, 1f, wA, col, 0f, yt, 0, npq);
    // y'[k, n·PQ + pq] → y[n, k, pq]
    CpuPool.parallelFor(s.n() * kk, Math.max(1, COPY_GRAIN / pq), (from, to) -> {
      for (int nk = from; nk < to; nk++) {
        int n = nk / kk, k = nk % kk;
        copyPlusBias(yt, k * npq + n * pq, y, nk * pq, pq, bias, k);
        activate(y, nk * pq, pq, act, alpha);
      }
    });
  }

  /** One group of the per-image forms: images n0 … n0+images−1, and this thread's scratch for their PQ×width output. */
  private interface ImageGroup {
    void run(int n0, int images, float[] scratch);
  }

  /**
   * The per-image forms' loop: the n images in groups of {@link #imagesPerGemm} (the last may be smaller), the
   * groups spread over the pool, each thread with its own scratch of g·PQ·width floats.
   */
  private static void forImageGroups(int n, int pq, int width, ImageGroup body) {
    int g = imagesPerGemm(n, pq, (long) pq * width);
    CpuPool.parallelFor((n + g - 1) / g, 1, (from, to) -> {
      float[] scratch = Workspace.get().temp(g * pq * width);
      for (int group = from; group < to; group++) body.run(group * g, Math.min(g, n - group * g), scratch);
    });
  }

  /**
   * Images stacked into one GEMM by the per-image forms (m = g·PQ rows of output pixels): the g whose m wastes the
   * least of its last row tile, the smallest among equals. The micro-tile has mr rows, so m = PQ = 49 (dcgan28's
   * 7×7 outputs) computes 56 rows for 49 (12.5% of the tile work idle) where 8 images fill every tile. g is capped
   * so that its scratch (g·floatsPerImage) stays within {@link #IMAGES_SCRATCH_FLOATS} and every thread gets at
   * least two groups. The sums do not change: each output is the same dot product, whatever rows share a tile.
   */
  static int imagesPerGemm(int n, int pq, long floatsPerImage) {
    int mr = SgemmKernel.ROWS;
    long cap = Math.min(Math.min(maxImagesPerGemm, mr), Math.min(IMAGES_SCRATCH_FLOATS / floatsPerImage,
        n / (2L * CpuPool.threads())));
    int best = 1;
    long bestIdle = idleRows(pq, mr) * 1L;   // compared as idle rows per image: idle(g·pq)/g, cross-multiplied
    for (int g = 2; g <= cap; g++) {
      if ((long) idleRows(g * pq, mr) * best < bestIdle * g) {
        best = g;
        bestIdle = idleRows(g * pq, mr);
      }
    }
    return best;
  }

  /** Rows of the last mr-row tile of an m-row product that hold no output. */
  private static int idleRows(int m, int mr) {
    return (mr - m % mr) % mr;
  }

  // ---- backwardFilter -----------------------------------------------------------------------------

  static void backwardFilter(ConvShape s, float[] x, float[] gy, float[] gw, Path path) {
    check("backwardFilter", s, x, "x", gw, "gw", gy, "gy");
    int kk = s.k(), crs = s.c() * s.r() * s.s();
    if (s.n() == 0) {
      Arrays.fill(gw, 0, kk * crs, 0f);
      return;
    }
    if (path == Path.WINOGRAD ? PhaseWinograd.eligible(s) : path == Path.AUTO && winogradFilter(s)) {
      PhaseWinograd.backwardFilter(s, x, gy, gw);
      return;
    }
    if (path == Path.WINOGRAD) path = Path.AUTO;
    Tables t = Tables.of(s, Workspace.get());
    float[] xp = t.padded(x);
    if (path == Path.DIRECT || (path == Path.AUTO && kk <= DIRECT_MAX_K)) {
      backwardFilterDirect(s, t, xp, gy, gw);
      return;
    }
    if (path == Path.PER_IMAGE_NCHW || (path == Path.AUTO && crs < LONG_SUM && enoughImages(s))) {
      backwardFilterImages(s, t, xp, gy, gw);
      return;
    }
    int npq = s.n() * t.pq;
    boolean transposed = filterTransposed(npq, crs, kk);
    int rows = transposed ? crs : kk, cols = transposed ? kk : crs;
    float[] out = transposed ? t.ws.temp2(crs * kk) : gw;
    // The sum over n·p·q is split into independent serial GEMMs, one partial result each (PER_IMAGE,
    // the default: no barriers inside), or left to one parallel GEMM (BATCHED).
    int splits = path == Path.BATCHED ? 1 : Math.max(1, Math.min(2 * CpuPool.threads(), npq / 512));
    if (splits == 1) {
      GemmDriver.gemm(rows, cols, npq, 1f, filterA(t, xp, gy, transposed, 0),
          filterB(t, xp, gy, transposed, 0), 0f, out, 0, cols);
    } else {
      int size = rows * cols;
      float[] partial = t.ws.temp((splits - 1) * size);
      CpuPool.parallelTasks(splits, (from, to) -> {
        for (int sp = from; sp < to; sp++) {
          int j0 = (int) ((long) sp * npq / splits), j1 = (int) ((long) (sp + 1) * npq / splits);
          GemmDriver.gemm(rows, cols, j1 - j0, 1f, filterA(t, xp, gy, transposed, j0),
              filterB(t, xp, gy, transposed, j0), 0f, sp == 0 ? out : partial, sp == 0 ? 0 : (sp - 1) * size, cols);
        }
      });
      int n = splits;
      CpuPool.parallelFor(size, COPY_GRAIN, (from, to) -> {
        for (int sp = 1; sp < n; sp++) {
          int at = (sp - 1) * size;
          for (int i = from; i < to; i++) out[i] += partial[at + i];
        }
      });
    }
    if (transposed) {
      // gwᵀ[crs, k] → gw[k, crs]
      CpuPool.parallelFor(kk, Math.max(1, COPY_GRAIN / crs), (from, to) -> {
        for (int k = from; k < to; k++)
          for (int i = 0; i < crs; i++) gw[k * crs + i] = out[i * kk + k];
      });
    }
  }

  /**
   * backwardFilter for a short C·R·S, one GEMM per image on the tensors' own layouts: gwᵀ[CRS × K] = Σ_n col_n ·
   * gy_nᵀ, where gy_n, the K × PQ block of image n in gy, is read transposed (packed by register transposes, {@link
   * SgemmTranspose}) and col_n (CRS × PQ) by runs of S. The images are cut into ranges, each summed into its own
   * partial gwᵀ by one thread; then gw[k, crs] = Σ of the partials in range order. For dcgan28's 1→64 layer (CRS =
   * 16) the batched forms pack gy' by 4×4 transposes or gathers and fill half of each tile (16 of NR = 32 columns).
   */
  private static void backwardFilterImages(ConvShape s, Tables t, float[] xp, float[] gy, float[] gw) {
    int kk = s.k(), crs = t.crs, pq = t.pq, n = s.n(), size = crs * kk;
    int parts = Math.min(2 * CpuPool.threads(), n);
    float[] partial = t.ws.temp2(parts * size);
    CpuPool.parallelTasks(parts, (from, to) -> {
      for (int part = from; part < to; part++) {
        int n0 = (int) ((long) part * n / parts), n1 = (int) ((long) (part + 1) * n / parts);
        Sgemm.MatrixB gyT = new Sgemm.MatrixB();
        for (int img = n0; img < n1; img++) {
          gyT.set(true, gy, img * kk * pq, pq);
          IndexedMatrix col = new IndexedMatrix(xp, t.off, 0, t.base, img * pq);
          GemmDriver.gemm(crs, kk, pq, 1f, col, gyT, img == n0 ? 0f : 1f, partial, part * size, kk);
        }
      }
    });
    CpuPool.parallelFor(kk, Math.max(1, COPY_GRAIN / (crs * parts)), (from, to) -> {
      for (int k = from; k < to; k++) {
        for (int i = 0; i < crs; i++) {
          float v = partial[i * kk + k];
          for (int part = 1; part < parts; part++) v += partial[part * size + i * kk + k];
          gw[k * crs + i] = v;
        }
      }
    });
  }

  /** A of backwardFilter from pixel j0 on: gy' (rows k) or, transposed, col (rows crs). */
  private static IndexedMatrix filterA(Tables t, float[] xp, float[] gy, boolean transposed, int j0) {
    return transposed ? new IndexedMatrix(xp, t.off, 0, t.base, j0)
                      : new IndexedMatrix(gy, t.kRow, 0, t.gyBase, j0);
  }

  /** B of backwardFilter from pixel j0 on: colᵀ (columns crs) or, transposed, gy'ᵀ (columns k). */
  private static IndexedMatrix filterB(Tables t, float[] xp, float[] gy, boolean transposed, int j0) {
    return transposed ? new IndexedMatrix(gy, t.gyBase, j0, t.kRow, 0)
                      : new IndexedMatrix(xp, t.base, j0, t.off, 0);
  }

  // ---- backwardData -------------------------------------------------------------------------------

  static void backwardData(ConvShape s, float[] gy, float[] w, float[] gx, Path path) {
    backwardData(s, gy, w, null, gx, path);
  }

  /** backwardData by the given path, with a bias of C floats or none (null). */
  static void backwardData(ConvShape s, float[] gy, float[] w, float[] bias, float[] gx, Path path) {
    check("backwardData", s, gx, "gx", w, "w", gy, "gy");
    checkBias("backwardData", s, bias, s.c());
    if (s.n() == 0) return;
    if (path == Path.PER_IMAGE_NCHW || path == Path.WINOGRAD) path = Path.AUTO;
    Tables t = Tables.of(s, Workspace.get());
    int crs = t.crs, pq = t.pq, kk = s.k();
    if (path == Path.DIRECT || (path == Path.AUTO && kk <= DIRECT_MAX_K)) {
      backwardDataDirect(s, t, gy, w, bias, gx);
      return;
    }
    if (path == Path.AUTO) path = backwardDataForm(s);
    if (path == Path.PER_IMAGE && crs <= GemmDriver.NC) {
      float[] wPacked = t.ws.wPacked(GemmDriver.wholeBSize(crs, kk) + HeapAlignment.SLACK_FLOATS);
      int wOff = HeapAlignment.floatsToLine(wPacked);
      Sgemm.MatrixB wB = new Sgemm.MatrixB();
      wB.set(false, w, 0, crs);
      GemmDriver.packWholeB(wB, crs, kk, wPacked, wOff);
      forImageGroups(s.n(), pq, crs, (n0, images, gcol) -> {
        // gcol_nᵀ[pq, crs] = Σ_k gy[n, k, pq] · w[k, crs] for the images n0 … n0+images−1, stacked
        IndexedMatrix gyT = new IndexedMatrix(gy, t.gyBase, n0 * pq, t.kRow, 0);
        GemmDriver.gemmPackedB(images * pq, crs, kk, 1f, gyT, wPacked, wOff, 0f, gcol, 0, crs);
        for (int i = 0; i < images; i++) col2imImage(s, gcol, i * pq * crs, n0 + i, bias, gx);
      });
      return;
    }
    int chunk = Math.max(1, Math.min(s.n(), GCOL_CHUNK_FLOATS / (crs * pq)));
    float[] gcol = t.ws.temp(chunk * pq * crs);
    Sgemm.MatrixB wB = new Sgemm.MatrixB();
    wB.set(false, w, 0, crs);
    for (int n0 = 0; n0 < s.n(); n0 += chunk) {
      int cn = Math.min(chunk, s.n() - n0);
      // gcolᵀ[j, crs] = Σ_k gy[n0 + j / PQ, k, j % PQ] · w[k, crs] for the images n0 … n0+cn−1
      IndexedMatrix gyT = new IndexedMatrix(gy, t.gyBase, n0 * pq, t.kRow, 0);
      GemmDriver.gemm(cn * pq, crs, kk, 1f, gyT, wB, 0f, gcol, 0, crs);
      int first = n0;
      CpuPool.parallelFor(cn, 1, (from, to) -> {
        for (int nl = from; nl < to; nl++) col2imImage(s, gcol, nl * pq * crs, first + nl, bias, gx);
      });
    }
  }

  /**
   * gx[n, c, ih, iw] = Σ_{p,q,r,s: p·sh+r−ph = ih, q·sw+s−pw = iw} gcolᵀ[(p,q), (c,r,s)] for one
   * image n, whose gcolᵀ rows (one per output pixel, C·R·S long) start at gcol[at]; plus bias[c] unless it is null.
   */
  private static void col2imImage(ConvShape s, float[] gcol, int at, int n, float[] bias, float[] gx) {
    int cc = s.c(), h = s.h(), w = s.w(), rr = s.r(), ss = s.s(), crs = cc * rr * ss;
    int hp = h + 2 * s.padH(), wp = w + 2 * s.padW(), plane = hp * wp;
    // Into a zero-padded image, where every kernel row lands whole (p·sh + r < Hp, q·sw + s < Wp): no clipping at
    // the borders, and with S = 4 one 4-float add per kernel row with no inner loop; the adds reach each element in
    // the same order as before, so the sums do not change. Then the interior is copied out. For dcgan28's 64→128
    // layer at batch 64 on the Zen 4 (one thread) col2im went from 2.3 to 1.3 ms, its GEMMs taking 8.
    float[] pad = Workspace.get().col2im(cc * plane);
    Arrays.fill(pad, 0, cc * plane, 0f);
    int vec = ss - ss % Q4.length();
    for (int p = 0; p < s.p(); p++) {
      int ih0 = p * s.strideH();
      for (int q = 0; q < s.q(); q++, at += crs) {
        int corner = ih0 * wp + q * s.strideW();
        if (ss == 4) {
          // 4-wide kernels (every GAN layer here): one 4-float add per kernel row; the C·R rows of gcol in order.
          for (int c = 0, src = at; c < cc; c++) {
            for (int r = 0, dst = c * plane + corner; r < rr; r++, dst += wp, src += 4) {
              FloatVector.fromArray(Q4, pad, dst).add(FloatVector.fromArray(Q4, gcol, src)).intoArray(pad, dst);
            }
          }
          continue;
        }
        for (int c = 0; c < cc; c++) {
          int dst0 = c * plane + corner, src = at + c * rr * ss;
          for (int r = 0; r < rr; r++) {
            int dst = dst0 + r * wp, row = src + r * ss, t = 0;
            for (; t < vec; t += Q4.length()) {
              FloatVector.fromArray(Q4, pad, dst + t).add(FloatVector.fromArray(Q4, gcol, row + t)).intoArray(pad, dst + t);
            }
            for (; t < ss; t++) pad[dst + t] += gcol[row + t];
          }
        }
      }
    }
    int out = n * cc * h * w;
    for (int c = 0; c < cc; c++)
      for (int ih = 0; ih < h; ih++) {
        copyPlusBias(pad, c * plane + (ih + s.padH()) * wp + s.padW(), gx, out + (c * h + ih) * w, w, bias, c);
      }
  }

  // ---- direct loops (few output channels) ---------------------------------------------------------
  //
  // With stride 1 all three are DirectConv's correlations, the outputs (or the filter's taps) in vector registers.
  // Other strides take the loops below, element by element.

  /** y[n,k,p,q] = Σ_{c,r,s} w[k,c,r,s]·xp[n,c,p·sh+r,q·sw+s]: one (n, k) plane per task. */
  private static void forwardDirect(ConvShape s, Tables t, float[] xp, float[] w, float[] bias, float[] y) {
    int kk = s.k(), cc = s.c(), rr = s.r(), ss = s.s(), pp = s.p(), qq = s.q(), hp = t.hp, wp = t.wp;
    if (s.strideH() == 1 && s.strideW() == 1) {
      DirectConv.correlate(s.n(), cc, kk, rr, ss, xp, hp, wp, w, 0, 0, pp, qq, bias, y);
      return;
    }
    CpuPool.parallelFor(s.n() * kk, 1, (from, to) -> {
      float[] yw = Workspace.get().temp2(pp * wp);
      for (int nk = from; nk < to; nk++) {
        int n = nk / kk, k = nk % kk, out = nk * pp * qq;
        if (pp == 0 || qq == 0) continue;
        Arrays.fill(yw, 0, pp * wp, 0f);
        for (int c = 0; c < cc; c++) {
          int plane = (n * cc + c) * hp * wp;
          for (int r = 0; r < rr; r++)
            for (int u = 0; u < ss; u++) {
              float wv = w[((k * cc + c) * rr + r) * ss + u];
              for (int p = 0; p < pp; p++)
                for (int q = 0; q < qq; q++) yw[p * wp + q] += wv * xp[plane + (p * s.strideH() + r) * wp + q * s.strideW() + u];
            }
        }
        for (int p = 0; p < pp; p++) copyPlusBias(yw, p * wp, y, out + p * qq, qq, bias, k);
      }
    });
  }

  /**
   * gx[n,c,ih,iw] = Σ_{k,r,s,p,q: p·sh+r−ph = ih, q·sw+s−pw = iw} w[k,c,r,s]·gy[n,k,p,q]: one (n, c) plane
   * per task, accumulated in a padded Hp×Wp plane whose interior is gx's.
   */
  private static void backwardDataDirect(ConvShape s, Tables t, float[] gy, float[] w, float[] bias, float[] gx) {
    int kk = s.k(), cc = s.c(), rr = s.r(), ss = s.s(), pp = s.p(), qq = s.q(), hp = t.hp, wp = t.wp, h = s.h(), wd = s.w();
    if (s.strideH() == 1 && s.strideW() == 1) {
      // The padded gx's plane (Hp × Wp) is gy padded by R − 1, S − 1 all round, correlated with the kernel flipped and
      // its channel axes swapped (wFlip[c, k, u, v] = w[k, c, R−1−u, S−1−v]); gx is that plane's interior.
      int fullH = pp + 2 * (rr - 1), fullW = qq + 2 * (ss - 1);
      float[] gyFull = padPlanes(gy, s.n() * kk, pp, qq, rr - 1, ss - 1, fullH, fullW, t.ws.temp(s.n() * kk * fullH * fullW));
      float[] wFlip = t.ws.temp2(kk * cc * rr * ss);
      for (int k = 0; k < kk; k++)
        for (int c = 0; c < cc; c++)
          for (int u = 0; u < rr; u++)
            for (int v = 0; v < ss; v++) wFlip[((c * kk + k) * rr + u) * ss + v] = w[((k * cc + c) * rr + rr - 1 - u) * ss + ss - 1 - v];
      DirectConv.correlate(s.n(), kk, cc, rr, ss, gyFull, fullH, fullW, wFlip, s.padH(), s.padW(), h, wd, bias, gx);
      return;
    }
    float[] gyw = gyWide(s, t, gy);
    CpuPool.parallelFor(s.n() * cc, 1, (from, to) -> {
      float[] gxp = Workspace.get().temp2(hp * wp);
      for (int nc = from; nc < to; nc++) {
        int n = nc / cc, c = nc % cc;
        Arrays.fill(gxp, 0, hp * wp, 0f);
        for (int k = 0; k < kk && pp > 0 && qq > 0; k++) {
          int src = (n * kk + k) * pp * wp;
          for (int r = 0; r < rr; r++)
            for (int u = 0; u < ss; u++) {
              float wv = w[((k * cc + c) * rr + r) * ss + u];
              for (int p = 0; p < pp; p++)
                for (int q = 0; q < qq; q++) gxp[(p * s.strideH() + r) * wp + q * s.strideW() + u] += wv * gyw[src + p * wp + q];
            }
        }
        int out = nc * h * wd;
        for (int ih = 0; ih < h; ih++) copyPlusBias(gxp, (ih + s.padH()) * wp + s.padW(), gx, out + ih * wd, wd, bias, c);
      }
    });
  }

  /** gw[k,c,r,s] = Σ_{n,p,q} gy[n,k,p,q]·xp[n,c,p·sh+r,q·sw+s]: one (k, c) pair per task, R·S dot products. */
  private static void backwardFilterDirect(ConvShape s, Tables t, float[] xp, float[] gy, float[] gw) {
    int kk = s.k(), cc = s.c(), rr = s.r(), ss = s.s(), pp = s.p(), qq = s.q(), hp = t.hp, wp = t.wp, nn = s.n();
    if (s.strideH() == 1 && s.strideW() == 1) {
      DirectConv.filter(nn, cc, kk, rr, ss, xp, hp, wp, gy, pp, qq, gw);
      return;
    }
    float[] gyw = gyWide(s, t, gy);
    CpuPool.parallelFor(kk * cc, 1, (from, to) -> {
      for (int kc = from; kc < to; kc++) {
        int k = kc / cc, c = kc % cc;
        for (int r = 0; r < rr; r++)
          for (int u = 0; u < ss; u++) {
            double sum = 0;
            for (int n = 0; n < nn && pp > 0 && qq > 0; n++) {
              int g0 = (n * kk + k) * pp * wp, x0 = (n * cc + c) * hp * wp;
              float acc = 0f;
              for (int p = 0; p < pp; p++)
                for (int q = 0; q < qq; q++) acc += gyw[g0 + p * wp + q] * xp[x0 + (p * s.strideH() + r) * wp + q * s.strideW() + u];
              sum += acc;
            }
            gw[((k * cc + c) * rr + r) * ss + u] = (float) sum;
          }
      }
    });
  }

  /** gy with rows of the padded input's length Wp, zero past column Q: gyW[(n,k)][p·Wp + q]. In the caller's temp. */
  private static float[] gyWide(ConvShape s, Tables t, float[] gy) {
    int planes = s.n() * s.k(), pp = s.p(), qq = s.q(), wp = t.wp;
    float[] gyw = t.ws.temp(planes * pp * wp);
    for (int pl = 0; pl < planes; pl++)
      for (int p = 0; p < pp; p++) {
        int dst = (pl * pp + p) * wp;
        System.arraycopy(gy, (pl * pp + p) * qq, gyw, dst, qq);
        Arrays.fill(gyw, dst + qq, dst + wp, 0f);
      }
    return gyw;
  }

  // ---- index tables and scratch -------------------------------------------------------------------

  /** The index tables of one shape (see {@link IndexedMatrix}) over the padded input xp (N×C×Hp×Wp). */
  private static final class Tables {
    final ConvShape s;
    final Workspace ws;
    final int hp, wp, pq, crs;
    /** off[(c,r,s)] = c·Hp·Wp + r·Wp + s. */
    final int[] off;
    /** base[(n,p,q)] = n·C·Hp·Wp + p·sh·Wp + q·sw. */
    final int[] base;
    /** kRow[k] = k·PQ and gyBase[(n,p,q)] = n·K·PQ + p·Q + q: gy[n,k,p,q] = gy[kRow[k] + gyBase[j]]. */
    final int[] kRow, gyBase;

    private Tables(ConvShape s, Workspace ws) {
      this.s = s;
      this.ws = ws;
      hp = s.h() + 2 * s.padH();
      wp = s.w() + 2 * s.padW();
      pq = s.p() * s.q();
      crs = s.c() * s.r() * s.s();
      int npq = s.n() * pq;
      off = ws.ints(0, crs);
      for (int c = 0, i = 0; c < s.c(); c++)
        for (int r = 0; r < s.r(); r++)
          for (int t = 0; t < s.s(); t++) off[i++] = c * hp * wp + r * wp + t;
      base = ws.ints(1, npq);
      gyBase = ws.ints(2, npq);
      for (int n = 0, j = 0; n < s.n(); n++)
        for (int p = 0; p < s.p(); p++)
          for (int q = 0; q < s.q(); q++, j++) {
            base[j] = n * s.c() * hp * wp + p * s.strideH() * wp + q * s.strideW();
            gyBase[j] = n * s.k() * pq + p * s.q() + q;
          }
      kRow = ws.ints(3, s.k());
      for (int k = 0; k < s.k(); k++) kRow[k] = k * pq;
    }

    static Tables of(ConvShape s, Workspace ws) {
      return new Tables(s, ws);
    }

    /** x with zero borders of padH rows and padW columns (x itself when there is no padding). */
    float[] padded(float[] x) {
      if (s.padH() == 0 && s.padW() == 0) return x;
      int planes = s.n() * s.c();
      return padPlanes(x, planes, s.h(), s.w(), s.padH(), s.padW(), hp, wp, ws.padded(planes * hp * wp));
    }
  }

  /**
   * x's h × w planes copied into xp's hp × wp planes at row ph, column pw, zeros around (hp ≥ ph + h, wp ≥ pw + w;
   * the bottom and right borders may be wider than the top and left). Returns xp.
   */
  static float[] padPlanes(float[] x, int planes, int h, int w, int ph, int pw, int hp, int wp, float[] xp) {
    CpuPool.parallelFor(planes, Math.max(1, COPY_GRAIN / (hp * wp)), (from, to) -> {
      // The zeros between two rows' copies are one short run (the right border, then the next row's left), written
      // by a plain loop: Arrays.fill per border (four calls a row, most of one float) took a third of the time.
      for (int plane = from; plane < to; plane++) {
        int dst = plane * hp * wp, src = plane * h * w;
        int end = dst + ph * wp + pw;                   // the top rows and the first row's left border
        for (int i = dst; i < end; i++) xp[i] = 0f;
        for (int ih = 0; ih < h; ih++) {
          int at = dst + (ih + ph) * wp + pw;
          System.arraycopy(x, src + ih * w, xp, at, w);
          int z0 = at + w, z1 = ih + 1 < h ? z0 + wp - w : dst + hp * wp;   // after the last row: the bottom rows
          for (int i = z0; i < z1; i++) xp[i] = 0f;
        }
      }
    });
    return xp;
  }

  /** Per-thread scratch, grown on demand and reused. */
  private static final class Workspace {
    private static final ThreadLocal<Workspace> LOCAL = ThreadLocal.withInitial(Workspace::new);
    private float[] padded = new float[0], temp = new float[0], temp2 = new float[0], wPacked = new float[0];
    private float[] col2im = new float[0];
    private final int[][] ints = new int[4][0];

    static Workspace get() {
      return LOCAL.get();
    }

    float[] padded(int size) {
      if (padded.length < size) padded = new float[size];
      return padded;
    }

    float[] temp(int size) {
      if (temp.length < size) temp = new float[size];
      return temp;
    }

    /** One zero-padded image (C·Hp·Wp) that col2imImage adds into. */
    float[] col2im(int size) {
      if (col2im.length < size) col2im = new float[size];
      return col2im;
    }

    /** Weights packed whole for GemmDriver.gemmPackedB. */
    float[] wPacked(int size) {
      if (wPacked.length < size) wPacked = new float[size];
      return wPacked;
    }

    float[] temp2(int size) {
      if (temp2.length < size) temp2 = new float[size];
      return temp2;
    }

    int[] ints(int slot, int size) {
      if (ints[slot].length < size) ints[slot] = new int[size];
      return ints[slot];
    }
  }

  // ---- bias -------------------------------------------------------------------------------------
  //
  // A bias is added as a convolution writes its output, so y = (the same float sum) + bias[channel], as conv2d
  // then a broadcast add computes it, without a pass of its own over y. With no bias (null) the output is copied
  // as it was: adding 0 would turn −0 into +0.

  /** dst[d + j] = src[s0 + j] + bias[channel] for j < len; a plain copy when bias is null. */
  private static void copyPlusBias(float[] src, int s0, float[] dst, int d, int len, float[] bias, int channel) {
    if (bias == null) {
      System.arraycopy(src, s0, dst, d, len);
      return;
    }
    FloatVector b = FloatVector.broadcast(F, bias[channel]);
    int j = 0;
    for (; j < F.loopBound(len); j += F.length()) FloatVector.fromArray(F, src, s0 + j).add(b).intoArray(dst, d + j);
    for (; j < len; j++) dst[d + j] = src[s0 + j] + bias[channel];
  }

  /** y[at + i] = act(y[at + i]) for i < len, in place (a block just written, still in cache); nothing when act is null. */
  private static void activate(float[] y, int at, int len, UnaryOp act, float alpha) {
    if (act != null && !VectorLoops.unary(act, alpha, y, at, y, at, len)) throw new AssertionError(act);
  }

  /** y[at + k·len + j] += bias[k] for k < channels, j < len (one image's output, still in cache); none when null. */
  private static void addBias(float[] y, int at, int channels, int len, float[] bias) {
    if (bias == null) return;
    for (int k = 0; k < channels; k++) copyPlusBias(y, at + k * len, y, at + k * len, len, bias, k);
  }

  // ---- argument checks ----------------------------------------------------------------------------

  private static void checkBias(String op, ConvShape s, float[] bias, int channels) {
    if (bias != null && bias.length < channels) {
      throw new IllegalArgumentException("conv2d " + op + ": bias must hold " + channels + " floats for " + s
          + " but has " + bias.length);
    }
  }

  /** Checks the sizes of the input-side tensor (x or gx), the weight-side (w or gw) and the output-side (y or gy). */
  private static void check(String op, ConvShape s, float[] xSide, String xName, float[] wSide, String wName,
                            float[] ySide, String yName) {
    long crs = (long) s.c() * s.r() * s.s();
    need(op, s, xName, xSide, (long) s.n() * s.c() * s.h() * s.w(), "N×C×H×W");
    need(op, s, wName, wSide, s.k() * crs, "K×C×R×S");
    need(op, s, yName, ySide, (long) s.n() * s.k() * s.p() * s.q(), "N×K×P×Q");
    long padded = (long) s.n() * s.c() * (s.h() + 2L * s.padH()) * (s.w() + 2L * s.padW());
    long col = crs * s.n() * s.p() * s.q();
    if (padded > Integer.MAX_VALUE - 64 || (long) s.k() * s.n() * s.p() * s.q() > Integer.MAX_VALUE - 64
        || crs * s.p() * s.q() > Integer.MAX_VALUE - 64 || col / Math.max(1, s.n()) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("conv2d " + op + ": " + s + " is too large for int indexing; split the batch");
    }
  }

  private static void need(String op, ConvShape s, String name, float[] arr, long need, String layout) {
    if (arr == null || arr.length < need) {
      throw new IllegalArgumentException("conv2d " + op + ": " + name + " must hold " + layout + " = " + need
          + " floats for " + s + " but has " + (arr == null ? "none (null)" : arr.length));
    }
  }
}
