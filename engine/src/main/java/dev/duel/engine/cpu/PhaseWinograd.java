package dev.duel.engine.cpu;

import dev.duel.engine.ConvShape;
import dev.duel.engine.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forward and backwardFilter of a 4×4 convolution at stride 2 (DCGAN's down-sampling layers, and through the
 * adjoints its transposed up-sampling ones) by Winograd's minimal filtering over the input's four phases.
 *
 * <pre>
 * Phases. Kernel row r = 2a + u (a, u ∈ {0, 1}) reads input row 2(p + a) + u − ph, so with the phase planes
 *   X_{c'}[i, j] = x[c, 2i + u − ph, 2j + v − pw]  (zero outside x),   c' = (c, u, v): C' = 4C channels
 * the convolution is a stride-1 2×2 correlation:
 *   y[k, p, q] = Σ_{c'} Σ_{a,b} X_{c'}[p + a, q + b] · W_{k,c'}[a, b],    W_{k,c'}[a, b] = w[k, c, 2a + u, 2b + v]
 * Winograd F(m×m, 2×2) ({@link WinogradTransform}) takes each m×m output tile from an α×α input tile d, α = m + 1:
 *   Y_k = Aᵀ [ Σ_{c'} U_{k,c'} ⊙ V_{c'} ] A,    U = G W Gᵀ,  V = Bᵀ d B
 * The sum over c' is α² independent products, one per transform point ξ = (ξ1, ξ2):
 *   M_ξ[row, k] = Σ_{c'} V_ξ[row, c'] · U_ξ[c', k],    row = (n, tile)
 * α²·(rows)·C'·K multiplications instead of 4·(outputs)·C'·K: 64 for 196 with dcgan28's 7×7 outputs (F7).
 *
 * backwardFilter correlates the phases with gy, a 2×2 output per (k, c') from 7×7 chunks of gy: F(2×2, 7×7)
 * ({@link #backwardFilter}), 64 multiplications per chunk and pair instead of 196.
 * </pre>
 *
 * Each transform runs on L lanes at once (channels c', or k; gathered from x, gy and w, scattered into y and gw),
 * the α² products on {@link GemmDriver}, spread over the pool. The sums are those of the convolution up to
 * rounding; the transforms add rounding of their own (see {@link WinogradTransform}), so the results are not the
 * direct paths' floats.
 */
final class PhaseWinograd {
  private PhaseWinograd() {}

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();

  /** Tile override for experiments and tests: 4 or 7 forces F4 or F7, 0 picks by {@link #tileFor}. */
  static volatile int tileOverride = Integer.parseInt(CpuSettings.choice("duel.winograd.tile", "0",
      "4 or 7 (the Winograd tile forced: F(4×4, 2×2) or F(7×7, 2×2) over the phases)", "4", "7"));

  /** Whether the shape is a 4×4 convolution at stride 2 whose buffers this class can index. */
  static boolean eligible(ConvShape s) {
    if (s.r() != 4 || s.s() != 4 || s.strideH() != 2 || s.strideW() != 2 || L % 4 != 0) return false;
    if (s.k() > GemmDriver.NC || 4L * s.c() > GemmDriver.NC) return false;   // U_ξ packed whole
    // The largest buffers: V and M (or U) at most 64 points × rows × channels, with F4's rows the most; the
    // weight gradient's h, 16·K·C'; the input transform's border offsets, 2·L per tile position.
    long c4 = 4L * s.c(), rows = rowsOf(s.n(), s.p(), s.q(), WinogradTransform.F4);
    long most = 64L * rows * Math.max(c4, s.k()) + 16L * c4 * s.k();
    long positions = Math.max(positions(WinogradTransform.F4, s), positions(WinogradTransform.F7, s));
    return most < Integer.MAX_VALUE && positions * 2 * L < Integer.MAX_VALUE;
  }

  /** Tile positions of the input transform's border tables: α·⌈P/m⌉ × α·⌈Q/m⌉. */
  private static long positions(WinogradTransform t, ConvShape s) {
    return (long) ceilDiv(s.p(), t.m) * t.alpha * ceilDiv(s.q(), t.m) * t.alpha;
  }

  /** The tile with the fewest products for a rows × cols output: F7 for 7×7 (64 against F4's 4·25), else often F4. */
  static WinogradTransform tileFor(int rows, int cols) {
    int forced = tileOverride;
    if (forced == 4) return WinogradTransform.F4;
    if (forced == 7) return WinogradTransform.F7;
    return products(WinogradTransform.F7, rows, cols) < products(WinogradTransform.F4, rows, cols)
        ? WinogradTransform.F7 : WinogradTransform.F4;
  }

  private static long products(WinogradTransform t, int rows, int cols) {
    return (long) ceilDiv(rows, t.m) * ceilDiv(cols, t.m) * t.alpha * t.alpha;
  }

  private static long rowsOf(int n, int rows, int cols, WinogradTransform t) {
    return (long) n * ceilDiv(rows, t.m) * ceilDiv(cols, t.m);
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  // ---- forward ------------------------------------------------------------------------------------

  /** y = act(conv(x, w) + bias) (bias and act may be null), overwriting y. */
  static void forward(ConvShape s, float[] x, float[] w, float[] bias, UnaryOp act, float alpha, float[] y) {
    int n = s.n(), cc = s.c(), kk = s.k(), pp = s.p(), qq = s.q(), c4 = 4 * cc;
    WinogradTransform t = tileFor(pp, qq);
    int a2 = t.alpha * t.alpha, tp = ceilDiv(pp, t.m), tq = ceilDiv(qq, t.m), rows = n * tp * tq;
    Workspace ws = Workspace.get();
    float[] taps = ws.u(c4 * 4 * kk), v = ws.v(a2 * rows * c4), mm = ws.m(a2 * rows * kk + L);   // + L: a tail's loads
    forwardTaps(cc, kk, w, taps);
    forwardInput(t, s, tp, tq, rows, x, v);
    products(t, rows, kk, c4, v, taps, mm);
    forwardOutput(t, s, tp, tq, rows, mm, bias, act, alpha, y);
  }

  /**
   * taps[(c'·4 + a·2 + b)·K + k] = W_{k,c'}[a, b] = w[k, c, 2a + u, 2b + v]: the kernel's four taps per phase channel,
   * K floats each, so that every U_ξ is four vector loads per output (see {@link #kernelTransform}); lanes over k,
   * gathered C·16 floats apart.
   */
  private static void forwardTaps(int cc, int kk, float[] w, float[] taps) {
    int c4 = 4 * cc;
    int[][] lanes = strided(cc * 16, kk);
    CpuPool.parallelFor(c4, 8, (from, to) -> {
      for (int cp = from; cp < to; cp++) {
        int tap00 = (cp >> 2) * 16 + ((cp >> 1) & 1) * 4 + (cp & 1);    // w[k, c, u, v] less k·C·16
        for (int k0 = 0; k0 < kk; k0 += L) {
          VectorMask<Float> mask = F.indexInRange(k0, kk);
          int at = k0 * cc * 16 + tap00, out = cp * 4 * kk + k0;
          int[] ix = lanes[k0 + L <= kk ? 0 : 1];
          // Taps (a, b): rows 2a + u, columns 2b + v, so a adds 8 floats and b adds 2. Lanes past K repeat K − 1.
          FloatVector.fromArray(F, w, at, ix, 0).intoArray(taps, out, mask);
          FloatVector.fromArray(F, w, at + 2, ix, 0).intoArray(taps, out + kk, mask);
          FloatVector.fromArray(F, w, at + 8, ix, 0).intoArray(taps, out + 2 * kk, mask);
          FloatVector.fromArray(F, w, at + 10, ix, 0).intoArray(taps, out + 3 * kk, mask);
        }
      }
    });
  }

  /**
   * U_ξ[p, j] = Σ_{a,b} G[ξ1, a]·G[ξ2, b]·taps[(p·4 + a·2 + b)·cols + j] for one ξ, a depth × cols B packed as
   * {@link GemmDriver#packWholeB} packs it (the zeros past cols left as they are): built right before its product, in
   * the thread's cache. (All α² of them at once were 16 times the weights, 8 MB for dcgan28's layer with F7, and
   * writing them took a third of the forward in a training step.)
   */
  private static void kernelTransform(WinogradTransform t, int xi, float[] taps, int depth, int cols, float[] packed, int packedOff) {
    float[] g = t.g;
    int x1 = xi / t.alpha, x2 = xi % t.alpha;
    FloatVector g00 = FloatVector.broadcast(F, g[2 * x1] * g[2 * x2]), g01 = FloatVector.broadcast(F, g[2 * x1] * g[2 * x2 + 1]);
    FloatVector g10 = FloatVector.broadcast(F, g[2 * x1 + 1] * g[2 * x2]);
    FloatVector g11 = FloatVector.broadcast(F, g[2 * x1 + 1] * g[2 * x2 + 1]);
    for (int p = 0; p < depth; p++)
      for (int j0 = 0; j0 < cols; j0 += L) {
        VectorMask<Float> mask = F.indexInRange(j0, cols);
        int at = p * 4 * cols + j0;
        FloatVector acc = FloatVector.fromArray(F, taps, at, mask).mul(g00);
        acc = FloatVector.fromArray(F, taps, at + cols, mask).fma(g01, acc);
        acc = FloatVector.fromArray(F, taps, at + 2 * cols, mask).fma(g10, acc);
        acc = FloatVector.fromArray(F, taps, at + 3 * cols, mask).fma(g11, acc);
        acc.intoArray(packed, packedOff + GemmDriver.wholeBIndex(p, j0, cols, depth), mask);
      }
  }

  /**
   * V_ξ[row, c'] = (Bᵀ d B)_ξ for row = (n, ti, tj), d[i, j] = X_{c'}[ti·m + i, tj·m + j]; lanes over c' (four
   * channels of four phases with 16 lanes), gathered from x itself. A tile position whose rows and columns (two
   * phases each) all lie inside x gathers with the plain lane offsets; at the borders (the padding, and past the
   * last tile) each position has its own offsets, the lanes outside x pointed at their channel's first float, and a
   * mask that leaves those lanes zero. V holds row by row all α² of a row's values (V_ξ: rows α²·C' apart).
   * (Gathering from a zero-padded copy of x instead, made first, took 1.045× (1.014–1.076) the time of a
   * dcgan28:128 training step and 1.030× (1.005–1.056) at dcgan28:64: paired A/B on the AVX-512 Intel, session 20;
   * the copy's rows of 14 floats cost more than the masks.)
   */
  private static void forwardInput(WinogradTransform t, ConvShape s, int tp, int tq, int rows, float[] x, float[] v) {
    int cc = s.c(), c4 = 4 * cc, m = t.m, a = t.alpha, h = s.h(), w = s.w(), hw = h * w;
    int rowsAt = tp * a, colsAt = tq * a, positions = rowsAt * colsAt;
    int tailLanes = c4 % L == 0 ? L : c4 % L;
    // Per position (ti·α + i, tj·α + j) and block kind (0 full, 1 the partial last one): offsets and valid lanes.
    boolean[] interior = new boolean[positions];
    int[] borderIx = new int[positions * 2 * L];
    long[] borderBits = new long[positions * 2];
    for (int pi = 0; pi < rowsAt; pi++) {
      int r = 2 * ((pi / a) * m + pi % a) - s.padH();
      for (int pj = 0; pj < colsAt; pj++) {
        int c = 2 * ((pj / a) * m + pj % a) - s.padW(), pos = pi * colsAt + pj;
        interior[pos] = r >= 0 && r + 1 < h && c >= 0 && c + 1 < w;
        for (int kind = 0; kind < 2; kind++) {
          long bits = 0;
          for (int l = 0; l < L; l++) {
            int lane = kind == 1 ? Math.min(l, tailLanes - 1) : l;     // past C': the last lane again, discarded
            int row = r + ((lane >> 1) & 1), col = c + (lane & 1);
            boolean inside = row >= 0 && row < h && col >= 0 && col < w;
            borderIx[(pos * 2 + kind) * L + l] = (lane >> 2) * hw + (inside ? row * w + col : 0);
            if (inside) bits |= 1L << l;
          }
          borderBits[pos * 2 + kind] = bits;
        }
      }
    }
    int[][] lanes = phaseLanes(hw, w, c4);
    CpuPool.parallelFor(rows, 1, (from, to) -> {
      float[] d = Workspace.get().tile(2 * a * a * L);
      for (int row = from; row < to; row++) {
        int n = row / (tp * tq), ti = row / tq % tp, tj = row % tq;
        for (int cp0 = 0; cp0 < c4; cp0 += L) {
          VectorMask<Float> tail = F.indexInRange(cp0, c4);
          int kind = cp0 + L <= c4 ? 0 : 1;
          int[] ix = lanes[kind];
          int image = (n * cc + cp0 / 4) * hw;           // the block's first channel plane in x
          for (int i = 0; i < a; i++) {
            int r = 2 * (ti * m + i) - s.padH();
            for (int j = 0; j < a; j++) {
              int pos = (ti * a + i) * colsAt + tj * a + j, at = (i * a + j) * L;
              if (interior[pos]) {
                FloatVector.fromArray(F, x, image + r * w + 2 * (tj * m + j) - s.padW(), ix, 0).intoArray(d, at);
              } else {
                long bits = borderBits[pos * 2 + kind];
                FloatVector g = bits == 0 ? FloatVector.zero(F)
                    : FloatVector.fromArray(F, x, image, borderIx, (pos * 2 + kind) * L, VectorMask.fromLong(F, bits));
                g.intoArray(d, at);
              }
            }
          }
          transformInput(t.bt, a, d, v, row * a * a * c4 + cp0, c4, tail);
        }
      }
    });
  }

  /**
   * lanes[0][l] = the offset of lane l's float from its block's phase-(0, 0) float: channel l/4, phase u = (l/2) % 2
   * (one row down), v = l % 2 (one column right), in planes of {@code plane} floats with rows {@code width} long.
   * lanes[1] is for the last block of c4 channels when it is partial: its lanes past the channels repeat the last
   * channel's offsets, because the Vector API checks the index of every lane of a gather or scatter, masked or not
   * (JDK 25); a mask or the store keeps those lanes out.
   */
  private static int[][] phaseLanes(int plane, int width, int c4) {
    int[] full = new int[L];
    for (int l = 0; l < L; l++) full[l] = (l >> 2) * plane + ((l >> 1) & 1) * width + (l & 1);
    return withTail(full, c4);
  }

  /** {l·stride}: lanes[0] for a full block of {@code count} channels, lanes[1] for a partial last one (see {@link #phaseLanes}). */
  private static int[][] strided(int stride, int count) {
    int[] full = new int[L];
    for (int l = 0; l < L; l++) full[l] = l * stride;
    return withTail(full, count);
  }

  /** {full, tail}: tail is full with its lanes past the last block's count % L channels repeating the last one's offset. */
  private static int[][] withTail(int[] full, int count) {
    int tailLanes = count % L == 0 ? L : count % L;
    int[] tail = new int[L];
    for (int l = 0; l < L; l++) tail[l] = full[Math.min(l, tailLanes - 1)];
    return new int[][] {full, tail};
  }

  /**
   * out[at + ξ·stride] = (Bᵀ d B)_ξ (L lanes, masked) for the α×α tile at d[(i·α + j)·L], Bᵀ any α × α matrix (G
   * padded, for the weight gradient's gy): the columns first, s[ξ1, j] = Σ_i Bᵀ[ξ1, i]·d[i, j] (into d's second
   * half), then the rows, Σ_j Bᵀ[ξ2, j]·s[ξ1, j].
   */
  private static void transformInput(float[] bt, int a, float[] d, float[] out, int at, int stride,
                                     VectorMask<Float> mask) {
    int half = a * a * L;
    for (int j = 0; j < a; j++) apply(bt, a, a, d, j * L, a * L, d, half + j * L, a * L, ALL);
    for (int x1 = 0; x1 < a; x1++) apply(bt, a, a, d, half + x1 * a * L, L, out, at + x1 * a * stride, stride, mask);
  }

  private static final VectorMask<Float> ALL = F.maskAll(true);

  /**
   * dst[d0 + r·ds] = Σ_c mat[r·cols + c]·src[s0 + c·ss] (L lanes each; the store masked) for r < rows, with cols = 5
   * or 8 (α of F4, F7): the inputs held in registers and every output a straight chain of FMAs. (Loops over the
   * matrix's nonzeros with α unknown to C2 took dcgan28:128's forward input transform 2.2–2.3 ms against 1.8 ms,
   * an ad-hoc probe.)
   */
  private static void apply(float[] mat, int rows, int cols, float[] src, int s0, int ss, float[] dst, int d0, int ds,
                            VectorMask<Float> mask) {
    if (cols == 8) {
      FloatVector i0 = FloatVector.fromArray(F, src, s0), i1 = FloatVector.fromArray(F, src, s0 + ss);
      FloatVector i2 = FloatVector.fromArray(F, src, s0 + 2 * ss), i3 = FloatVector.fromArray(F, src, s0 + 3 * ss);
      FloatVector i4 = FloatVector.fromArray(F, src, s0 + 4 * ss), i5 = FloatVector.fromArray(F, src, s0 + 5 * ss);
      FloatVector i6 = FloatVector.fromArray(F, src, s0 + 6 * ss), i7 = FloatVector.fromArray(F, src, s0 + 7 * ss);
      for (int r = 0, o = 0; r < rows; r++, o += 8) {
        FloatVector acc = i0.mul(mat[o]);
        acc = i1.fma(FloatVector.broadcast(F, mat[o + 1]), acc);
        acc = i2.fma(FloatVector.broadcast(F, mat[o + 2]), acc);
        acc = i3.fma(FloatVector.broadcast(F, mat[o + 3]), acc);
        acc = i4.fma(FloatVector.broadcast(F, mat[o + 4]), acc);
        acc = i5.fma(FloatVector.broadcast(F, mat[o + 5]), acc);
        acc = i6.fma(FloatVector.broadcast(F, mat[o + 6]), acc);
        acc = i7.fma(FloatVector.broadcast(F, mat[o + 7]), acc);
        acc.intoArray(dst, d0 + r * ds, mask);
      }
    } else if (cols == 5) {
      FloatVector i0 = FloatVector.fromArray(F, src, s0), i1 = FloatVector.fromArray(F, src, s0 + ss);
      FloatVector i2 = FloatVector.fromArray(F, src, s0 + 2 * ss), i3 = FloatVector.fromArray(F, src, s0 + 3 * ss);
      FloatVector i4 = FloatVector.fromArray(F, src, s0 + 4 * ss);
      for (int r = 0, o = 0; r < rows; r++, o += 5) {
        FloatVector acc = i0.mul(mat[o]);
        acc = i1.fma(FloatVector.broadcast(F, mat[o + 1]), acc);
        acc = i2.fma(FloatVector.broadcast(F, mat[o + 2]), acc);
        acc = i3.fma(FloatVector.broadcast(F, mat[o + 3]), acc);
        acc = i4.fma(FloatVector.broadcast(F, mat[o + 4]), acc);
        acc.intoArray(dst, d0 + r * ds, mask);
      }
    } else {
      throw new AssertionError("a transform of " + cols + " inputs");
    }
  }

  /**
   * y[n, k, ti·m + p, tj·m + q] = (Aᵀ M A)[p, q] (+ bias[k]) for the tile's rows, then act over the image: one image
   * per task, lanes over k, scattered PQ floats apart.
   */
  private static void forwardOutput(WinogradTransform t, ConvShape s, int tp, int tq, int rows, float[] mm,
                                    float[] bias, UnaryOp act, float alpha, float[] y) {
    int kk = s.k(), pp = s.p(), qq = s.q(), m = t.m, a = t.alpha;
    int[][] lanes = strided(pp * qq, kk);
    CpuPool.parallelFor(s.n(), 1, (from, to) -> {
      float[] sc = Workspace.get().tile(2 * a * a * L);
      for (int n = from; n < to; n++) {
        for (int ti = 0; ti < tp; ti++)
          for (int tj = 0; tj < tq; tj++) {
            int row = (n * tp + ti) * tq + tj;
            for (int k0 = 0; k0 < kk; k0 += L) {
              VectorMask<Float> tail = F.indexInRange(k0, kk);
              boolean full = k0 + L <= kk;
              FloatVector b = bias == null ? null : FloatVector.fromArray(F, bias, k0, tail);
              transformOutput(t, mm, row * a * a * kk + k0, kk, sc);
              for (int p = 0; p < m && ti * m + p < pp; p++)
                for (int q = 0; q < m && tj * m + q < qq; q++) {
                  FloatVector out = FloatVector.fromArray(F, sc, (a * a + p * m + q) * L);
                  if (b != null) out = out.add(b);
                  int at = ((n * kk + k0) * pp + ti * m + p) * qq + tj * m + q;
                  if (full) out.intoArray(y, at, lanes[0], 0);
                  else out.intoArray(y, at, lanes[1], 0, tail);
                }
            }
          }
        if (act != null && !VectorLoops.unary(act, alpha, y, n * kk * pp * qq, y, n * kk * pp * qq, kk * pp * qq)) {
          throw new AssertionError(act);
        }
      }
    });
  }

  /**
   * The tile's m×m outputs (Aᵀ M A)[p, q] at sc[(α² + p·m + q)·L], M_ξ at mm[at + ξ·stride]: the columns first,
   * sc[(p·α + ξ2)·L] = Σ_{ξ1} Aᵀ[p, ξ1]·M_{ξ1,ξ2}, then the rows.
   */
  private static void transformOutput(WinogradTransform t, float[] mm, int at, int stride, float[] sc) {
    int a = t.alpha, m = t.m, out = a * a * L;
    for (int x2 = 0; x2 < a; x2++) apply(t.at, m, a, mm, at + x2 * stride, a * stride, sc, x2 * L, a * L, ALL);
    for (int p = 0; p < m; p++) apply(t.at, m, a, sc, p * a * L, L, sc, out + p * m * L, L, ALL);
  }

  /**
   * U_ξ[row, k] = (G d Gᵀ)_ξ for backwardFilter's F(2, 7), d[i, j] = gy[n, k, ti·7 + i, tj·7 + j] for i, j < 7 (zero
   * outside gy), G padded to 8 × 8 (its zero last column meets d's zero last row and column); lanes over k.
   */
  private static void gyTiles(WinogradTransform f, ConvShape s, int tp, int tq, int rows, float[] gy, float[] u) {
    int kk = s.k(), pp = s.p(), qq = s.q(), m = f.r, a = f.alpha, taps = f.r;
    int[][] lanes = strided(pp * qq, kk);
    CpuPool.parallelFor(rows, 1, (from, to) -> {
      float[] d = Workspace.get().tile(2 * a * a * L);
      for (int row = from; row < to; row++) {
        int n = row / (tp * tq), ti = row / tq % tp, tj = row % tq;
        for (int k0 = 0; k0 < kk; k0 += L) {
          VectorMask<Float> tail = F.indexInRange(k0, kk);
          boolean full = k0 + L <= kk;
          for (int i = 0; i < a; i++) {
            int r = ti * m + i;
            for (int j = 0; j < a; j++) {
              int c = tj * m + j, at = (i * a + j) * L;
              if (i >= taps || j >= taps || r < 0 || r >= pp || c < 0 || c >= qq) {
                FloatVector.zero(F).intoArray(d, at);
              } else {
                int base = ((n * kk + k0) * pp + r) * qq + c;
                FloatVector.fromArray(F, gy, base, lanes[full ? 0 : 1], 0).intoArray(d, at);   // lanes past K: discarded
              }
            }
          }
          transformInput(f.gSquare, a, d, u, row * a * a * kk + k0, kk, tail);
        }
      }
    });
  }

  // ---- backwardFilter -----------------------------------------------------------------------------

  /**
   * gw = Σ_n x_n ⋆ gy_n, overwriting gw, by F(2×2, 7×7) (the transposed role of the forward's F(7×7, 2×2)):
   * <pre>
   *   gW_{k,c'}[a, b] = Σ_{n,p,q} gy[n, k, p, q] · X_{n,c'}[p + a, q + b]    (a, b < 2; gw[k, c, 2a + u, 2b + v])
   * </pre>
   * gy in 7×7 chunks (zero past P×Q), each with the 8×8 phase tile of x it meets: rows = (n, chunk), and for each of
   * the 64 points ξ, M_ξ[k, c'] = Σ_rows U_ξ[row, k]·V_ξ[row, c'], U = G gy Gᵀ, V = Bᵀ X B (the forward's
   * transform); then gW = Aᵀ M A. The 64 products run as 8 tasks, one per ξ1, each folding its M_{ξ1,ξ2} into
   * h_{ξ1}[b] = Σ_{ξ2} Aᵀ[b, ξ2]·M_{ξ1,ξ2} as they come; gW[a, b] = Σ_{ξ1} Aᵀ[a, ξ1]·h_{ξ1}[b] sums the tasks in
   * order, so the floats do not depend on the threads.
   */
  static void backwardFilter(ConvShape s, float[] x, float[] gy, float[] gw) {
    WinogradTransform t = WinogradTransform.F7, f = WinogradTransform.F2X7;
    int n = s.n(), cc = s.c(), kk = s.k(), pp = s.p(), qq = s.q(), c4 = 4 * cc, a = t.alpha, a2 = a * a;
    int tp = ceilDiv(pp, t.m), tq = ceilDiv(qq, t.m), rows = n * tp * tq;
    Workspace ws = Workspace.get();
    float[] u = ws.u(a2 * rows * kk), v = ws.v(a2 * rows * c4), h = ws.m(a * 2 * kk * c4);
    forwardInput(t, s, tp, tq, rows, x, v);
    gyTiles(f, s, tp, tq, rows, gy, u);
    int plane = kk * c4;
    CpuPool.parallelTasks(a, (from, to) -> {
      Sgemm.MatrixA ua = new Sgemm.MatrixA();
      Sgemm.MatrixB vb = new Sgemm.MatrixB();
      float[] mx = Workspace.get().product(plane);
      for (int x1 = from; x1 < to; x1++) {
        int h0 = x1 * 2 * plane, h1 = h0 + plane;
        for (int x2 = 0; x2 < a; x2++) {
          int xi = x1 * a + x2;
          ua.set(true, u, xi * kk, a2 * kk);
          vb.set(false, v, xi * c4, a2 * c4);
          GemmDriver.gemm(kk, c4, rows, 1f, ua, vb, 0f, mx, 0, c4);
          float c0 = f.at[x2], c1 = f.at[a + x2];
          FloatVector b0 = FloatVector.broadcast(F, c0), b1 = FloatVector.broadcast(F, c1);
          for (int e = 0; e < plane; e += L) {
            VectorMask<Float> mask = F.indexInRange(e, plane);
            FloatVector me = FloatVector.fromArray(F, mx, e, mask);
            FloatVector was0 = x2 == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, h, h0 + e, mask);
            FloatVector was1 = x2 == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, h, h1 + e, mask);
            me.fma(b0, was0).intoArray(h, h0 + e, mask);
            me.fma(b1, was1).intoArray(h, h1 + e, mask);
          }
        }
      }
    });
    // gW[a, b][k, c'] = Σ_{ξ1} Aᵀ[a, ξ1]·h_{ξ1}[b][k, c'], then into gw[k, c, 2a + u, 2b + v]; lanes over c'.
    int[][] lanes = phaseLanes(16, 4, c4);
    CpuPool.parallelFor(kk, 4, (from, to) -> {
      for (int k = from; k < to; k++)
        for (int cp0 = 0; cp0 < c4; cp0 += L) {
          VectorMask<Float> tail = F.indexInRange(cp0, c4);
          boolean full = cp0 + L <= c4;
          int at = k * c4 + cp0, base = (k * cc + cp0 / 4) * 16;
          for (int ra = 0; ra < 2; ra++)
            for (int rb = 0; rb < 2; rb++) {
              FloatVector acc = FloatVector.zero(F);
              for (int x1 = 0; x1 < a; x1++) {
                acc = FloatVector.fromArray(F, h, (x1 * 2 + rb) * plane + at, tail)
                    .fma(FloatVector.broadcast(F, f.at[ra * a + x1]), acc);
              }
              int out = base + 2 * ra * 4 + 2 * rb;
              if (full) acc.intoArray(gw, out, lanes[0], 0);
              else acc.intoArray(gw, out, lanes[1], 0, tail);
            }
        }
    });
  }

  // ---- the α² products ----------------------------------------------------------------------------

  /**
   * M_ξ[rows × cols] = V_ξ[rows × depth] · U_ξ[depth × cols] for the α² points ξ, spread over the pool, one thread
   * each; V and M hold row by row all α² of a row's values (V_ξ is rows × depth with rows α²·depth apart), and each
   * U_ξ is built from the taps into the thread's packed buffer just before its product.
   */
  private static void products(WinogradTransform t, int rows, int cols, int depth, float[] v, float[] taps, float[] mm) {
    int count = t.alpha * t.alpha;
    CpuPool.parallelFor(count, 1, (from, to) -> {
      Sgemm.MatrixA a = new Sgemm.MatrixA();
      float[] packed = Workspace.get().packed(GemmDriver.wholeBSize(cols, depth) + HeapAlignment.SLACK_FLOATS);
      int off = HeapAlignment.floatsToLine(packed);   // the panels on cache lines
      if (cols % SgemmKernel.NR != 0) java.util.Arrays.fill(packed, 0f);   // the last panel's padding, never written
      for (int xi = from; xi < to; xi++) {
        kernelTransform(t, xi, taps, depth, cols, packed, off);
        a.set(false, v, xi * depth, count * depth);
        GemmDriver.gemmPackedB(rows, cols, depth, 1f, a, packed, off, 0f, mm, xi * cols, count * cols);
      }
    });
  }

  /**
   * Per-thread scratch, grown on demand and reused: the kernel's taps (or the weight gradient's U), V, the products
   * (or its h), one packed U_ξ, one product M_ξ of the weight gradient, and a tile.
   */
  private static final class Workspace {
    private static final ThreadLocal<Workspace> LOCAL = ThreadLocal.withInitial(Workspace::new);
    private float[] u = new float[0], v = new float[0], m = new float[0];
    private float[] packed = new float[0], product = new float[0], tile = new float[0];

    static Workspace get() {
      return LOCAL.get();
    }

    private static float[] atLeast(float[] a, int size) {
      return a.length < size ? new float[size] : a;
    }

    float[] u(int size) { return u = atLeast(u, size); }

    float[] v(int size) { return v = atLeast(v, size); }

    float[] m(int size) { return m = atLeast(m, size); }

    float[] packed(int size) { return packed = atLeast(packed, size); }

    float[] product(int size) { return product = atLeast(product, size); }

    float[] tile(int size) { return tile = atLeast(tile, size); }
  }
}
