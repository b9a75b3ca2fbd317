package dev.duel.gan.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import org.junit.jupiter.api.Test;

/** The ring's data and its quality / coverage scores. */
class RingMixtureTest {
  private final RingMixture ring = RingMixture.standard();

  @Test
  void modesLieOnTheRing() {
    assertEquals(2.0, ring.centerX(0), 1e-12);
    assertEquals(0.0, ring.centerY(0), 1e-12);
    assertEquals(Math.sqrt(2), ring.centerX(1), 1e-12);
    assertEquals(-2.0, ring.centerY(6), 1e-12);
  }

  @Test
  void coverageCountsHighQualitySamplesPerNearestMode() {
    double s = ring.std();
    float[] xy = {
        2f, 0f,                                      // mode 0, exactly
        (float) (2 + 2.9 * s), 0f,                   // mode 0, inside 3σ
        (float) (2 - 3.1 * s), 0f,                   // mode 0, just outside: low quality
        0f, (float) (2 - 2.0 * s),                   // mode 2
        0f, 0f,                                      // the centre: far from every mode
        Float.NaN, 1f,                               // a diverged sample never counts
        (float) ring.centerX(5), (float) ring.centerY(5)};
    RingMixture.Coverage c = ring.coverage(xy, 2);
    assertArrayEquals(new int[] {2, 0, 1, 0, 0, 1, 0, 0}, c.perMode());
    assertEquals(1, c.modesCovered());               // only mode 0 has the 2 samples required
    assertEquals(4.0 / 7, c.highQualityShare(), 1e-12);
    assertEquals(3, ring.coverage(xy, 1).modesCovered());
    assertThrows(IllegalArgumentException.class, () -> ring.coverage(new float[3], 1));
  }

  @Test
  void realSamplesCoverEveryModeWithTheGaussianShareWithin3Sigma() {
    float[] xy = ring.sample(Devices.cpu(), new Generator(3), 40_000);
    RingMixture.Coverage c = ring.coverage(xy, 20);
    assertEquals(8, c.modesCovered());
    // For a 2-D isotropic Gaussian, P(‖ε‖ ≤ 3σ) = 1 − e^(−9/2) = 0.98889.
    assertEquals(1 - Math.exp(-4.5), c.highQualityShare(), 0.003);
    for (int k : c.perMode()) assertEquals(40_000 * 0.98889 / 8, k, 200);
  }
}
