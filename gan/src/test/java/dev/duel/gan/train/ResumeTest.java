package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.nn.Module;
import dev.duel.nn.state.Json;
import java.io.IOException;
import java.io.OutputStream;
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
 * A run interrupted at a checkpoint and resumed by a fresh Trainer computes, bit for bit, the losses,
 * D outputs, gradient norms and final weights of the run that was never interrupted.
 */
class ResumeTest {
  static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  static final List<String> EXACT = List.of("step", "epoch", "d_loss", "g_loss", "d_real", "d_fake", "grad_norm_g", "grad_norm_d");

  @TempDir
  Path tmp;

  /** Every stabiliser whose state or randomness must survive a resume, on the MLP. */
  @Test
  void mlpWithStabilisersResumesBitIdentically() throws IOException {
    TrainConfig c = TinyData.smallMlp();
    c.labelSmoothing = 0.1f;
    c.instanceNoise = 0.2f;     // draws from the train stream every D and G step
    c.dSteps = 2;               // two data batches per iteration
    c.spectralNorm = true;      // u, v buffers
    c.emaDecay = 0.9f;          // g_ema.safetensors
    c.lrD = 4e-4f;              // TTUR
    checkResume(c, 4, 8);
  }

  /** dcgan28: BatchNorm running statistics live in the checkpoint, feature matching reads D's features. */
  @Test
  void dcganWithBatchNormResumesBitIdentically() throws IOException {
    TrainConfig c = tinyDcgan();
    c.featureMatching = true;
    checkResume(c, 2);
  }

  /** dcgan28 at width 2, batch 4, three batches, a checkpoint every two steps. */
  private static TrainConfig tinyDcgan() {
    TrainConfig c = TinyData.smallMlp();
    c.model = "dcgan28";
    c.width = 2;
    c.batch = 4;
    c.limit = 3;
    c.checkpointEvery = 2;
    return c;
  }

  /**
   * dcgan28 with its 4×4 stride-2 layers on the CPU's Winograd forms (their channel threshold lowered so that width 2
   * reaches them; at the default width 64 D's 64→128 layer takes them): their fixed order keeps resume exact.
   */
  @Test
  void dcganOnWinogradConvolutionsResumesBitIdentically() throws IOException {
    int saved = dev.duel.engine.cpu.Conv2dCpu.winogradChannels;
    dev.duel.engine.cpu.Conv2dCpu.winogradChannels = 1;
    try {
      assertTrue(dev.duel.engine.cpu.Conv2dCpu.winogradForward(
          new dev.duel.engine.ConvShape(4, 2, 14, 14, 4, 4, 4, 2, 2, 1, 1)), "D's second layer takes Winograd");
      checkResume(tinyDcgan(), 2);
    } finally {
      dev.duel.engine.cpu.Conv2dCpu.winogradChannels = saved;
    }
  }

  /** keras-dcgan: dropout masks come from the saved train stream, reals are on [0, 1], BN momentum 0.2. */
  @Test
  void kerasDcganWithDropoutResumesBitIdentically() throws IOException {
    TrainConfig c = TinyData.smallMlp();
    c.model = "keras-dcgan";
    c.width = 4;
    c.batch = 4;
    c.limit = 3;
    c.checkpointEvery = 2;
    checkResume(c, 2);
  }

  @Test
  void conditionalModelResumesBitIdentically() throws IOException {
    TrainConfig c = TinyData.smallMlp();
    c.model = "cgan-mlp";
    c.limit = 3;
    checkResume(c, 3);
  }

  /** Runs c uninterrupted, then from each of the given checkpoints in a fresh Trainer, and compares. */
  private void checkResume(TrainConfig c, long... resumeSteps) throws IOException {
    Path whole = tmp.resolve("whole");
    Trainer full = new Trainer(c, TinyData.dataset(), whole, QUIET, false);
    full.train();
    List<Map<String, Object>> expected = readMetrics(whole.resolve("metrics.jsonl"));
    assertEquals(full.totalSteps(), expected.size());
    assertTrue(Files.isRegularFile(whole.resolve("losses.png")), "loss plot written");
    assertTrue(Files.isRegularFile(whole.resolve("samples/epoch-001.png")), "epoch grid written");
    assertTrue(Files.isRegularFile(whole.resolve("samples/latest.png")), "latest grid written");

    for (long k : resumeSteps) {
      Path resumed = tmp.resolve("resumed-" + k);
      Checkpoints.Checkpoint cp = Checkpoints.verify(whole.resolve("checkpoints/step-" + k));
      Trainer t = new Trainer(c, TinyData.dataset(), resumed, QUIET, false);
      t.restore(cp);
      assertEquals(k, t.step());
      t.train();
      List<Map<String, Object>> got = readMetrics(resumed.resolve("metrics.jsonl"));
      assertEquals(expected.size() - k, got.size(), "the resumed run logs steps " + (k + 1) + ".." + expected.size());
      for (int i = 0; i < got.size(); i++) {
        for (String key : EXACT) {
          assertEquals(expected.get((int) k + i).get(key), got.get(i).get(key), "step " + (k + 1 + i) + " " + key + " after resuming at " + k);
        }
      }
      assertSameState(full, t);
    }
  }

  static void assertSameState(Trainer a, Trainer b) {
    assertSameModule(a.generator(), b.generator(), "G");
    assertSameModule(a.discriminator(), b.discriminator(), "D");
    if (a.averagedGenerator() != null) assertSameModule(a.averagedGenerator(), b.averagedGenerator(), "G-EMA");
  }

  /** Every parameter and buffer equal, bit for bit. */
  static void assertSameModule(Module a, Module b, String what) {
    try (MemoryScope s = MemoryScope.open()) {
      Map<String, Tensor> other = b.stateDict();
      assertEquals(a.stateDict().keySet(), other.keySet(), what + " state names");
      for (var e : a.stateDict().entrySet()) {
        assertArrayEquals(e.getValue().toArray(), other.get(e.getKey()).toArray(), what + " " + e.getKey());
      }
    }
  }

  static List<Map<String, Object>> readMetrics(Path file) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      Map<String, Object> m = Json.parseObject(line);
      boolean logits = m.containsKey("d_real");                      // else a raw-score loss: score_real, score_fake
      for (String key : List.of("step", "epoch", "d_loss", "g_loss", logits ? "d_real" : "score_real", logits ? "d_fake" : "score_fake",
          "grad_norm_g", "grad_norm_d", "ms_per_step")) {
        assertNotNull(m.get(key), key + " in " + line);
      }
      out.add(m);
    }
    return out;
  }
}
