package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.gan.data.PairedData;
import dev.duel.gan.data.TaskPairs;
import dev.duel.nn.state.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pix2pix run interrupted at a checkpoint and resumed by a fresh trainer computes, bit for bit, the
 * losses, D outputs, gradient norms and final weights (G, D, G-EMA) of the run never interrupted: the
 * dropout masks, the task's holes and noise, instance noise and the penalties' draws all come from
 * saved state.
 */
class Pix2PixResumeTest {
  /** The metrics every pix2pix step logs (with D), compared exactly. */
  static final List<String> EXACT = List.of("step", "epoch", "d_loss", "g_loss", "g_gan", "l1", "grad_norm_g", "grad_norm_d");

  @TempDir
  Path tmp;

  /** pix2pix on TinyData's 512 images: width 2, batches of 4, 3 steps per epoch, 2 epochs, a checkpoint every 2 steps. */
  static TrainConfig small(String task) {
    TrainConfig c = new TrainConfig();
    c.model = "pix2pix";
    c.task = task;
    c.width = 2;
    c.batch = 4;
    c.limit = 3;
    c.epochs = 2;
    c.checkpointEvery = 2;
    c.keepCheckpoints = 10;
    return c;
  }

  static PairedData pairs(TrainConfig c) {
    return new TaskPairs(TinyData.dataset(), c.task, TranslationData.params(c), "tiny Fashion-MNIST");
  }

  /** The paper's setting: non-saturating + 100·L1, batch-normalised D, dropout in G. */
  @Test
  void edgesResumesBitIdentically() throws IOException {
    checkResume(small("edges"), 2, 3);
  }

  /** Random holes per batch, instance noise on both pairs, two D steps, least squares, G-EMA, TTUR. */
  @Test
  void inpaintWithStabilisersResumesBitIdentically() throws IOException {
    TrainConfig c = small("inpaint");
    c.loss = "lsgan";
    c.instanceNoise = 0.1f;
    c.dSteps = 2;
    c.emaDecay = 0.9f;
    c.lrD = 4e-4f;
    c.limit = 2;
    checkResume(c, 2);
  }

  /** WGAN-GP: layer-normalised PatchGAN, the penalty's ε from the train stream; denoising noise per batch. */
  @Test
  void denoiseWithGradientPenaltyResumesBitIdentically() throws IOException {
    TrainConfig c = small("denoise");
    c.loss = "wgan-gp";
    checkResume(c, 4);
  }

  /** --l1-only: no D, no opt_d; the L1 and G's gradient norm resume exactly. */
  @Test
  void l1OnlySuperresResumesBitIdentically() throws IOException {
    TrainConfig c = small("superres");
    c.l1Only = true;
    checkResume(c, 2);
  }

  private void checkResume(TrainConfig c, long... resumeSteps) throws IOException {
    Path whole = tmp.resolve("whole");
    Pix2PixTrainer full = new Pix2PixTrainer(c, pairs(c), whole, ResumeTest.QUIET, false);
    full.train();
    List<Map<String, Object>> expected = readMetrics(whole.resolve("metrics.jsonl"), c.l1Only);
    assertEquals(full.totalSteps(), expected.size());
    assertTrue(Files.isRegularFile(whole.resolve("samples/epoch-001.png")), "epoch grid written");
    assertTrue(Files.isRegularFile(whole.resolve("samples/latest.png")), "latest grid written");
    if (c.emaDecay > 0) assertTrue(Files.isRegularFile(whole.resolve("samples/ema-epoch-001.png")), "G-EMA grid written");
    assertTrue(Files.isRegularFile(whole.resolve("losses.png")), "loss plot written");
    Checkpoints.Checkpoint first = Checkpoints.verify(whole.resolve("checkpoints/step-" + resumeSteps[0]));
    assertEquals(!c.l1Only, first.has("d.safetensors"));
    assertEquals(new TranslationModels.PairShape(1, 1, 28, 28), TranslationModels.shapeOf(first));

    for (long k : resumeSteps) {
      Path resumed = tmp.resolve("resumed-" + k);
      Pix2PixTrainer t = new Pix2PixTrainer(c, pairs(c), resumed, ResumeTest.QUIET, false);
      t.restore(Checkpoints.verify(whole.resolve("checkpoints/step-" + k)));
      assertEquals(k, t.step());
      t.train();
      List<Map<String, Object>> got = readMetrics(resumed.resolve("metrics.jsonl"), c.l1Only);
      assertEquals(expected.size() - k, got.size(), "the resumed run logs steps " + (k + 1) + ".." + expected.size());
      for (int i = 0; i < got.size(); i++) {
        for (String key : keys(c.l1Only)) {
          assertEquals(expected.get((int) k + i).get(key), got.get(i).get(key), "step " + (k + 1 + i) + " " + key + " after resuming at " + k);
        }
      }
      assertSameState(full, t);
    }
  }

  static List<String> keys(boolean l1Only) {
    return l1Only ? List.of("step", "epoch", "g_loss", "l1", "grad_norm_g") : EXACT;
  }

  static void assertSameState(Pix2PixTrainer a, Pix2PixTrainer b) {
    ResumeTest.assertSameModule(a.generator(), b.generator(), "G");
    if (a.discriminator() != null) ResumeTest.assertSameModule(a.discriminator(), b.discriminator(), "D");
    if (a.averagedGenerator() != null) ResumeTest.assertSameModule(a.averagedGenerator(), b.averagedGenerator(), "G-EMA");
  }

  static List<Map<String, Object>> readMetrics(Path file, boolean l1Only) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      Map<String, Object> m = Json.parseObject(line);
      for (String key : keys(l1Only)) assertNotNull(m.get(key), key + " in " + line);
      assertNotNull(m.get("ms_per_step"), line);
      out.add(m);
    }
    return out;
  }
}
