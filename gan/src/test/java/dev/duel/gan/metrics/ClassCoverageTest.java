package dev.duel.gan.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class ClassCoverageTest {
  @Test
  void uniformHistogramCoversEveryClassWithZeroKl() {
    ClassCoverage.Result r = ClassCoverage.ofCounts(new int[] {7, 7, 7, 7, 7, 7, 7, 7, 7, 7});
    assertEquals(10, r.covered());
    assertEquals(0.0, r.klFromUniform(), 1e-15);
  }

  @Test
  void oneClassIsFullCollapse() {
    ClassCoverage.Result r = ClassCoverage.ofCounts(new int[] {0, 0, 0, 500, 0, 0, 0, 0, 0, 0});
    assertEquals(1, r.covered());
    assertEquals(Math.log(10), r.klFromUniform(), 1e-12);
  }

  @Test
  void halfTheClassesGiveLogTwo() {
    ClassCoverage.Result r = ClassCoverage.ofCounts(new int[] {20, 20, 20, 20, 20, 0, 0, 0, 0, 0});
    assertEquals(5, r.covered());
    assertEquals(Math.log(2), r.klFromUniform(), 1e-12);
  }

  @Test
  void aClassNeedsOnePercentOfTheSamples() {
    // 1000 samples: 10 is exactly 1% (covered), 9 is not.
    int[] counts = {10, 9, 981, 0, 0, 0, 0, 0, 0, 0};
    ClassCoverage.Result r = ClassCoverage.ofCounts(counts);
    assertEquals(2, r.covered());
    double kl = 0;
    for (int c : counts) if (c > 0) kl += c / 1000.0 * Math.log(10 * c / 1000.0);
    assertEquals(kl, r.klFromUniform(), 1e-12);
  }

  @Test
  void predictionsAreTheArgmaxOfEachRow() {
    DMatrixRMaj p = new DMatrixRMaj(new double[][] {{0.1, 0.9, 0}, {0.6, 0.3, 0.1}, {0.2, 0.3, 0.5}, {0, 1, 0}});
    ClassCoverage.Result r = ClassCoverage.of(p);
    assertArrayEquals(new int[] {1, 2, 1}, r.counts());
    assertEquals(3, r.covered());
    assertThrows(IllegalArgumentException.class, () -> ClassCoverage.ofPredictions(new int[] {0, 3}, 3));
    assertThrows(IllegalArgumentException.class, () -> ClassCoverage.ofPredictions(new int[0], 3));
  }
}
