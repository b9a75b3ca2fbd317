package dev.duel.gan.metrics;

import dev.duel.engine.Backend;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scores image sets against one reference set: the reference's features and Gaussian fit are computed
 * once, so a trainer can call {@link #fid} every few epochs cheaply, and {@link #evaluate} gives every
 * metric. Not thread-safe (the classifier's forward pass is not).
 *
 * <pre>{@code
 * Evaluator ev = Evaluator.standard(backend, null, 10_000, 0);       // shipped classifier, test split
 * double fid = ev.fid(new ImageSet(samples, n, "step 5000"));         // samples: n×1×28×28 in [-1, 1]
 * Evaluator.Report all = ev.evaluate(new ImageSet(samples, n, "step 5000"));
 * }</pre>
 */
public final class Evaluator {
  /**
   * @param kidSubsets     subsets for KID (100)
   * @param kidSubsetSize  their size m (1000)
   * @param k              the neighbour rank of precision/recall (3)
   * @param splits         splits of the classifier score (10)
   * @param seed           seed of KID's subset draws
   * @param batchSize      images per classifier forward pass
   */
  public record Settings(int kidSubsets, int kidSubsetSize, int k, int splits, long seed, int batchSize) {
    public static final Settings DEFAULT = new Settings(Kid.DEFAULT_SUBSETS, Kid.DEFAULT_SUBSET_SIZE,
        PrecisionRecall.DEFAULT_K, ClassifierScore.DEFAULT_SPLITS, 0, 500);
  }

  /** Every metric of one sample set. */
  public record Report(String samples, int sampleCount, String reference, int referenceCount, String classifierSha256,
                       double fid, Kid.Result kid, PrecisionRecall.Result precisionRecall,
                       ClassifierScore.Result classifierScore, ClassCoverage.Result coverage, double seconds) {

    /** The report as a JSON-ready map (see docs/evaluation.md for the fields). */
    public Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("samples", samples);
      m.put("sample_count", sampleCount);
      m.put("reference", reference);
      m.put("reference_count", referenceCount);
      m.put("classifier_sha256", classifierSha256);
      m.put("fid", fid);
      m.put("kid_mean", kid.mean());
      m.put("kid_std", kid.std());
      m.put("kid_subsets", kid.subsets());
      m.put("kid_subset_size", kid.subsetSize());
      m.put("precision", precisionRecall.precision());
      m.put("recall", precisionRecall.recall());
      m.put("pr_k", precisionRecall.k());
      m.put("classifier_score_mean", classifierScore.mean());
      m.put("classifier_score_std", classifierScore.std());
      m.put("classifier_score_splits", classifierScore.splits());
      m.put("classes_covered", coverage.covered());
      m.put("class_kl_from_uniform", coverage.klFromUniform());
      m.put("class_counts", coverage.counts());
      m.put("seconds", seconds);
      return m;
    }

    /** A plain-text table for people. */
    public String table() {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format("samples:    %s, n = %d%n", samples, sampleCount));
      sb.append(String.format("reference:  %s, n = %d%n", reference, referenceCount));
      sb.append(String.format("classifier: sha256 %s%n%n", classifierSha256.substring(0, 16) + "…"));
      sb.append(String.format("%-24s %-24s %s%n", "metric", "value", "better"));
      row(sb, "FID", String.format("%.3f", fid), "lower (0 = same Gaussian)");
      row(sb, "KID", String.format("%.5f ± %.5f", kid.mean(), kid.std()), "lower (≈0 = same distribution)");
      row(sb, "precision (k=" + precisionRecall.k() + ")", String.format("%.4f", precisionRecall.precision()), "higher (fidelity)");
      row(sb, "recall (k=" + precisionRecall.k() + ")", String.format("%.4f", precisionRecall.recall()), "higher (diversity)");
      row(sb, "classifier score", String.format("%.3f ± %.3f", classifierScore.mean(), classifierScore.std()), "higher (max 10)");
      row(sb, "classes covered", coverage.covered() + " / " + coverage.classes(), "higher (≥ 1% of samples each)");
      row(sb, "class KL from uniform", String.format("%.4f", coverage.klFromUniform()), "lower (one class = 2.303)");
      sb.append(String.format("%npredicted classes:%n"));
      int[] c = coverage.counts();
      for (int i = 0; i < c.length; i++) {
        sb.append(String.format("  %d %-12s %6d  %5.1f%%%n", i, dev.duel.gan.data.FashionMnist.className(i), c[i], 100.0 * c[i] / sampleCount));
      }
      return sb.toString();
    }

    private static void row(StringBuilder sb, String name, String value, String better) {
      sb.append(String.format("%-24s %-24s %s%n", name, value, better));
    }
  }

  private final ClassifierWeights.Loaded classifier;
  private final FeatureExtractor extractor;
  private final Settings settings;
  private final ImageSet reference;
  private final FeatureExtractor.Features referenceFeatures;
  private final GaussianFit referenceFit;

  public Evaluator(ClassifierWeights.Loaded classifier, Backend backend, ImageSet reference, Settings settings) {
    this.classifier = classifier;
    this.settings = settings;
    this.reference = reference;
    this.extractor = new FeatureExtractor(classifier.model(), backend, settings.batchSize());
    this.referenceFeatures = extractor.extract(reference.images(), reference.count());
    this.referenceFit = GaussianFit.of(referenceFeatures.features());
  }

  /**
   * The usual evaluator: the shipped classifier (sha256-checked), against {@code referenceCount} images of
   * the Fashion-MNIST test split (the shipped copy, or {@code dataFolder}) drawn with {@code seed}, default settings.
   */
  public static Evaluator standard(Backend backend, java.nio.file.Path dataFolder, int referenceCount, long seed) throws java.io.IOException {
    return new Evaluator(ClassifierWeights.load(backend, null), backend,
        referenceSplit(dataFolder, dev.duel.gan.data.ImageDataset.Split.TEST, referenceCount, seed), Settings.DEFAULT);
  }

  /** One split of Fashion-MNIST (the shipped copy, or {@code dataFolder}), at most {@code max} images drawn with {@code seed}. */
  public static ImageSet referenceSplit(java.nio.file.Path dataFolder, dev.duel.gan.data.ImageDataset.Split split, int max, long seed)
      throws java.io.IOException {
    var ds = dev.duel.gan.data.FashionMnist.load(dataFolder, split);
    if (ds.channels() != 1 || ds.height() != 28 || ds.width() != 28)
      throw new IllegalArgumentException("reference data of " + ds.channels() + "×" + ds.height() + "×" + ds.width() + " is not 28×28 grayscale");
    ImageSet all = new ImageSet(ds.images(), ds.size(), "Fashion-MNIST " + split.name().toLowerCase(java.util.Locale.ROOT));
    return all.randomSubset(max, seed);
  }

  /** FID of {@code samples} against the reference. */
  public double fid(ImageSet samples) {
    return Fid.distance(GaussianFit.of(extractor.extract(samples.images(), samples.count()).features()), referenceFit);
  }

  /** Every metric of {@code samples} against the reference. */
  public Report evaluate(ImageSet samples) {
    long t0 = System.nanoTime();
    FeatureExtractor.Features f = extractor.extract(samples.images(), samples.count());
    double fid = Fid.distance(GaussianFit.of(f.features()), referenceFit);
    Kid.Result kid = Kid.of(referenceFeatures.features(), f.features(), settings.kidSubsets(), settings.kidSubsetSize(), settings.seed());
    PrecisionRecall.Result pr = PrecisionRecall.of(referenceFeatures.features(), f.features(), settings.k());
    ClassifierScore.Result cs = ClassifierScore.of(f.probabilities(), Math.min(settings.splits(), samples.count()));
    ClassCoverage.Result cov = ClassCoverage.of(f.probabilities());
    return new Report(samples.description(), samples.count(), reference.description(), reference.count(), classifier.sha256(),
        fid, kid, pr, cs, cov, (System.nanoTime() - t0) / 1e9);
  }

  public ImageSet reference() {
    return reference;
  }

  /** The reference's features and class probabilities. */
  public FeatureExtractor.Features referenceFeatures() {
    return referenceFeatures;
  }
}
