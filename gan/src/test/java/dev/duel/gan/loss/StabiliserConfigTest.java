package dev.duel.gan.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StabiliserConfigTest {
  static StabiliserConfig with(float smoothing, float sigma, long steps, float r1, float gp, int k, float ema, float clip) {
    return new StabiliserConfig(smoothing, sigma, steps, false, false, r1, gp, k, 1e-4f, 4e-4f, ema, clip);
  }

  @Test
  void defaultsAreAllOff() {
    StabiliserConfig c = StabiliserConfig.defaults();
    assertEquals(1f, c.realTarget());
    assertNull(c.instanceNoise());
    assertEquals(List.of(), c.regularizers(c.loss("non-saturating")));
    assertEquals(1, c.dSteps());
    assertEquals(2e-4f, c.lrG());
    assertEquals(2e-4f, c.lrD());
    assertFalse(c.ema());
  }

  @Test
  void buildsWhatItDescribes() {
    StabiliserConfig c = with(0.1f, 0.3f, 500, 5f, 2f, 5, 0.999f, 0.02f);
    assertEquals(0.9f, c.realTarget(), 1e-7f);
    assertEquals(0.3f, c.instanceNoise().sigma0());
    assertEquals(500, c.instanceNoise().annealSteps());
    List<Regularizer> regs = c.regularizers(c.loss("wgan-gp"));
    assertEquals(2, regs.size());
    assertEquals(2f, assertInstanceOf(GradientPenalty.class, regs.get(0)).lambda());
    assertEquals(5f, assertInstanceOf(R1.class, regs.get(1)).gamma());
    assertEquals(0.02f, c.loss("wgan").weightClipping().clip());
    assertTrue(c.ema());
  }

  @Test
  void badSettingsNameTheField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> with(0, 0, 0, 0, 10, 0, 0, 0.01f));
    assertTrue(e.getMessage().contains("dSteps"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> with(0, 0.5f, 0, 0, 10, 1, 0, 0.01f));
    assertTrue(e.getMessage().contains("instanceNoiseSteps"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> with(0, 0, 0, 0, 10, 1, 1f, 0.01f));
    assertTrue(e.getMessage().contains("emaDecay"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> with(1f, 0, 0, 0, 10, 1, 0, 0.01f));
    assertThrows(IllegalArgumentException.class, () -> with(0, 0, 0, -1f, 10, 1, 0, 0.01f));
    assertThrows(IllegalArgumentException.class, () -> with(0, 0, 0, 0, 10, 1, 0, 0f));
  }
}
