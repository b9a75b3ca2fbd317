package dev.duel.gan.metrics;

import org.ejml.data.DMatrixRMaj;

/**
 * Class coverage: how a sample set spreads over the 10 classes, by the classifier's argmax prediction.
 * With h_c the fraction of samples predicted as class c (K = 10 classes):
 * <ul>
 *   <li><b>covered</b> = #{c : h_c ≥ τ}, τ = {@link #HIT_FRACTION} = 0.01 (a tenth of the uniform share
 *       1/K): the number of classes the samples really hit, K for a model that produces every class,
 *       1 for a model collapsed onto one;</li>
 *   <li><b>KL from uniform</b> = KL(h ‖ U) = Σ_c h_c·log(K·h_c) (0·log 0 = 0), in nats: 0 when every
 *       class gets exactly 1/K, log K = 2.303 when everything falls in one class — the mode-collapse
 *       number.</li>
 * </ul>
 * A balanced real split scores K and ≈ 0 (not exactly 0: the classifier makes mistakes and the test
 * split is balanced by truth, not by prediction).
 */
public final class ClassCoverage {
  private ClassCoverage() {}

  /** Smallest fraction of the samples a class needs to count as covered. */
  public static final double HIT_FRACTION = 0.01;

  /**
   * @param counts         samples per predicted class
   * @param covered        classes with at least {@link #HIT_FRACTION} of the samples
   * @param klFromUniform  KL(h ‖ U) in nats
   */
  public record Result(int[] counts, int covered, double klFromUniform) {
    public int classes() {
      return counts.length;
    }
  }

  /** From N×K class probabilities (or logits): the argmax of each row is its predicted class. */
  public static Result of(DMatrixRMaj probabilities) {
    int n = probabilities.numRows, k = probabilities.numCols;
    int[] predicted = new int[n];
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int c = 1; c < k; c++) if (probabilities.data[i * k + c] > probabilities.data[i * k + best]) best = c;
      predicted[i] = best;
    }
    return ofPredictions(predicted, k);
  }

  /** From predicted labels in [0, classes). */
  public static Result ofPredictions(int[] predicted, int classes) {
    if (classes < 1) throw new IllegalArgumentException("class coverage needs at least one class, got " + classes);
    if (predicted.length == 0) throw new IllegalArgumentException("class coverage of an empty sample set");
    int[] counts = new int[classes];
    for (int i = 0; i < predicted.length; i++) {
      int c = predicted[i];
      if (c < 0 || c >= classes) throw new IllegalArgumentException("class coverage: prediction " + c + " at index " + i + " outside [0, " + classes + ")");
      counts[c]++;
    }
    return ofCounts(counts);
  }

  /** From a histogram of predictions. */
  public static Result ofCounts(int[] counts) {
    long n = 0;
    for (int c : counts) {
      if (c < 0) throw new IllegalArgumentException("class coverage: negative count " + c);
      n += c;
    }
    if (n == 0) throw new IllegalArgumentException("class coverage of an empty histogram");
    int k = counts.length, covered = 0;
    double kl = 0;
    for (int c : counts) {
      double h = (double) c / n;
      if (h >= HIT_FRACTION) covered++;
      if (h > 0) kl += h * Math.log(k * h);
    }
    return new Result(counts.clone(), covered, kl);
  }
}
