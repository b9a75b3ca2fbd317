package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.duel.engine.Tensor;
import dev.duel.gan.loss.GanLosses;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.nn.Lambda;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The pix2pix objective on numbers worked by hand. D is a stand-in that returns the pair's second
 * channel as its patch-logit map (D([x, v]) = v), so every logit is known: x = 0 (1×1×1×2),
 * y = (0.5, −0.5), G(x) = (0, 1).
 */
class Pix2PixObjectiveTest {
  private static final DiscriminatorNet D = new DiscriminatorNet(new Lambda("second channel", p -> p.narrow(1, 1, 1))) {};
  private static final Tensor X = Tensor.of(new float[] {0f, 0f}, 1, 1, 1, 2);
  private static final Tensor Y = Tensor.of(new float[] {0.5f, -0.5f}, 1, 1, 1, 2);
  private static final Tensor FAKE = Tensor.of(new float[] {0f, 1f}, 1, 1, 1, 2);
  private static final double LN2 = Math.log(2), SP1 = Math.log1p(Math.exp(-1)); // softplus(0), softplus(−1)

  private static Pix2PixObjective objective(String loss) {
    return new Pix2PixObjective(GanLosses.byName(loss), List.of(), 100f, 1f);
  }

  /**
   * Non-saturating: L1 = (|0.5 − 0| + |−0.5 − 1|)/2 = 1; L_G^adv = mean softplus(−G(x)) =
   * (ln 2 + ln(1 + e⁻¹))/2 = 0.503204; L_G = 0.503204 + 100·1 = 100.503204.
   */
  @Test
  void generatorLossIsAdversarialPlusLambdaL1() {
    Pix2PixObjective.GeneratorStep g = objective("non-saturating").generator(D, X, Y, FAKE, UnaryOperator.identity());
    assertEquals(1.0, g.l1().item(), 1e-6);
    assertEquals((LN2 + SP1) / 2, g.gan().item(), 1e-6);
    assertEquals(100 + (LN2 + SP1) / 2, g.loss().item(), 1e-4);
  }

  /**
   * Non-saturating L_D = mean softplus(−D([x, y])) + mean softplus(D([x, G(x)])):
   * (softplus(−0.5) + softplus(0.5))/2 + (softplus(0) + softplus(1))/2 = 0.724077 + 1.003204 = 1.727281.
   */
  @Test
  void discriminatorLossComparesTheRealAndTheFakePair() {
    Pix2PixObjective.DiscriminatorStep d = objective("non-saturating").discriminator(D, X, Y, FAKE, UnaryOperator.identity(), null);
    double sp = Math.log1p(Math.exp(-0.5)), spNeg = Math.log1p(Math.exp(0.5));
    assertEquals((sp + spNeg) / 2 + (LN2 + (1 + SP1)) / 2, d.loss().item(), 1e-6);
    assertArrayEquals(new float[] {0.5f, -0.5f}, d.dReal().toArray());
    assertArrayEquals(new float[] {0f, 1f}, d.dFake().toArray());
  }

  /** Hinge: L_D = mean relu(1 − (0.5, −0.5)) + mean relu(1 + (0, 1)) = 1 + 1.5; L_G = −mean(0, 1) + 100 = 99.5. */
  @Test
  void hingeOnHandWorkedNumbers() {
    Pix2PixObjective o = objective("hinge");
    assertEquals(2.5, o.discriminator(D, X, Y, FAKE, UnaryOperator.identity(), null).loss().item(), 1e-6);
    assertEquals(99.5, o.generator(D, X, Y, FAKE, UnaryOperator.identity()).loss().item(), 1e-4);
  }

  /** --l1-only: L_G = λ·L1 = 100, no adversarial part; λ = 10 gives 10. */
  @Test
  void l1OnlyIsLambdaTimesL1() {
    Pix2PixObjective.GeneratorStep g = Pix2PixObjective.l1Only(100f).generator(null, X, Y, FAKE, UnaryOperator.identity());
    assertNull(g.gan());
    assertEquals(100.0, g.loss().item(), 1e-4);
    assertEquals(10.0, Pix2PixObjective.l1Only(10f).generator(null, X, Y, FAKE, UnaryOperator.identity()).loss().item(), 1e-5);
  }

  /** ∂L_G/∂G(x) = ∂L_G^adv/∂G(x) − λ·sign(y − G(x))/n: (−σ(−0)/2 + 100·(−1)/2, −σ(−1)/2 + 100·(+1)/2). */
  @Test
  void generatorGradientIsAdversarialPlusLambdaSign() {
    Tensor fake = Tensor.of(new float[] {0f, 1f}, 1, 1, 1, 2).requiresGrad(true);
    objective("non-saturating").generator(D, X, Y, fake, UnaryOperator.identity()).loss().backward();
    float[] grad = fake.grad().toArray();
    assertEquals(-0.5 / 2 - 50, grad[0], 1e-4);
    assertEquals(-(1 / (1 + Math.E)) / 2 + 50, grad[1], 1e-4);
  }
}
