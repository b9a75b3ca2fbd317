package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Devices;
import dev.duel.gan.data.ImageDataset;
import dev.duel.gan.metrics.CheckpointSampler;
import dev.duel.gan.metrics.ClassifierWeights;
import dev.duel.gan.metrics.Evaluator;
import dev.duel.gan.metrics.ImageSet;
import dev.duel.nn.state.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --fid-every: the eval lines land after the right epochs with a finite FID, equal to what duel eval
 * computes from the epoch's checkpoint, and scoring changes nothing of the training — losses, D outputs,
 * gradient norms and final weights are bit-identical to the same run without it, and a resumed run
 * still reproduces the uninterrupted one, eval lines included.
 */
class TrainingFidTest {
  static final int SAMPLES = 200;
  private static Evaluator evaluator;

  @TempDir
  Path tmp;

  /** The shipped classifier against 500 test images (not 10,000: the tests stay fast); built once. */
  static synchronized Evaluator evaluator() throws IOException {
    if (evaluator == null) {
      ImageSet reference = Evaluator.referenceSplit(null, ImageDataset.Split.TEST, 500, 0);
      evaluator = new Evaluator(ClassifierWeights.load(Devices.cpu(), null), Devices.cpu(), reference, Evaluator.Settings.DEFAULT);
    }
    return evaluator;
  }

  static FidScorer scorer() throws IOException {
    Evaluator ev = evaluator();
    return (images, n) -> ev.fid(new ImageSet(images, n, "test samples"));
  }

  static TrainConfig withFid(TrainConfig c, int every) {
    TrainConfig f = c.copy();
    f.fidEvery = every;
    f.fidSamples = SAMPLES;
    return f;
  }

  private Trainer run(TrainConfig c, String name) throws IOException {
    Trainer t = new Trainer(c, TinyData.dataset(), tmp.resolve(name), ResumeTest.QUIET, false);
    if (c.fidEvery > 0) t.scoreFidWith(scorer());
    t.train();
    return t;
  }

  // ---- (a) scoring does not perturb training ------------------------------------------------------

  /** G-EMA is scored (the shadow model, kept in eval mode); the EMA update must see the same G. */
  @Test
  void mlpWithEmaTrainsBitIdenticallyWithAndWithoutFid() throws IOException {
    TrainConfig c = TinyData.smallMlp();
    c.emaDecay = 0.9f;
    checkUnperturbed(c, "ema");
  }

  /**
   * The training G itself is scored, with BatchNorm in it: sampling must switch it to eval mode (no
   * running-statistics update) and back, or the next steps' numbers change.
   */
  @Test
  void dcganTrainsBitIdenticallyWithAndWithoutFid() throws IOException {
    TrainConfig c = TinyData.smallMlp();
    c.model = "dcgan28";
    c.width = 2;
    c.batch = 4;
    c.limit = 3;
    checkUnperturbed(c, "g");
  }

  private void checkUnperturbed(TrainConfig c, String generator) throws IOException {
    Trainer plain = run(c, "plain");
    Trainer scored = run(withFid(c, 1), "scored");
    List<Map<String, Object>> a = lines(tmp.resolve("plain/metrics.jsonl")), b = lines(tmp.resolve("scored/metrics.jsonl"));
    List<Map<String, Object>> evals = evalLines(b), steps = stepLines(b);
    assertEquals(a, stepLines(a), "no eval line without --fid-every");
    assertEquals(a.size(), steps.size());
    for (int i = 0; i < a.size(); i++) {
      for (String key : ResumeTest.EXACT) assertEquals(a.get(i).get(key), steps.get(i).get(key), "step " + (i + 1) + " " + key);
    }
    ResumeTest.assertSameState(plain, scored);
    assertEquals(c.epochs, evals.size(), "one eval per epoch with --fid-every 1");
    for (Map<String, Object> e : evals) {
      assertTrue(e.get("fid") instanceof Double f && Double.isFinite(f) && f > 0, "finite FID: " + e);
      assertEquals(generator, e.get("generator"));
      assertEquals((long) SAMPLES, e.get("samples"));
    }
  }

