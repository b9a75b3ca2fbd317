package dev.duel.gan.metrics;

import dev.duel.engine.Backend;
import dev.duel.engine.GradMode;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import org.ejml.data.DMatrixRMaj;

/**
 * Runs the classifier over a set of images, batch by batch without recording gradients, and collects its
 * 128-d features and its class probabilities p(y|x) = softmax(logits) in float64 matrices.
 */
public final class FeatureExtractor {
  private final FashionClassifier model;
  private final Backend backend;
  private final int batchSize;

  /** Features N×128 and class probabilities N×10 of N images. */
  public record Features(DMatrixRMaj features, DMatrixRMaj probabilities) {
    public int count() {
      return features.numRows;
    }
  }

  public FeatureExtractor(FashionClassifier model, Backend backend, int batchSize) {
    if (batchSize < 1) throw new IllegalArgumentException("feature batch size must be at least 1, got " + batchSize);
    this.model = model;
    this.backend = backend;
    this.batchSize = batchSize;
  }

  /** images: n×1×28×28 floats in [−1, 1], row-major. The model is put in eval mode. */
  public Features extract(float[] images, int n) {
    int per = 28 * 28;
    if ((long) n * per != images.length)
      throw new IllegalArgumentException("features: " + n + " images of 28×28 need " + (long) n * per + " floats, got " + images.length);
    if (n < 1) throw new IllegalArgumentException("features of an empty image set");
    model.eval();
    int d = FashionClassifier.FEATURES, k = FashionClassifier.CLASSES;
    DMatrixRMaj feats = new DMatrixRMaj(n, d), probs = new DMatrixRMaj(n, k);
    float[] batch = new float[Math.min(batchSize, n) * per];
    for (int start = 0; start < n; start += batchSize) {
      int b = Math.min(batchSize, n - start);
      if (b * per != batch.length) batch = new float[b * per];
      System.arraycopy(images, start * per, batch, 0, b * per);
      try (MemoryScope scope = MemoryScope.open(); GradMode g = GradMode.disabled()) {
        FashionClassifier.Outputs out = model.run(Tensor.of(backend, batch, b, 1, 28, 28));
        float[] f = out.features().toArray();
        float[] logits = out.logits().toArray();
        for (int i = 0; i < b * d; i++) feats.data[start * d + i] = f[i];
        for (int i = 0; i < b; i++) softmax(logits, i * k, k, probs.data, (start + i) * k);
      }
    }
    for (double v : feats.data) {
      if (!Double.isFinite(v)) throw new ArithmeticException("the classifier produced NaN/Inf features: are the images finite?");
    }
    return new Features(feats, probs);
  }

  /** out[o + c] = exp(x_c − max) / Σ exp(x_j − max), in float64. */
  static void softmax(float[] x, int off, int k, double[] out, int o) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) max = Math.max(max, x[off + c]);
    double sum = 0;
    for (int c = 0; c < k; c++) sum += out[o + c] = Math.exp(x[off + c] - max);
    for (int c = 0; c < k; c++) out[o + c] /= sum;
  }
}
