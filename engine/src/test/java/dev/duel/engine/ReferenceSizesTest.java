package dev.duel.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * matmul, conv2d, conv_transpose2d (forward and both gradients) and training batch norm (forward,
 * running statistics and backward) against naive float64 loops at awkward sizes (1, 3, 17, 33, 130),
 * so that every tail of blocked or vectorised code runs.
 *
 * <p>Bound for a sum of n float32 products: |engine − exact| ≤ 2·(n + 2)·2⁻²⁴·Σ|terms| per element
 * (twice the worst case of plain recursive summation, so blocked, FMA or tree orders all pass and a
 * wrong index, a skipped tail or a stale buffer, all O(Σ|terms|), fails). Σ|terms| comes from the
 * same reference on |inputs|.
 */
class ReferenceSizesTest {
  static final String DEVICES = "dev.duel.engine.TestDevices#all";
  static final int[] SIZES = {1, 3, 17, 33, 130};
  static final double U = Math.ulp(1.0f) / 2;   // 2⁻²⁴

  // ---- matmul ---------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void matmulEveryOddShapeAndLayout(Backend be) {
    RefCheck c = new RefCheck(be, "matmul sizes");
    for (int m : SIZES) for (int n : SIZES) for (int k : SIZES) {
      for (int layout = 0; layout < 4; layout++) {
        boolean ta = (layout & 1) != 0, tb = (layout & 2) != 0;
        Nd a = ta ? c.uniform(k, m) : c.uniform(m, k), b = tb ? c.uniform(n, k) : c.uniform(k, n), g = c.uniform(m, n);
        String what = "matmul m=" + m + " n=" + n + " k=" + k + (ta ? " Aᵀ" : "") + (tb ? " Bᵀ" : "") + " on " + be.name();
        try (MemoryScope s = MemoryScope.open()) {
          Tensor at = a.toTensor(be).requiresGrad(true), bt = b.toTensor(be).requiresGrad(true);
          Tensor y = (ta ? at.t() : at).matmul(tb ? bt.t() : bt);
          y.backward(g.toTensor(be), false);
          Nd al = ta ? a.transpose(0, 1) : a, bl = tb ? b.transpose(0, 1) : b;   // logical m×k, k×n
          check(what + " C", Nd.of(y), NdOps.matmul(al, bl), NdOps.matmul(abs(al), abs(bl)), k);
          Nd ga = NdOps.matmul(g, bl.transpose(0, 1)), gaAbs = NdOps.matmul(abs(g), abs(bl).transpose(0, 1));
          Nd gb = NdOps.matmul(al.transpose(0, 1), g), gbAbs = NdOps.matmul(abs(al).transpose(0, 1), abs(g));
          check(what + " ∂A", Nd.of(at.grad()), ta ? ga.transpose(0, 1) : ga, ta ? gaAbs.transpose(0, 1) : gaAbs, n);
          check(what + " ∂B", Nd.of(bt.grad()), tb ? gb.transpose(0, 1) : gb, tb ? gbAbs.transpose(0, 1) : gbAbs, m);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void matmulBatchedOddShapes(Backend be) {
    RefCheck c = new RefCheck(be, "batched matmul sizes");
    int[][] mnk = {{17, 33, 3}, {1, 130, 17}, {33, 1, 130}, {130, 3, 1}, {3, 17, 33}};
    for (int[] s : mnk) {
      for (boolean bIs2d : new boolean[] {false, true}) {
        int batch = 3, m = s[0], n = s[1], k = s[2];
        Nd a = c.uniform(batch, m, k), b = bIs2d ? c.uniform(k, n) : c.uniform(batch, k, n), g = c.uniform(batch, m, n);
        String what = "matmul batch " + batch + " " + Arrays.toString(s) + (bIs2d ? " ×2d" : "") + " on " + be.name();
        try (MemoryScope sc = MemoryScope.open()) {
          Tensor at = a.toTensor(be).requiresGrad(true), bt = b.toTensor(be).requiresGrad(true);
          Tensor y = at.matmul(bt);
          y.backward(g.toTensor(be), false);
          check(what + " C", Nd.of(y), NdOps.matmul(a, b), NdOps.matmul(abs(a), abs(b)), k);
          Nd bT = b.transpose(-2, -1), bTAbs = abs(b).transpose(-2, -1);
          check(what + " ∂A", Nd.of(at.grad()), NdOps.matmul(g, bT), NdOps.matmul(abs(g), bTAbs), n);
          // ∂B = Σ over the batch of Aᵀ·G when B is shared
          Nd gb = NdOps.matmul(a.transpose(1, 2), g), gbAbs = NdOps.matmul(abs(a).transpose(1, 2), abs(g));
          if (bIs2d) { gb = gb.sum(false, 0); gbAbs = gbAbs.sum(false, 0); }
          check(what + " ∂B", Nd.of(bt.grad()), gb, gbAbs, bIs2d ? batch * m : m);
        }
      }
    }
  }

  // ---- convolution ----------------------------------------------------------------------------

  /** {N, C, H, W, K, R, S, stride, pad}. */
  static final int[][] CONVS = {
      {1, 1, 1, 1, 1, 1, 1, 1, 0}, {3, 3, 17, 33, 3, 3, 3, 1, 1}, {1, 3, 33, 17, 17, 4, 4, 2, 1},
      {3, 1, 17, 17, 1, 3, 3, 2, 0}, {1, 17, 3, 3, 33, 3, 3, 1, 1}, {3, 3, 33, 33, 3, 1, 1, 1, 0},
      {1, 3, 1, 33, 3, 1, 3, 1, 0}, {1, 1, 130, 3, 3, 3, 3, 1, 1}, {2, 130, 3, 3, 3, 3, 3, 1, 1},
      {1, 3, 5, 5, 130, 3, 3, 1, 1}, {1, 3, 17, 130, 1, 3, 1, 2, 1}, {3, 17, 17, 17, 17, 4, 4, 2, 1}};

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void conv2dOddSizes(Backend be) {
    RefCheck c = new RefCheck(be, "conv2d sizes");
    for (int[] s : CONVS) {
      int stride = s[7], pad = s[8];
      Nd x = c.uniform(s[0], s[1], s[2], s[3]), w = c.uniform(s[4], s[1], s[5], s[6]), b = c.uniform(s[4]);
      Nd y = NdOps.conv2d(x, w, b, stride, pad);
      Nd g = c.uniform(y.shape);
      String what = "conv2d " + Arrays.toString(s) + " on " + be.name();
      try (MemoryScope sc = MemoryScope.open()) {
        Tensor xt = x.toTensor(be).requiresGrad(true), wt = w.toTensor(be).requiresGrad(true), bt = b.toTensor(be).requiresGrad(true);
        Tensor yt = Convolution.conv2d(xt, wt, bt, stride, pad);
        yt.backward(g.toTensor(be), false);
        int terms = s[1] * s[5] * s[6];
        check(what + " y", Nd.of(yt), y, NdOps.conv2d(abs(x), abs(w), abs(b), stride, pad), terms + 1);
        Nd[] ref = NdOps.conv2dBackward(x, w, g, stride, pad), refAbs = NdOps.conv2dBackward(abs(x), abs(w), abs(g), stride, pad);
        check(what + " ∂x", Nd.of(xt.grad()), ref[0], refAbs[0], s[4] * s[5] * s[6]);
        check(what + " ∂w", Nd.of(wt.grad()), ref[1], refAbs[1], s[0] * y.shape[2] * y.shape[3]);
        check(what + " ∂b", Nd.of(bt.grad()), g.sum(false, 0, 2, 3), abs(g).sum(false, 0, 2, 3), s[0] * y.shape[2] * y.shape[3]);
      }
    }
  }

  /** {N, Cin, H, W, Cout, R, S, stride, pad, outPad}. */
  static final int[][] CONV_TS = {
      {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, {3, 3, 17, 33, 3, 3, 3, 1, 1, 0}, {1, 17, 3, 3, 3, 4, 4, 2, 1, 0},
      {3, 3, 17, 17, 1, 4, 4, 2, 1, 1}, {1, 33, 3, 3, 17, 4, 4, 2, 1, 0}, {2, 3, 1, 130, 3, 3, 3, 1, 1, 0},
      {1, 130, 3, 3, 3, 3, 3, 2, 0, 1}, {1, 3, 7, 7, 130, 3, 3, 1, 1, 0}, {2, 3, 5, 4, 2, 4, 3, 2, 0, 1}};

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void convTranspose2dOddSizes(Backend be) {
    RefCheck c = new RefCheck(be, "conv_transpose2d sizes");
    for (int[] s : CONV_TS) {
      int stride = s[7], pad = s[8], outPad = s[9];
      Nd x = c.uniform(s[0], s[1], s[2], s[3]), w = c.uniform(s[1], s[4], s[5], s[6]), b = c.uniform(s[4]);
      Nd y = NdOps.convTranspose2d(x, w, b, stride, pad, outPad);
      Nd g = c.uniform(y.shape);
      String what = "conv_transpose2d " + Arrays.toString(s) + " on " + be.name();
      try (MemoryScope sc = MemoryScope.open()) {
        Tensor xt = x.toTensor(be).requiresGrad(true), wt = w.toTensor(be).requiresGrad(true), bt = b.toTensor(be).requiresGrad(true);
        Tensor yt = Convolution.convTranspose2d(xt, wt, bt, stride, pad, outPad);
        yt.backward(g.toTensor(be), false);
        int taps = s[1] * s[5] * s[6];   // a bound on the products per output element
        check(what + " y", Nd.of(yt), y, NdOps.convTranspose2d(abs(x), abs(w), abs(b), stride, pad, outPad), taps + 1);
        Nd[] ref = NdOps.convTranspose2dBackward(x, w, g, stride, pad);
        Nd[] refAbs = NdOps.convTranspose2dBackward(abs(x), abs(w), abs(g), stride, pad);
        check(what + " ∂x", Nd.of(xt.grad()), ref[0], refAbs[0], s[4] * s[5] * s[6]);
        check(what + " ∂w", Nd.of(wt.grad()), ref[1], refAbs[1], s[0] * s[2] * s[3]);
        check(what + " ∂b", Nd.of(bt.grad()), g.sum(false, 0, 2, 3), abs(g).sum(false, 0, 2, 3), s[0] * y.shape[2] * y.shape[3]);
      }
    }
  }

  // ---- batch norm -----------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void batchNormTrainOddSizes(Backend be) {
    RefCheck c = new RefCheck(be, "batch_norm sizes");
    int[][] shapes = {{130, 3}, {3, 17}, {17, 130}, {3, 3, 17, 33}, {1, 17, 3, 3}, {2, 1, 1, 130}, {130, 1, 1, 1},
        {1, 3, 1, 3}};
    double eps = 1e-5;
    float momentum = 0.1f;
    for (int[] shape : shapes) {
      int ch = shape[1];
      // an offset and scale per run, so the statistics are not trivially 0 and 1
      Nd x = c.uniform(shape).mul(c.nextDouble(0.5, 3)).add(c.nextDouble(-2, 2)).map(v -> (float) v);
      Nd gamma = c.positive(ch), beta = c.uniform(ch), rm0 = c.uniform(ch), rv0 = c.positive(ch);
      Nd g = c.uniform(shape);
      String what = "batch_norm train " + Arrays.toString(shape) + " on " + be.name();
      try (MemoryScope sc = MemoryScope.open()) {
        Tensor xt = x.toTensor(be).requiresGrad(true), gt = gamma.toTensor(be).requiresGrad(true);
        Tensor bt = beta.toTensor(be).requiresGrad(true), rm = rm0.toTensor(be), rv = rv0.toTensor(be);
        Tensor y = Normalization.batchNorm(xt, gt, bt, rm, rv, true, momentum, (float) eps);
        y.backward(g.toTensor(be), false);
        double[][] st = NdOps.batchStats(x);
        assertArrayEquals(shape, y.shape(), what);
        relClose(what + " y", Nd.of(y), NdOps.batchNormTrain(x, gamma, beta, eps), 2e-5);
        Nd rmRef = rm0.copy(), rvRef = rv0.copy();
        for (int k = 0; k < ch; k++) {
          rmRef.v[k] = (1 - momentum) * rm0.v[k] + momentum * st[0][k];
          rvRef.v[k] = (1 - momentum) * rv0.v[k] + momentum * st[2][k];
        }
        relClose(what + " running_mean", Nd.of(rm), rmRef, 2e-5);
        relClose(what + " running_var", Nd.of(rv), rvRef, 2e-5);
        Nd[] ref = NdOps.batchNormTrainBackward(x, gamma, g, eps);
        // ∂x depends on 1/σ; a variance formed in one pass (E[x²] − E[x]², as a library may compute it) has a
        // relative error that grows with 1 + μ²/σ², the conditioning of that formula (seen with cuDNN 9.14
        // on an H200: 2.6e-5 of max|∂x| for a 3-element channel with a large offset). Scale the bound by it.
        double conditioning = 1;
        for (int k = 0; k < ch; k++) conditioning = Math.max(conditioning, 1 + st[0][k] * st[0][k] / (st[1][k] + eps));
        relClose(what + " ∂x", Nd.of(xt.grad()), ref[0], 2e-5 * conditioning);
        int m = (int) (x.size() / ch);
        Nd xhatAbs = NdOps.batchNormTrain(x, Nd.zeros(ch).add(1), Nd.zeros(ch), eps).map(Math::abs);
        // ∂γ = Σ gy·x̂ with x̂ = (x − μ)·invStd formed in float32: besides the summation error, each x̂
        // carries the rounding of μ and of x − μ, ≈ u·(|x| + |μ|)·invStd, which the summation bound
        // does not see when |x − μ| ≪ |x| (a large offset). Widen the absolute sum by that term.
        Nd gxAbs = sumPerChannel(abs(g).mul(x.map(Math::abs))), gAbs = sumPerChannel(abs(g));
        Nd gammaBound = sumPerChannel(abs(g).mul(xhatAbs)).copy();
        for (int k = 0; k < ch; k++) {
          double invStd = 1 / Math.sqrt(st[1][k] + eps);
          gammaBound.v[k] += (gxAbs.v[k] + Math.abs(st[0][k]) * gAbs.v[k]) * invStd / (m + 2);
        }
        check(what + " ∂γ", Nd.of(gt.grad()), ref[1], gammaBound, m);
        check(what + " ∂β", Nd.of(bt.grad()), ref[2], sumPerChannel(abs(g)), m);
      }
    }
  }

  private static Nd sumPerChannel(Nd x) {
    return x.rank() == 4 ? x.sum(false, 0, 2, 3) : x.sum(false, 0);
  }

  // ---- helpers --------------------------------------------------------------------------------

  static Nd abs(Nd x) {
    return x == null ? null : x.map(Math::abs);
  }

  /** |actual − ref| ≤ 2·(terms + 2)·u·absSum per element; NaN fails. */
  static void check(String what, Nd actual, Nd ref, Nd absSum, int terms) {
    assertArrayEquals(ref.shape, actual.shape, what + ": shape");
    double gamma = 2.0 * (terms + 2) * U;
    for (int i = 0; i < ref.v.length; i++) {
      double e = Math.abs(actual.v[i] - ref.v[i]), bound = gamma * absSum.v[i] + Double.MIN_NORMAL;
      if (!(e <= bound)) {
        fail(String.format("%s: element %d = %.9g, float64 reference %.9g, error %.3g > bound %.3g (%d terms, Σ|terms| %.4g) %s",
            what, i, actual.v[i], ref.v[i], e, bound, terms, absSum.v[i], TestSeeds.replay()));
      }
    }
  }

  /** max|actual − ref| ≤ tol·max|ref|; NaN fails. */
  static void relClose(String what, Nd actual, Nd ref, double tol) {
    assertArrayEquals(ref.shape, actual.shape, what + ": shape");
    RefCheck.assertFinite(actual.v, what);
    RefCheck.assertClose(actual.v, ref.v, tol, what + " " + TestSeeds.replay());
  }
}
