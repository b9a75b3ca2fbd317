package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.Losses;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.gan.loss.GanLoss;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.gan.models.GeneratorNet;
import dev.duel.nn.optim.Adam;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  @TempDir
  Path tmp;

  /** With the default objective and no stabiliser, an iteration is exactly the benchmarked ReferenceStep. */
  @Test
  void defaultIterationIsTheReferenceStep() throws IOException {
    TrainConfig c = TinyData.smallMlp();
    c.model = "dcgan28";            // the main job's model, BatchNorm included
    c.width = 2;
    c.batch = 4;
    c.limit = 3;
    c.epochs = 1;
    Trainer t = new Trainer(c, TinyData.dataset(), tmp, ResumeTest.QUIET, false);
    t.train();
    List<Map<String, Object>> logged = ResumeTest.readMetrics(tmp.resolve("metrics.jsonl"));

    Backend cpu = Devices.cpu();
    Generator init = new Generator(RunStreams.init(c.seed));
    GeneratorNet g = GanModels.generator(c, cpu, init);
    DiscriminatorNet d = GanModels.discriminator(c, cpu, init);
    ReferenceStep ref = new ReferenceStep(g, d, new Generator(RunStreams.train(c.seed)), cpu);
    BatchSource batches = new BatchSource(TinyData.dataset(), c.batch, c.seed);
    for (int i = 0; i < 3; i++) {
      try (MemoryScope s = MemoryScope.open()) {
        ReferenceStep.Stats r = ref.step(batches.next(cpu).images(), null);
        Map<String, Object> m = logged.get(i);
        assertEquals(r.dLoss(), ((Number) m.get("d_loss")).floatValue(), 0f, "step " + (i + 1) + " d_loss");
        assertEquals(r.gLoss(), ((Number) m.get("g_loss")).floatValue(), 0f, "step " + (i + 1) + " g_loss");
        assertEquals(r.dReal(), ((Number) m.get("d_real")).floatValue(), 0f, "step " + (i + 1) + " d_real");
        assertEquals(r.dFake(), ((Number) m.get("d_fake")).floatValue(), 0f, "step " + (i + 1) + " d_fake");
      }
    }
    ResumeTest.assertSameModule(t.generator(), g, "G");
    ResumeTest.assertSameModule(t.discriminator(), d, "D");
  }

  /**
   * D of the mlp (DCGAN init, Adam with betas (0.5, 0.999), lr 1e-3), trained alone on real Fashion-MNIST
   * against uniform noise, separates them within 20 steps.
   */
  @Test
  void discriminatorLearnsRealVersusNoise() {
    TrainConfig c = TinyData.smallMlp();
    c.width = 16;
    c.batch = 32;
    Backend cpu = Devices.cpu();
    DiscriminatorNet d = GanModels.discriminator(c, cpu, new Generator(1));
    Adam opt = new Adam(d.parameters(), 1e-3f, c.beta1, c.beta2);
    BatchSource batches = new BatchSource(TinyData.dataset(), c.batch, c.seed);
    Generator noise = new Generator(2);
    float first = 0, last = 0;
    for (int step = 0; step < 20; step++) {
      try (MemoryScope s = MemoryScope.open()) {
        Tensor real = batches.next(cpu).images();
        Tensor fake = noise.uniform(cpu, -1f, 1f, c.batch, 1, 28, 28);
        opt.zeroGrad();
        Tensor loss = Losses.bceWithLogits(d.score(real, null), 1f).add(Losses.bceWithLogits(d.score(fake, null), 0f));
        loss.backward();
        opt.step();
        float v = loss.item();
        assertTrue(Float.isFinite(v), "loss at step " + step + " is " + v);
        if (step == 0) first = v;
        last = v;
      }
    }
    assertEquals(2 * Math.log(2), first, 0.05, "an untrained D is at chance: 2 ln 2");
    assertTrue(last < 0.65f * first, "D's BCE fell from " + first + " to " + last);
  }

  /** A NaN loss stops the run before the optimiser moves, names the step and the last good checkpoint, and keeps it. */
  @Test
  void nanLossStopsTheRunAndKeepsTheLastCheckpoint() throws IOException {
    TrainConfig c = TinyData.smallMlp();
    c.checkpointEvery = 2;
    GanLoss poisoned = new GanLoss() {
      int calls;
      final GanLoss real = new dev.duel.gan.loss.NonSaturating();
      @Override public String name() { return "poisoned"; }
      @Override public Tensor discriminatorLoss(Tensor dReal, Tensor dFake, float t) {
        Tensor l = real.discriminatorLoss(dReal, dFake, t);
        return ++calls >= 4 ? l.mul(Float.NaN) : l;
      }
      @Override public Tensor generatorLoss(Tensor dFake) { return real.generatorLoss(dFake); }
    };
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Trainer t = new Trainer(c, TinyData.dataset(), tmp, new Objectives.Objective(poisoned, List.of(), 0f), new PrintStream(console, true, StandardCharsets.UTF_8), false);
    TrainingDiverged e = assertThrows(TrainingDiverged.class, t::train);
    assertTrue(e.getMessage().contains("step 4") && e.getMessage().contains("d_loss is NaN"), e.getMessage());
    assertTrue(e.getMessage().contains(tmp.resolve("checkpoints/step-2").toString()), e.getMessage());
    Checkpoints.Checkpoint kept = Checkpoints.newestComplete(tmp.resolve("checkpoints"), System.err);
    assertEquals(2, kept.step(), "the checkpoint before the NaN is the newest, and complete");
    assertEquals(3, ResumeTest.readMetrics(tmp.resolve("metrics.jsonl")).size(), "steps 1..3 logged, not the NaN step");
    assertFalse(Files.exists(tmp.resolve("checkpoints/step-4")));
  }

  @Test
  void headlessProgressPrintsEpochLines() throws IOException {
    TrainConfig c = TinyData.smallMlp();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    new Trainer(c, TinyData.dataset(), tmp, new PrintStream(console, true, StandardCharsets.UTF_8), false).train();
    String text = console.toString(StandardCharsets.UTF_8);
    assertTrue(text.matches("(?s).*Epoch 1/2  6/6  \\d+s \\d+ms/step  d_loss: \\d\\.\\d{4}  g_loss: \\d\\.\\d{4}.*"), text);
    assertTrue(text.contains("Epoch 2/2  6/6"), text);
    assertFalse(text.contains("\r"), "no carriage returns when headless");

    ByteArrayOutputStream tty = new ByteArrayOutputStream();
    c.name = "tty";
    new Trainer(c, TinyData.dataset(), tmp.resolve("tty"), new PrintStream(tty, true, StandardCharsets.UTF_8), true).train();
    String bar = tty.toString(StandardCharsets.UTF_8);
    assertTrue(bar.contains("\r") && bar.contains("6/6 [===="), bar);
  }
}
