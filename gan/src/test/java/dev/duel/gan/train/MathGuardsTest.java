package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.gan.models.MinibatchStdDev;
import dev.duel.nn.BatchNorm;
import dev.duel.nn.LayerNorm;
import dev.duel.nn.Module;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer does not silently break the math of docs/math.md: D's normalisation under gradient
 * penalties and spectral norm, the WGAN papers' optimiser defaults, D's outputs logged as probabilities
 * only for logit losses, minibatch std-dev in the models, and an instance-noise schedule that --epochs on
 * --resume does not move.
 */
class MathGuardsTest {
  @TempDir
  Path tmp;

  private static TrainConfig dcgan(String loss) {
    TrainConfig c = TinyData.smallMlp();
    c.model = "dcgan28";
    c.width = 2;
    c.batch = 4;
    c.limit = 2;
    c.epochs = 1;
    c.loss = loss;
    return c;
  }

  @Test
  void dNormDefaultsFollowThePenaltyAndSpectralNorm() {
    assertEquals("batch", dcgan("non-saturating").resolvedDNorm());
    assertEquals("layer", dcgan("wgan-gp").resolvedDNorm());
    TrainConfig r1 = dcgan("non-saturating");
    r1.r1 = 10f;
    assertEquals("layer", r1.resolvedDNorm());
    TrainConfig sn = dcgan("hinge");
    sn.spectralNorm = true;
    assertEquals("none", sn.resolvedDNorm());
    assertEquals("none", TinyData.smallMlp().resolvedDNorm());
    TrainConfig explicit = dcgan("wgan-gp");
    explicit.dNorm = "batch";
    assertEquals("batch", explicit.resolvedDNorm());

    TrainConfig mlpLayer = TinyData.smallMlp();
    mlpLayer.dNorm = "layer";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, mlpLayer::validate);
    assertTrue(e.getMessage().contains("--d-norm layer: mlp's D has no normalisation layer"), e.getMessage());
    TrainConfig bad = dcgan("wgan-gp");
    bad.dNorm = "group";
    assertTrue(assertThrows(IllegalArgumentException.class, bad::validate).getMessage().contains("batch, layer, none"));
  }

  @Test
  void warnsOnceWithTheReasonForEachBrokenSetting() {
    assertEquals(List.of(), dcgan("non-saturating").warnings());
    assertEquals(List.of(), dcgan("wgan-gp").withLossDefaults(Set.of()).warnings(), "the defaults break nothing");

    TrainConfig gpBn = dcgan("wgan-gp").withLossDefaults(Set.of());
    gpBn.dNorm = "batch";
    assertEquals(1, gpBn.warnings().size());
    assertTrue(gpBn.warnings().get(0).startsWith("--loss wgan-gp with a batch-normalised D: the penalty"), gpBn.warnings().get(0));
    TrainConfig r1Bn = dcgan("non-saturating");
    r1Bn.r1 = 1f;
    r1Bn.dNorm = "batch";
    assertTrue(r1Bn.warnings().get(0).startsWith("--r1 with a batch-normalised D"));

    TrainConfig snBn = dcgan("non-saturating");
    snBn.spectralNorm = true;
    snBn.dNorm = "batch";
    assertEquals(1, snBn.warnings().size());
    assertTrue(snBn.warnings().get(0).contains("undoes the Lipschitz bound"));

    TrainConfig wgan = dcgan("wgan");                         // without its defaults: k = 1, β1 = 0.5
    assertEquals(1, wgan.warnings().size());
    assertTrue(wgan.warnings().get(0).startsWith("--loss wgan with --d-steps 1 and --beta1 0.5"), wgan.warnings().get(0));
    assertFalse(wgan.warnings().get(0).contains("\n"));
  }

  @Test
  void wganLossesBringTheirPapersDefaultsUnlessGiven() {
    TrainConfig gp = dcgan("wgan-gp").withLossDefaults(Set.of());
    assertEquals(5, gp.dSteps);
    assertEquals(1e-4f, gp.lrG);
    assertEquals(1e-4f, gp.lrD);
    assertEquals(0f, gp.beta1);
    assertEquals(0.9f, gp.beta2);
    TrainConfig clip = dcgan("wgan").withLossDefaults(Set.of("lr-d", "d-steps"));
    assertEquals(5e-5f, clip.lrG);
    assertEquals(2e-4f, clip.lrD, "given: kept");
    assertEquals(1, clip.dSteps, "given: kept");
    assertEquals(0f, clip.beta1);
    assertEquals(0.99f, clip.beta2);
    TrainConfig ns = dcgan("non-saturating").withLossDefaults(Set.of());
    assertEquals(new TrainConfig().beta1, ns.beta1);
    assertEquals(1, ns.dSteps);
  }

  @Test
  void checkpointsFromBeforeDNormResumeWithTheirBatchNorm() {
    Map<String, Object> legacy = dcgan("wgan-gp").toJson();
    legacy.remove("d-norm");
    assertEquals("batch", TrainConfig.fromSaved(legacy, "state.json").resolvedDNorm());
    Map<String, Object> legacyMlp = TinyData.smallMlp().toJson();
    legacyMlp.remove("d-norm");
    assertEquals("none", TrainConfig.fromSaved(legacyMlp, "state.json").dNorm);
  }

  @Test
  void wganGpOnDcgan28UsesLayerNormSaysSoAndLogsRawScores() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Trainer t = new Trainer(dcgan("wgan-gp").withLossDefaults(Set.of("d-steps")), TinyData.dataset(), tmp, new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.startsWith("note: dcgan28's D uses layer norm, not batch norm: a gradient penalty"), out);
    assertFalse(out.contains("warning:"), out);
    assertTrue(t.discriminator().modules().stream().anyMatch(m -> m instanceof LayerNorm));
    assertFalse(t.discriminator().modules().stream().anyMatch(m -> m instanceof BatchNorm));
    assertEquals("layer", t.config().dNorm, "the resolved choice is saved with the run");
    t.train();
    Map<String, Object> line = ResumeTest.readMetrics(tmp.resolve("metrics.jsonl")).get(0);
    assertTrue(line.containsKey("score_real") && line.containsKey("score_fake"), line.toString());
    assertNull(line.get("d_real"), "a critic's output is not a logit: no σ(D(x))");
  }

  @Test
  void logitLossesLogProbabilities() throws IOException {
    TrainConfig c = TinyData.smallMlp();
    c.epochs = 1;
    c.limit = 1;
    new Trainer(c, TinyData.dataset(), tmp, ResumeTest.QUIET, false).train();
    Map<String, Object> line = ResumeTest.readMetrics(tmp.resolve("metrics.jsonl")).get(0);
    float real = ((Number) line.get("d_real")).floatValue();
    assertTrue(real > 0f && real < 1f, line.toString());
    assertNull(line.get("score_real"));
  }

  @Test
  void minibatchStdDevSitsBeforeDsLastLayer() throws IOException {
    for (String model : List.of("mlp", "dcgan28")) {
      TrainConfig c = model.equals("mlp") ? TinyData.smallMlp() : dcgan("non-saturating");
      c.minibatchStddev = true;
      c.validate();
      DiscriminatorNet d = GanModels.discriminator(c, Devices.cpu(), new Generator(1));
      List<Module> layers = d.modules();
      int at = -1;
      for (int i = 0; i < d.size(); i++) if (d.get(i) instanceof MinibatchStdDev) at = i;
      assertEquals(d.size() - 2, at, model + ": " + layers);
      Tensor x = new Generator(2).normal(Devices.cpu(), 0f, 1f, 4, 1, 28, 28);
      assertEquals(List.of(4, 1), List.of(d.score(x, null).shape()[0], d.score(x, null).shape()[1]));
      c.epochs = 1;
      c.limit = 2;
      new Trainer(c, TinyData.dataset(), tmp.resolve(model), ResumeTest.QUIET, false).train();
    }
    TrainConfig cgan = TinyData.smallMlp();
    cgan.model = "cgan-mlp";
    cgan.minibatchStddev = true;
    assertThrows(IllegalArgumentException.class, cgan::validate);
  }

  /**
   * A run of 1 epoch × 4 steps with instance noise, resumed at step 2 with --epochs 2: steps 3 and 4 are
   * bit-identical to the uninterrupted 1-epoch run's, because the horizon T = 4 was fixed at the start
   * (before, T became 8 on resume and σ jumped from σ₀·(1 − 2/4) to σ₀·(1 − 2/8)).
   */
  @Test
  void instanceNoiseKeepsItsHorizonWhenEpochsChangeOnResume() throws IOException {
    TrainConfig c = TinyData.smallMlp();
    c.instanceNoise = 0.5f;
    c.epochs = 1;
    c.limit = 4;
    c.checkpointEvery = 2;
    Path whole = tmp.resolve("whole");
    Trainer full = new Trainer(c, TinyData.dataset(), whole, ResumeTest.QUIET, false);
    assertEquals(4L, full.config().instanceNoiseSteps);
    full.train();
    List<Map<String, Object>> expected = ResumeTest.readMetrics(whole.resolve("metrics.jsonl"));

    TrainConfig longer = c.copy();
    longer.epochs = 2;
    Trainer resumed = new Trainer(longer, TinyData.dataset(), tmp.resolve("resumed"), ResumeTest.QUIET, false);
    assertEquals(8L, resumed.config().instanceNoiseSteps, "a fresh 2-epoch run would anneal over 8 steps");
    resumed.restore(Checkpoints.verify(whole.resolve("checkpoints/step-2")));
    assertEquals(4L, resumed.config().instanceNoiseSteps, "the resumed run keeps its own horizon");
    resumed.train();
    List<Map<String, Object>> got = ResumeTest.readMetrics(tmp.resolve("resumed/metrics.jsonl"));
    for (int i = 0; i < 2; i++) {
      for (String key : ResumeTest.EXACT) {
        assertEquals(expected.get(2 + i).get(key), got.get(i).get(key), "step " + (3 + i) + " " + key);
      }
    }
    assertEquals(6, got.size(), "then it trains on to step 8 with σ = 0");
  }

  /** cgan-mlp's G step draws its labels uniformly from the train stream: a resumed run still draws the same. */
  @Test
  void cganResumesBitIdenticallyWithUniformGLabels() throws IOException {
    TrainConfig c = TinyData.smallMlp();
    c.model = "cgan-mlp";
    c.epochs = 1;
    c.limit = 4;
    c.checkpointEvery = 2;
    Path whole = tmp.resolve("whole");
    Trainer full = new Trainer(c, TinyData.dataset(), whole, ResumeTest.QUIET, false);
    full.train();
    List<Map<String, Object>> expected = ResumeTest.readMetrics(whole.resolve("metrics.jsonl"));
    Trainer resumed = new Trainer(c, TinyData.dataset(), tmp.resolve("resumed"), ResumeTest.QUIET, false);
    resumed.restore(Checkpoints.verify(whole.resolve("checkpoints/step-2")));
    resumed.train();
    List<Map<String, Object>> got = ResumeTest.readMetrics(tmp.resolve("resumed/metrics.jsonl"));
    for (int i = 0; i < 2; i++) {
      for (String key : ResumeTest.EXACT) assertEquals(expected.get(2 + i).get(key), got.get(i).get(key), "step " + (3 + i) + " " + key);
    }
    ResumeTest.assertSameState(full, resumed);
  }
}
