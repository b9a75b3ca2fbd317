package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Devices;
import dev.duel.engine.Losses;
import dev.duel.engine.Tensor;
import dev.duel.gan.loss.Minimax;
import dev.duel.gan.loss.NonSaturating;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loss plot's equilibrium lines: the losses' own values at D = ½, and no line where there is none. */
class EquilibriumTest {
  private static TrainConfig with(String loss) {
    TrainConfig c = new TrainConfig();
    c.loss = loss;
    return c;
  }

  /** The lines equal what the loss classes compute on logits 0 (D = σ(0) = ½). */
  @Test
  void linesAreTheLossesAtAHalf() {
    Tensor zero = Tensor.zeros(Devices.cpu(), 4, 1);
    for (var loss : List.of(new NonSaturating(), new Minimax())) {
      List<Equilibrium.Line> l = Equilibrium.lines(with(loss.name()));
      assertEquals(2, l.size(), loss.name());
      assertEquals(loss.discriminatorLoss(zero, zero, 1f).item(), l.get(0).value(), 1e-6, loss.name() + " d_loss");
      assertEquals(loss.generatorLoss(zero).item(), l.get(1).value(), 1e-6, loss.name() + " g_loss");
      assertEquals("d_loss", l.get(0).series());
      assertEquals("g_loss", l.get(1).series());
    }
    assertEquals(Math.log(4), Equilibrium.lines(with("non-saturating")).get(0).value(), 1e-12);
    assertEquals(2 * Losses.bceWithLogits(Tensor.zeros(Devices.cpu(), 1, 1), 1f).item(), Math.log(4), 1e-6);
  }

  @Test
  void noLineWhereTheLevelIsNotFixed() {
    for (String loss : List.of("lsgan", "wgan", "wgan-gp", "hinge")) assertTrue(Equilibrium.lines(with(loss)).isEmpty(), loss);
    TrainConfig smooth = with("non-saturating");
    smooth.labelSmoothing = 0.1f;
    assertTrue(Equilibrium.lines(smooth).isEmpty());
    TrainConfig fm = with("non-saturating");
    fm.featureMatching = true;
    assertTrue(Equilibrium.lines(fm).isEmpty());
    TrainConfig r1 = with("non-saturating");
    r1.r1 = 10f;
    assertEquals(2, Equilibrium.lines(r1).size(), "R1 vanishes at the equilibrium");
  }
}
