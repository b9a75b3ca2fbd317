package dev.duel.gan.metrics;

import org.ejml.data.DMatrixRMaj;

/**
 * The classifier score: the Inception Score's formula (Salimans et al. 2016) over Duel's Fashion-MNIST
 * classifier instead of Inception,
 * <pre>
 *   CS = exp( E_x KL( p(y|x) ‖ p(y) ) ),   p(y) = E_x p(y|x),   KL(p ‖ q) = Σ_y p_y·log(p_y / q_y)
 * </pre>
 * (0·log 0 = 0). In [1, 10] for 10 classes: high when each sample is classified confidently (low
 * entropy p(y|x)) and the classes are used evenly (high entropy p(y)). As in the original code, the
 * samples are cut into {@code splits} consecutive parts (part s is rows [s·N/splits, (s+1)·N/splits)),
 * the score is computed on each, and the mean and standard deviation (ddof 0) are reported.
 */
public final class ClassifierScore {
  private ClassifierScore() {}

  public static final int DEFAULT_SPLITS = 10;

  /** @param mean the mean score over splits; @param std its standard deviation; @param splits the parts */
  public record Result(double mean, double std, int splits) {}

  /** probabilities: N×K rows of p(y|x) (each row sums to 1). */
  public static Result of(DMatrixRMaj probabilities, int splits) {
    int n = probabilities.numRows;
    if (splits < 1 || splits > n)
      throw new IllegalArgumentException("classifier score: " + splits + " splits of " + n + " samples (want 1 ≤ splits ≤ N)");
    double[] scores = new double[splits];
    for (int s = 0; s < splits; s++) {
      scores[s] = score(probabilities, (int) ((long) s * n / splits), (int) ((long) (s + 1) * n / splits));
    }
    double mean = 0;
    for (double v : scores) mean += v;
    mean /= splits;
    double var = 0;
    for (double v : scores) var += (v - mean) * (v - mean);
    return new Result(mean, Math.sqrt(var / splits), splits);
  }

  /** exp(mean over rows [r0, r1) of KL(p(y|x) ‖ p(y))), p(y) the mean of those rows. */
  static double score(DMatrixRMaj p, int r0, int r1) {
    int k = p.numCols;
    double[] marginal = new double[k];
    for (int i = r0; i < r1; i++) for (int c = 0; c < k; c++) marginal[c] += p.data[i * k + c];
    for (int c = 0; c < k; c++) marginal[c] /= (r1 - r0);
    double kl = 0;
    for (int i = r0; i < r1; i++) {
      for (int c = 0; c < k; c++) {
        double pc = p.data[i * k + c];
        if (pc > 0) kl += pc * (Math.log(pc) - Math.log(marginal[c]));
      }
    }
    return Math.exp(kl / (r1 - r0));
  }
}
