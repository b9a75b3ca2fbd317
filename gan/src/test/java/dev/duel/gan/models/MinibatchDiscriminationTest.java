package dev.duel.gan.models;

import static dev.duel.gan.loss.TestNets.CPU;
import static dev.duel.gan.loss.TestNets.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.gan.loss.TestNets;
import dev.duel.nn.Layers;
import dev.duel.nn.Linear;
import org.junit.jupiter.api.Test;

class MinibatchDiscriminationTest {
  static final double E1 = Math.exp(-1);

  @Test
  void oneKernelHandWorked() {
    // A = B = C = 1, T = [0.5], f = [1, 3]: M = [0.5, 1.5], ‖M₁ − M₂‖ = 1, c = e⁻¹, o₁ = o₂ = 1 + e⁻¹ = 1.367879
    // (the j = i term is exp(0) = 1). out = [[1, 1.367879], [3, 1.367879]].
    // L = Σ out = f₁ + f₂ + 2(1 + exp(−|T|·|f₁ − f₂|)):
    //   ∂L/∂T = 2·e⁻¹·(−|f₁ − f₂|) = −4e⁻¹ = −1.471518;
    //   ∂L/∂f₁ = 1 + 2·e⁻¹·(−T·sign(f₁ − f₂)) = 1 + e⁻¹ = 1.367879; ∂L/∂f₂ = 1 − e⁻¹ = 0.632121.
    MinibatchDiscrimination mbd = new MinibatchDiscrimination(CPU, new Generator(1), 1, 1, 1);
    TestNets.set(mbd, "T", 0.5f);
    Tensor f = TestNets.leaf(new float[] {1, 3}, 2, 1);
    Tensor out = mbd.forward(f);
    assertClose(new double[] {1, 1 + E1, 3, 1 + E1}, out.toArray(), 1e-6, "output");
    out.sum().backward();
    assertClose(new double[] {-4 * E1}, mbd.tensorT().grad().toArray(), 1e-6, "∂L/∂T");
    assertClose(new double[] {1 + E1, 1 - E1}, f.grad().toArray(), 1e-6, "∂L/∂f");
  }

  @Test
  void kernelsAndL1OverKernelDimHandWorked() {
    // A = 2, B = 2, C = 2; T[:, 0, :] = I (kernel 0: M_{i,0} = f_i), T[:, 1, :] = [[2, 0], [0, 0]] (M_{i,1} = [2f_i0, 0]).
    // f = [[0, 0], [1, 2]]: kernel 0 L1 = |0 − 1| + |0 − 2| = 3, kernel 1 L1 = |0 − 2| + 0 = 2.
    // o = [1 + e⁻³, 1 + e⁻²] = [1.049787, 1.135335] for both samples.
    MinibatchDiscrimination mbd = new MinibatchDiscrimination(CPU, new Generator(1), 2, 2, 2);
    // T laid out A×B×C: T[a][b][c].
    TestNets.set(mbd, "T", 1, 0, /* a=0,b=1 */ 2, 0, /* a=1,b=0 */ 0, 1, /* a=1,b=1 */ 0, 0);
    Tensor out = mbd.forward(Tensor.of(CPU, new float[] {0, 0, 1, 2}, 2, 2));
    assertArrayEquals(new int[] {2, 4}, out.shape());
    double o0 = 1 + Math.exp(-3), o1 = 1 + Math.exp(-2);
    assertClose(new double[] {0, 0, o0, o1, 1, 2, o0, o1}, out.toArray(), 1e-6, "output");
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    // N = 3, A = 4, B = 3, C = 2; L = Σ out ⊙ w with fixed random w, so every output matters differently.
    Generator rng = new Generator(3);
    MinibatchDiscrimination mbd = new MinibatchDiscrimination(CPU, rng, 4, 3, 2);
    TestNets.set(mbd, "T", rng.normal(CPU, 0f, 1f, 24).toArray());
    Tensor f = rng.normal(CPU, 0f, 1f, 3, 4).requiresGrad(true);
    Tensor w = rng.normal(CPU, 0f, 1f, 3, 7);
    mbd.forward(f).mul(w).sum().backward();
    for (Tensor p : new Tensor[] {mbd.tensorT(), f}) {
      double[] fd = TestNets.finiteDifferences(p, 1e-3f, () -> mbd.forward(f).mul(w).sum().item());
      float[] an = p.grad().toArray();
      for (int k = 0; k < an.length; k++) {
        assertEquals(fd[k], an[k], 5e-3 + 1e-2 * Math.abs(an[k]), "element " + k);
      }
    }
  }

  @Test
  void dTellsACollapsedBatchFromADiverseOne() {
    // D = Linear(16, 64) → LeakyReLU(0.2) → MinibatchDiscrimination(64, B = 10, C = 5) → Linear(74, 1), at its init.
    // Collapsed (6 copies of one sample): every c_b = 1, so o = N = 6 in every kernel. Diverse: o well below.
    Generator rng = new Generator(7);
    MinibatchDiscrimination mbd = new MinibatchDiscrimination(CPU, rng, 64, 10, 5);
    DiscriminatorNet d = TestNets.d(new Linear(CPU, rng, 16, 64), Layers.leakyRelu(0.2f), mbd,
        new Linear(CPU, rng, mbd.outputSize(), 1));
    Tensor one = rng.normal(CPU, 0f, 1f, 1, 16);
    Tensor collapsed = Tensor.concat(0, one, one, one, one, one, one);
    Tensor diverse = rng.normal(CPU, 0f, 1f, 6, 16);
    float[] oc = d.features(collapsed, null).narrow(1, 64, 10).toArray();   // the o(x_i)_b columns
    float[] od = d.features(diverse, null).narrow(1, 64, 10).toArray();
    double maxDiverse = 0, minCollapsed = Double.MAX_VALUE;
    for (float v : oc) { assertEquals(6.0, v, 1e-5); minCollapsed = Math.min(minCollapsed, v); }
    for (float v : od) { assertTrue(v >= 1f - 1e-6f, "o includes the j = i term 1"); maxDiverse = Math.max(maxDiverse, v); }
    assertTrue(maxDiverse < 5.0, "a diverse batch's o stays well below N: max " + maxDiverse);
    assertTrue(minCollapsed - maxDiverse > 1.0, "collapsed " + minCollapsed + " vs diverse " + maxDiverse);
  }

  @Test
  void badInputIsRefused() {
    MinibatchDiscrimination mbd = new MinibatchDiscrimination(CPU, new Generator(1), 4, 2, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> mbd.forward(Tensor.zeros(CPU, 2, 1, 2, 2)));
    assertTrue(e.getMessage().contains("Flatten"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MinibatchDiscrimination(CPU, new Generator(1), 4, 0, 2));
    assertEquals(6, mbd.outputSize());
  }
}
