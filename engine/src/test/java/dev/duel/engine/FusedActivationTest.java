package dev.duel.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Function;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused ops {@link Convolution#conv2dActivation}, {@link Normalization#batchNormActivation} and {@link
 * Tensor#addmmActivation} (with {@link Tensor#addmm}) against the ops in turn (each checked by finite differences elsewhere): the same outputs, the same first derivatives and, with
 * a graph of the gradient (a gradient penalty), the same second derivatives, bit for bit, on every device; inputs
 * with exact zeros, where the activation's gradient switches.
 */
class FusedActivationTest {

  static java.util.stream.Stream<Named<Backend>> devices() {
    return TestDevices.all();
  }

  private static final float[][] ACTS = {{0f, 0f}, {1f, 0.2f}, {1f, 0f}};   // {RELU|LEAKY_RELU, slope}

  private static UnaryOp op(float[] act) {
    return act[0] == 0f ? UnaryOp.RELU : UnaryOp.LEAKY_RELU;
  }

  /** x with every fifth element 0. */
  private static Tensor input(Backend be, Generator rng, int... shape) {
    Tensor t = rng.normal(be, 0f, 1f, shape);
    float[] v = t.toArray();
    for (int i = 0; i < v.length; i += 5) v[i] = 0f;
    return Tensor.of(be, v, shape);
  }

  /** The outputs and ∂(Σ y·r)/∂ of each input, for y = f(inputs). */
  private static float[][] run(Function<Tensor[], Tensor> f, Tensor[] in, Tensor r) {
    for (Tensor t : in) t.setGrad(null);
    Tensor y = f.apply(in);
    y.mul(r).sum().backward();
    float[][] out = new float[in.length + 1][];
    out[0] = y.toArray();
    for (int i = 0; i < in.length; i++) out[i + 1] = in[i].grad().toArray();
    return out;
  }

  /** ∂/∂ each input of Σ (∂(Σ y·r)/∂in[0])², through a graph of the first gradient. */
  private static float[][] secondOrder(Function<Tensor[], Tensor> f, Tensor[] in, Tensor r) {
    for (Tensor t : in) t.setGrad(null);
    Tensor g = Autograd.grad(f.apply(in).mul(r).sum(), new Tensor[] {in[0]}, true)[0];
    g.square().sum().backward();
    float[][] out = new float[in.length][];
    for (int i = 0; i < in.length; i++) out[i] = in[i].grad() == null ? new float[0] : in[i].grad().toArray();
    return out;
  }

  /** The fused and the plain function give the same outputs, first and second derivatives, bit for bit. */
  private static void assertSameFunction(Function<Tensor[], Tensor> plain, Function<Tensor[], Tensor> fused,
                                         Tensor[] in, Tensor r, String what) {
    assertSame(run(plain, in, r), run(fused, in, r), what);
    assertSame(secondOrder(plain, in, r), secondOrder(fused, in, r), what + ", second order");
  }

  private static void assertSame(float[][] want, float[][] got, String what) {
    for (int i = 0; i < want.length; i++) assertArrayEquals(want[i], got[i], 0f, what + ", output " + i);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("devices")
  void conv2dWithItsActivationEqualsTheTwoOps(Backend be) {
    Generator rng = new Generator(11);
    try (MemoryScope scope = MemoryScope.open()) {
      for (int[] sh : new int[][] {{3, 2, 9, 9, 5, 2, 1}, {4, 1, 12, 12, 8, 2, 1}, {2, 3, 7, 7, 4, 1, 0}}) {
        Tensor x = input(be, rng, sh[0], sh[1], sh[2], sh[3]).requiresGrad(true);
        Tensor w = rng.normal(be, 0f, 0.5f, sh[4], sh[1], 4, 4).requiresGrad(true);
        Tensor b = input(be, rng, sh[4]).requiresGrad(true);
        int stride = sh[5], pad = sh[6];
        Tensor[] in = {x, w, b};
        Tensor r = rng.normal(be, 0f, 1f, Convolution.conv2d(x, w, b, stride, pad).shape());
        for (float[] act : ACTS) {
          UnaryOp op = op(act);
          float slope = act[1];
          Function<Tensor[], Tensor> fused = t -> Convolution.conv2dActivation(t[0], t[1], t[2], stride, pad, op, slope);
          Function<Tensor[], Tensor> plain = t -> ElementwiseOps.unary(op, slope, Convolution.conv2d(t[0], t[1], t[2], stride, pad));
          String what = be.name() + " conv2d " + java.util.Arrays.toString(sh) + " " + op + " " + slope;
          assertSameFunction(plain, fused, in, r, what);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("devices")
  void batchNormWithItsActivationEqualsTheTwoOps(Backend be) {
    Generator rng = new Generator(12);
    try (MemoryScope scope = MemoryScope.open()) {
      for (int[] shape : new int[][] {{6, 5, 7, 7}, {4, 3, 13, 11}, {8, 37}}) {
        Tensor x = input(be, rng, shape).requiresGrad(true);
        Tensor gamma = rng.normal(be, 1f, 0.3f, shape[1]).requiresGrad(true);
        Tensor beta = input(be, rng, shape[1]).requiresGrad(true);
        Tensor[] in = {x, gamma, beta};
        Tensor r = rng.normal(be, 0f, 1f, shape);
        for (float[] act : ACTS) {
          UnaryOp op = op(act);
          float slope = act[1];
          Function<Tensor[], Tensor> fused = t -> Normalization.batchNormActivation(t[0], t[1], t[2], null, null, true, 0.1f,
              1e-5f, op, slope);
          Function<Tensor[], Tensor> plain = t -> ElementwiseOps.unary(op, slope, Normalization.batchNorm(t[0], t[1], t[2],
              null, null, true, 0.1f, 1e-5f));
          String what = be.name() + " batch norm " + java.util.Arrays.toString(shape) + " " + op + " " + slope;
          assertSameFunction(plain, fused, in, r, what);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("devices")
  void addmmWithItsActivationEqualsTheOps(Backend be) {
    Generator rng = new Generator(13);
    try (MemoryScope scope = MemoryScope.open()) {
      // x m×k, W n×k (used as Wᵀ, a linear layer's weight), bias [n] or [1, n]; n = 1 is D's last layer.
      for (int[] sh : new int[][] {{5, 7, 3}, {16, 33, 40}, {9, 12, 1}, {64, 100, 70}}) {
        int m = sh[0], k = sh[1], n = sh[2];
        Tensor x = input(be, rng, m, k).requiresGrad(true);
        Tensor w = rng.normal(be, 0f, 0.5f, n, k).requiresGrad(true);
        Tensor b = (n % 2 == 0 ? input(be, rng, 1, n) : input(be, rng, n)).requiresGrad(true);
        Tensor[] in = {x, w, b};
        Tensor r = rng.normal(be, 0f, 1f, m, n);
        String shape = be.name() + " addmm " + java.util.Arrays.toString(sh) + " bias " + java.util.Arrays.toString(b.shape());
        assertSameFunction(t -> t[0].matmul(t[1].t()).add(t[2]), t -> Tensor.addmm(t[2], t[0], t[1].t()), in, r, shape);
        for (float[] act : ACTS) {
          UnaryOp op = op(act);
          float slope = act[1];
          Function<Tensor[], Tensor> fused = t -> Tensor.addmmActivation(t[2], t[0], t[1].t(), op, slope);
          Function<Tensor[], Tensor> plain = t -> ElementwiseOps.unary(op, slope, t[0].matmul(t[1].t()).add(t[2]));
          assertSameFunction(plain, fused, in, r, shape + " " + op + " " + slope);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("devices")
  void aNegativeSlopeIsNotFused(Backend be) {
    try (MemoryScope scope = MemoryScope.open()) {
      Tensor x = Tensor.zeros(be, 2, 1, 5, 5), w = Tensor.zeros(be, 3, 1, 3, 3), b = Tensor.zeros(be, 3);
      assertThrows(IllegalArgumentException.class, () -> Convolution.conv2dActivation(x, w, b, 1, 1, UnaryOp.LEAKY_RELU, -0.5f));
      assertThrows(IllegalArgumentException.class, () -> Tensor.addmmActivation(Tensor.zeros(be, 3), Tensor.zeros(be, 2, 4),
          Tensor.zeros(be, 4, 3), UnaryOp.LEAKY_RELU, -0.5f));
      assertThrows(IllegalArgumentException.class, () -> Normalization.batchNormActivation(x, Tensor.ones(be, 1),
          Tensor.zeros(be, 1), null, null, true, 0.1f, 1e-5f, UnaryOp.TANH, 0f));
    }
  }
}
