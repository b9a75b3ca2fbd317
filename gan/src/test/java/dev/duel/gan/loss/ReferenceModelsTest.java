package dev.duel.gan.loss;

import static dev.duel.gan.loss.TestNets.CPU;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.CganMlp;
import dev.duel.gan.models.Dcgan28;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.nn.Module;
import org.junit.jupiter.api.Test;

/** The penalties and feature matching on the benchmark D's (small widths), with labels where they need them. */
class ReferenceModelsTest {
  static void assertFiniteGradients(Module d) {
    int withGrad = 0;
    for (var e : d.namedParameters().entrySet()) {
      if (e.getValue().grad() == null) continue;
      withGrad++;
      for (float v : e.getValue().grad().toArray()) assertTrue(Float.isFinite(v), e.getKey() + " gradient " + v);
    }
    assertTrue(withGrad > 0, "no parameter of D received a gradient");
  }

  @Test
  void penaltiesOnConditionalAndConvolutionalDs() {
    Generator rng = new Generator(1);
    int[] labels = {0, 3, 9};
    Tensor real = rng.uniform(CPU, -1f, 1f, 3, 1, 28, 28), fake = rng.uniform(CPU, -1f, 1f, 3, 1, 28, 28);
    DiscriminatorNet cgan = new CganMlp.D(CPU, rng, 4);
    DiscriminatorNet dcgan = new Dcgan28.D(CPU, rng, 4, true);
    for (DiscriminatorNet d : new DiscriminatorNet[] {cgan, dcgan}) {
      int[] l = d == cgan ? labels : null;
      for (Regularizer reg : new Regularizer[] {new GradientPenalty(), new R1()}) {
        d.zeroGrad();
        Tensor p = reg.penalty(d, real, fake, l, new Generator(2));
        assertArrayEquals(new int[0], p.shape(), "a scalar");
        assertTrue(Float.isFinite(p.item()) && p.item() >= 0f, reg.name() + " = " + p.item());
        p.backward();
        assertFiniteGradients(d);
      }
    }
  }

  @Test
  void featureMatchingOnDcgan28() {
    Generator rng = new Generator(3);
    DiscriminatorNet d = new Dcgan28.D(CPU, rng, 4, false);
    Tensor real = rng.uniform(CPU, -1f, 1f, 4, 1, 28, 28);
    Tensor fake = rng.uniform(CPU, -1f, 1f, 4, 1, 28, 28).requiresGrad(true);
    Tensor loss = new FeatureMatching().generatorLoss(d, real, fake, null);
    assertTrue(loss.item() > 0f);
    loss.backward();
    assertNotNull(fake.grad());
    assertEquals(4 * 28 * 28, fake.grad().numel());
    for (float v : fake.grad().toArray()) assertTrue(Float.isFinite(v));
  }
}
