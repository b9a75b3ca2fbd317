package dev.duel.gan.train;

import dev.duel.engine.Backend;
import dev.duel.gan.models.GeneratorNet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * FID during training ({@code --fid-every E}): after every E-th epoch, and after the last epoch of the
 * run, {@code --fid-samples} images of G (of G-EMA when the run keeps one) are scored against the
 * {@link FidScorer}'s reference and logged as a metrics.jsonl line
 * <pre>{"type":"eval","step":1874,"epoch":2,"fid":93.41,"samples":10000,"generator":"ema","noise_seed":…,"ms":9120.5}</pre>
 *
 * <p>It cannot change training: the images come from {@link Samples#fromSeed} (eval mode, so BatchNorm
 * reads its running statistics and updates none; no graph; the model's mode restored), on noise of the
 * run's own "eval" Philox stream ({@link RunStreams#eval}), drawn afresh from offset 0 each time by a
 * Generator of its own: no draw of the train, init, fixed or data streams. Every evaluation therefore
 * uses the same z, and the logged score is exactly what {@code duel eval CKPT --samples N --seed
 * noise_seed [--ema]} gives on the epoch's checkpoint (both sample in batches of {@link #BATCH}).
 */
final class TrainingFid {
  /** Images per generator forward pass: {@code duel eval}'s default --batch, so both give the same bits. */
  static final int BATCH = 500;

  private final FidScorer scorer;
  private final int every, samples;
  private final long noiseSeed;

  TrainingFid(FidScorer scorer, TrainConfig cfg) {
    this.scorer = scorer;
    this.every = cfg.fidEvery;
    this.samples = cfg.fidSamples;
    this.noiseSeed = RunStreams.eval(cfg.seed);
  }

  /** True after epoch {@code epoch} (1-based) of a run of {@code epochs}: a multiple of E, or the last. */
  boolean due(int epoch, int epochs) {
    return every > 0 && (epoch % every == 0 || epoch == epochs);
  }

  /** One score: the metrics.jsonl line (fid null, and "error", when the samples or features were not finite). */
  Map<String, Object> score(GeneratorNet net, boolean ema, Backend backend, long step, int epoch) {
    long t0 = System.nanoTime();
    Object fid;
    String error = null;
    try {
      fid = scorer.fid(Samples.fromSeed(net, backend, samples, noiseSeed, BATCH), samples);
    } catch (ArithmeticException e) {      // NaN/Inf pixels or features: report it, training goes on
      fid = null;
      error = e.getMessage();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "eval");
    m.put("step", step);
    m.put("epoch", epoch);
    m.put("fid", fid);
    m.put("samples", samples);
    m.put("generator", ema ? "ema" : "g");
    m.put("noise_seed", noiseSeed);
    m.put("ms", Math.round((System.nanoTime() - t0) / 1e3) / 1000.0);
    if (error != null) m.put("error", error);
    return m;
  }

  /** "Epoch 3/20  FID 42.12  (10000 samples of G-EMA, 9.1 s)". */
  static String consoleLine(Map<String, Object> line, int epochs) {
    String who = "ema".equals(line.get("generator")) ? "G-EMA" : "G";
    String score = line.get("fid") instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : "not computed: " + line.get("error");
    return String.format(Locale.ROOT, "Epoch %d/%d  FID %s  (%d samples of %s, %.1f s)", (Integer) line.get("epoch"), epochs, score,
        (Integer) line.get("samples"), who, ((Double) line.get("ms")) / 1000);
  }
}
