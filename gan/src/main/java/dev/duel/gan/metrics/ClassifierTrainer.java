package dev.duel.gan.metrics;

import dev.duel.engine.Backend;
import dev.duel.engine.Generator;
import dev.duel.engine.Losses;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.gan.data.ImageDataset;
import dev.duel.gan.data.Shuffler;
import dev.duel.nn.optim.Adam;
import java.io.PrintWriter;

/**
 * Trains the {@link FashionClassifier} by minimising the cross-entropy −log softmax(f(x))[y] with Adam
 * (betas 0.9, 0.999) on mini-batches reshuffled every epoch, the learning rate annealed on a cosine from
 * lr to 0 over the run: lr_t = lr·(1 + cos(π·t/T))/2 for step t of T. Each batch is flipped left–right
 * with probability ½ per image when {@code flip} is on (Fashion-MNIST's classes are mirror-symmetric).
 * Everything is drawn from the seed: the initial weights and dropout (Philox), the batch order and flips
 * (SplitMix64), so a run is reproducible on the same engine build.
 */
public final class ClassifierTrainer {
  /**
   * @param epochs passes over the training set
   * @param batch  images per step
   * @param lr     Adam's peak learning rate
   * @param seed   the run's seed
   * @param flip   random horizontal flips
   */
  public record Options(int epochs, int batch, float lr, long seed, boolean flip) {
    public Options {
      if (epochs < 1) throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
      if (batch < 1) throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
      if (!(lr > 0) || !Float.isFinite(lr)) throw new IllegalArgumentException("--lr must be positive, got " + lr);
    }
  }

  /** The trained model and its accuracy on the evaluation set after each epoch. */
  public record Result(FashionClassifier model, double[] testAccuracy, double trainSeconds) {
    public double finalAccuracy() {
      return testAccuracy[testAccuracy.length - 1];
    }
  }

  private ClassifierTrainer() {}

  public static Result train(ImageDataset trainSet, ImageDataset testSet, Options o, Backend backend, PrintWriter log) {
    requireImages(trainSet, "training");
    requireImages(testSet, "test");
    FashionClassifier model = new FashionClassifier(backend, new Generator(o.seed()));
    Adam adam = new Adam(model.parameters(), o.lr(), 0.9f, 0.999f);
    Shuffler shuffler = new Shuffler(trainSet.size(), o.batch(), false, o.seed());
    dev.duel.gan.data.SplitMix64 flips = new dev.duel.gan.data.SplitMix64(o.seed() ^ 0x5DEECE66DL);
    long total = (long) o.epochs() * shuffler.batchesPerEpoch();
    int per = ImageSet.PIXELS;
    int[] idx = new int[o.batch()];
    int[] labels = new int[o.batch()];
    float[] images = new float[o.batch() * per];
    double[] acc = new double[o.epochs()];
    long start = System.nanoTime();
    long step = 0;
    for (int epoch = 0; epoch < o.epochs(); epoch++) {
      model.train(true);
      double lossSum = 0;
      long correct = 0, seen = 0;
      long epochStart = System.nanoTime();
      for (int b = 0; b < shuffler.batchesPerEpoch(); b++) {
        int n = shuffler.next(idx);
        trainSet.gather(idx, n, images, labels);
        if (o.flip()) for (int i = 0; i < n; i++) if ((flips.nextLong() & 1) == 1) flipRow(images, i * per);
        int[] y = n == labels.length ? labels : java.util.Arrays.copyOf(labels, n);
        adam.setLr((float) (o.lr() * 0.5 * (1 + Math.cos(Math.PI * step / total))));
        try (MemoryScope scope = MemoryScope.open()) {
          Tensor x = Tensor.of(backend, n == o.batch() ? images : java.util.Arrays.copyOf(images, n * per), n, 1, 28, 28);
          Tensor logits = model.forward(x);
          Tensor loss = Losses.crossEntropy(logits, y);
          adam.zeroGrad();
          loss.backward();
          adam.step();
          float l = loss.item();
          if (!Float.isFinite(l)) throw new ArithmeticException("classifier training diverged (loss " + l + ") at epoch " + (epoch + 1)
              + ", step " + (b + 1) + "; lower --lr");
          lossSum += l * n;
          correct += countCorrect(logits.toArray(), y, FashionClassifier.CLASSES);
          seen += n;
        }
        step++;
        if (log != null && (b + 1) % 100 == 0) {
          log.printf("epoch %d step %d/%d  loss %.4f  train acc %.4f  %.1f ms/step%n", epoch + 1, b + 1, shuffler.batchesPerEpoch(),
              lossSum / seen, (double) correct / seen, (System.nanoTime() - epochStart) / 1e6 / (b + 1));
          log.flush();
        }
      }
      acc[epoch] = accuracy(model, testSet, backend);
      if (log != null) {
        log.printf("epoch %d done: loss %.4f  train acc %.4f  test acc %.4f  (%.0f s)%n", epoch + 1, lossSum / seen,
            (double) correct / seen, acc[epoch], (System.nanoTime() - epochStart) / 1e9);
        log.flush();
      }
    }
    model.eval();
    return new Result(model, acc, (System.nanoTime() - start) / 1e9);
  }

  /** The fraction of {@code data} whose argmax prediction equals its label. */
  public static double accuracy(FashionClassifier model, ImageDataset data, Backend backend) {
    FeatureExtractor.Features f = new FeatureExtractor(model, backend, 500).extract(data.images(), data.size());
    int k = FashionClassifier.CLASSES;
    long correct = 0;
    for (int i = 0; i < data.size(); i++) {
      int best = 0;
      for (int c = 1; c < k; c++) if (f.probabilities().data[i * k + c] > f.probabilities().data[i * k + best]) best = c;
      if (best == data.labels()[i]) correct++;
    }
    return (double) correct / data.size();
  }

  private static long countCorrect(float[] logits, int[] y, int k) {
    long correct = 0;
    for (int i = 0; i < y.length; i++) {
      int best = 0;
      for (int c = 1; c < k; c++) if (logits[i * k + c] > logits[i * k + best]) best = c;
      if (best == y[i]) correct++;
    }
    return correct;
  }

  /** Mirrors one 28×28 image left–right in place. */
  static void flipRow(float[] images, int off) {
    for (int r = 0; r < 28; r++) {
      int row = off + r * 28;
      for (int c = 0; c < 14; c++) {
        float t = images[row + c];
        images[row + c] = images[row + 27 - c];
        images[row + 27 - c] = t;
      }
    }
  }

  private static void requireImages(ImageDataset d, String what) {
    if (d.channels() != 1 || d.height() != 28 || d.width() != 28)
      throw new IllegalArgumentException("the " + what + " set has images of " + d.channels() + "×" + d.height() + "×" + d.width()
          + "; the classifier needs 1×28×28");
    if (d.size() < 1) throw new IllegalArgumentException("the " + what + " set is empty");
    for (int y : d.labels()) if (y >= FashionClassifier.CLASSES)
      throw new IllegalArgumentException("the " + what + " set has label " + y + "; the classifier knows 10 classes");
  }
}