  // ---- where the eval lines land ------------------------------------------------------------------

  @Test
  void scoresEveryNthEpochAndTheLastRightAfterItsLastStep() throws IOException {
    TrainConfig c = TinyData.smallMlp();
    c.limit = 2;
    c.epochs = 3;
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Trainer t = new Trainer(withFid(c, 2), TinyData.dataset(), tmp.resolve("run"), new PrintStream(console, true, StandardCharsets.UTF_8), false);
    t.scoreFidWith(scorer()).train();
    List<Map<String, Object>> all = lines(tmp.resolve("run/metrics.jsonl"));
    assertEquals(6 + 2, all.size());
    // epoch 2 (a multiple of 2) after step 4; epoch 3 (the last) after step 6; none after epoch 1
    assertEquals("eval", all.get(4).get("type"));
    assertEquals(4L, all.get(4).get("step"));
    assertEquals(2L, all.get(4).get("epoch"));
    assertEquals("eval", all.get(7).get("type"));
    assertEquals(6L, all.get(7).get("step"));
    assertEquals(3L, all.get(7).get("epoch"));
    assertEquals(RunStreams.eval(c.seed), all.get(7).get("noise_seed"));
    assertTrue(all.get(7).get("ms") instanceof Double ms && ms > 0, all.get(7).toString());
    String out = console.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("Epoch 2/3  FID ") && out.contains("Epoch 3/3  FID ") && !out.contains("Epoch 1/3  FID"), out);
    assertTrue(out.contains("(200 samples of G, "), out);
  }

  /** The logged score is exactly duel eval's: the epoch's checkpoint sampled with noise_seed, in batches of 500. */
  @Test
  void loggedFidIsWhatDuelEvalComputesFromTheCheckpoint() throws IOException {
    TrainConfig c = withFid(TinyData.smallMlp(), 1);
    c.emaDecay = 0.9f;
    run(c, "run");
    Map<String, Object> last = evalLines(lines(tmp.resolve("run/metrics.jsonl"))).getLast();
    long step = (Long) last.get("step");
    ImageSet fromCheckpoint = CheckpointSampler.sample(tmp.resolve("run/checkpoints/step-" + step), CheckpointSampler.EMA_WEIGHTS,
        Devices.cpu(), SAMPLES, (Long) last.get("noise_seed"), 500, ResumeTest.QUIET);
    assertEquals(evaluator().fid(fromCheckpoint), (Double) last.get("fid"), 0.0);
  }

  // ---- (b) resume stays exact ---------------------------------------------------------------------

  @Test
  void resumedRunsReproduceStepsAndScores() throws IOException {
    TrainConfig c = withFid(TinyData.smallMlp(), 1);
    c.emaDecay = 0.9f;
    run(c, "whole");
    List<Map<String, Object>> expected = lines(tmp.resolve("whole/metrics.jsonl"));
    for (long k : new long[] {4, 6}) {            // mid-epoch 1, and the end of epoch 1 (after its score)
      Trainer t = new Trainer(c, TinyData.dataset(), tmp.resolve("resumed-" + k), ResumeTest.QUIET, false);
      t.restore(Checkpoints.verify(tmp.resolve("whole/checkpoints/step-" + k)));
      t.scoreFidWith(scorer()).train();
      List<Map<String, Object>> want = new ArrayList<>();
      for (Map<String, Object> m : expected) if ((Long) m.get("step") > k) want.add(withoutTimes(m));
      List<Map<String, Object>> got = new ArrayList<>();
      for (Map<String, Object> m : lines(tmp.resolve("resumed-" + k + "/metrics.jsonl"))) got.add(withoutTimes(m));
      assertEquals(want, got, "resumed at " + k);
    }
  }

  /** A run resumed at an epoch's end keeps that epoch's eval line (written before the checkpoint) and drops later ones. */
  @Test
  void resumingTheLogKeepsTheScoreOfTheCheckpointStep() throws IOException {
    Path f = tmp.resolve("metrics.jsonl");
    Files.writeString(f, "{\"step\":6,\"d_loss\":0.5}\n{\"type\":\"eval\",\"step\":6,\"epoch\":1,\"fid\":80.5}\n"
        + "{\"step\":7,\"d_loss\":0.4}\n{\"type\":\"eval\",\"step\":12,\"epoch\":2,\"fid\":70.25}\n");
    try (MetricsLog log = MetricsLog.resumeAt(f, 6)) {
      assertEquals(f, log.file());
    }
    assertEquals(List.of("{\"step\":6,\"d_loss\":0.5}", "{\"type\":\"eval\",\"step\":6,\"epoch\":1,\"fid\":80.5}"), Files.readAllLines(f));
  }

  // ---- failures -----------------------------------------------------------------------------------

  @Test
  void fidEveryWithoutAScorerIsRefusedBeforeTraining() {
    Trainer t = new Trainer(withFid(TinyData.smallMlp(), 1), TinyData.dataset(), tmp.resolve("x"), ResumeTest.QUIET, false);
    IllegalStateException e = assertThrows(IllegalStateException.class, t::train);
    assertTrue(e.getMessage().contains("scoreFidWith"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("x")), "nothing written");
  }

  /** A score that cannot be computed (NaN features) is logged as null with the reason; training goes on. */
  @Test
  void anUncomputableScoreIsLoggedAndTrainingContinues() throws IOException {
    TrainConfig c = withFid(TinyData.smallMlp(), 1);
    Trainer t = new Trainer(c, TinyData.dataset(), tmp.resolve("run"), ResumeTest.QUIET, false);
    t.scoreFidWith((images, n) -> {
      throw new ArithmeticException("FID is NaN: the features hold NaN or Inf");
    }).train();
    assertEquals(t.totalSteps(), t.step());
    List<Map<String, Object>> evals = evalLines(lines(tmp.resolve("run/metrics.jsonl")));
    assertEquals(2, evals.size());
    assertNull(evals.getFirst().get("fid"));
    assertTrue(evals.getFirst().containsKey("fid") && evals.getFirst().get("error").toString().contains("NaN"), evals.getFirst().toString());
  }

  @Test
  void optionsAreValidatedAndMayChangeOnResume() {
    TrainConfig bad = new TrainConfig().with(Map.of("fid-every", -1L, "fid-samples", 1L), "test");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::validate);
    assertTrue(e.getMessage().contains("--fid-every") && e.getMessage().contains("--fid-samples"), e.getMessage());
    TrainConfig saved = new TrainConfig();
    assertEquals(0, saved.fidEvery, "off by default");
    assertEquals(10_000, saved.fidSamples);
    assertEquals(List.of(), withFid(saved, 3).differencesFrom(saved), "scoring changes no number of the run");
  }

  // ---- reading metrics.jsonl ----------------------------------------------------------------------

  static List<Map<String, Object>> lines(Path file) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) out.add(Json.parseObject(line));
    return out;
  }

  /** Training lines: those without a "type". */
  static List<Map<String, Object>> stepLines(List<Map<String, Object>> all) {
    return all.stream().filter(m -> !m.containsKey("type")).toList();
  }

  static List<Map<String, Object>> evalLines(List<Map<String, Object>> all) {
    return all.stream().filter(m -> "eval".equals(m.get("type"))).toList();
  }

  /** A line without its wall-clock fields, which differ from run to run. */
  private static Map<String, Object> withoutTimes(Map<String, Object> m) {
    Map<String, Object> c = new java.util.LinkedHashMap<>(m);
    c.remove("ms");
    c.remove("ms_per_step");
    return c;
  }
}
