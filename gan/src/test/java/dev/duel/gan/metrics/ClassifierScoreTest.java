package dev.duel.gan.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class ClassifierScoreTest {
  static DMatrixRMaj oneHot(int[] labels, int k) {
    DMatrixRMaj p = new DMatrixRMaj(labels.length, k);
    for (int i = 0; i < labels.length; i++) p.set(i, labels[i], 1);
    return p;
  }

  @Test
  void confidentAndBalancedScoresTheNumberOfClasses() {
    int[] y = new int[100];
    for (int i = 0; i < y.length; i++) y[i] = i % 10;
    ClassifierScore.Result r = ClassifierScore.of(oneHot(y, 10), 10);
    assertEquals(10.0, r.mean(), 1e-12);
    assertEquals(0.0, r.std(), 1e-12);
  }

  @Test
  void collapsedOrUnsureScoresOne() {
    assertEquals(1.0, ClassifierScore.of(oneHot(new int[50], 10), 5).mean(), 1e-12);
    DMatrixRMaj flat = new DMatrixRMaj(40, 10);
    java.util.Arrays.fill(flat.data, 0.1);
    assertEquals(1.0, ClassifierScore.of(flat, 1).mean(), 1e-12);
  }

  @Test
  void halfTheClassesScoresFiveAndSplitsDiffer() {
    // Split 1: classes 0..4 one-hot, balanced → 5; split 2: all class 0 → 1. Mean 3, std 2.
    int[] y = new int[20];
    for (int i = 0; i < 10; i++) y[i] = i % 5;
    ClassifierScore.Result r = ClassifierScore.of(oneHot(y, 10), 2);
    assertEquals(3.0, r.mean(), 1e-12);
    assertEquals(2.0, r.std(), 1e-12);
  }

  @Test
  void matchesTheKlFormulaOnSoftPredictions() {
    DMatrixRMaj p = new DMatrixRMaj(new double[][] {{0.7, 0.2, 0.1}, {0.1, 0.8, 0.1}, {0.3, 0.3, 0.4}});
    double[] marg = {1.1 / 3, 1.3 / 3, 0.6 / 3};
    double kl = 0;
    for (int i = 0; i < 3; i++) for (int c = 0; c < 3; c++) kl += p.get(i, c) * Math.log(p.get(i, c) / marg[c]);
    assertEquals(Math.exp(kl / 3), ClassifierScore.of(p, 1).mean(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> ClassifierScore.of(p, 4));
  }

  @Test
  void softmaxIsStableAndNormalised() {
    double[] out = new double[3];
    FeatureExtractor.softmax(new float[] {1000f, 1000f, -1000f}, 0, 3, out, 0);
    assertArrayEquals(new double[] {0.5, 0.5, 0}, out, 1e-12);
  }
}
