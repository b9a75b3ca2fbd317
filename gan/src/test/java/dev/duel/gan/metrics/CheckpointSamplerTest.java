package dev.duel.gan.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.Dcgan28;
import dev.duel.gan.models.GeneratorNet;
import dev.duel.gan.models.Mlp;
import dev.duel.nn.state.Safetensors;
import dev.duel.nn.state.StateFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint folders as the trainer lays them out: runs/NAME/checkpoints/step-N/{g.safetensors, state.json}. */
class CheckpointSamplerTest {
  @TempDir Path dir;
  final Backend cpu = Devices.cpu();

  static Path checkpoint(Path run, long step, GeneratorNet g, String configJson) throws IOException {
    Path c = Files.createDirectories(run.resolve("checkpoints").resolve("step-" + step));
    Safetensors.write(c.resolve("g.safetensors"), ModuleState.export(g));
    Files.writeString(c.resolve("state.json"), "{\"step\": " + step + ", \"config\": " + configJson + "}");
    return c;
  }

  /** What the generator makes for seed s, computed directly. */
  static float[] direct(GeneratorNet g, Backend b, int n, long seed) {
    g.eval();
    try (GradMode off = GradMode.disabled()) {
      return g.generate(new Generator(seed).normal(b, 0f, 1f, n, g.latentDim()), null).toArray();
    }
  }

  @Test
  void samplesAnMlpCheckpointExactlyAsTheGeneratorWould() throws IOException {
    Mlp.G g = new Mlp.G(cpu, new Generator(7), 6, 8);
    Path c = checkpoint(dir.resolve("run"), 40, g, "{\"model\": \"mlp\", \"latent\": 6, \"width\": 8, \"lr\": 0.0002}");
    ImageSet s = CheckpointSampler.sample(c, CheckpointSampler.WEIGHTS, cpu, 5, 11, 2);   // batches of 2, 2, 1
    assertEquals(5, s.count());
    assertArrayEquals(direct(g, cpu, 5, 11), s.images(), 1e-5f);
    assertTrue(s.description().contains("mlp") && s.description().contains("seed 11"), s.description());
  }

  @Test
  void dcganCheckpointRunsInEvalModeWithItsRunningStatistics() throws IOException {
    Dcgan28.G g = new Dcgan28.G(cpu, new Generator(3), 4, 4);
    // Non-trivial running statistics, as after training.
    try (GradMode off = GradMode.disabled()) {
      for (var e : g.stateDict().entrySet()) {
        if (e.getKey().endsWith("running_mean")) e.getValue().assign(new Generator(1).normal(cpu, 0f, 0.1f, e.getValue().shape()));
        if (e.getKey().endsWith("running_var")) e.getValue().assign(new Generator(2).uniform(cpu, 0.5f, 2f, e.getValue().shape()));
      }
    }
    Path c = checkpoint(dir.resolve("run"), 3, g, "{\"model\": \"dcgan28\", \"latent\": 4, \"width\": 4}");
    ImageSet s = CheckpointSampler.sample(c, CheckpointSampler.WEIGHTS, cpu, 3, 5, 100);
    assertArrayEquals(direct(g, cpu, 3, 5), s.images(), 1e-5f);
  }

  @Test
  void aRunFolderResolvesToItsLatestCheckpoint() throws IOException {
    Mlp.G g = new Mlp.G(cpu, new Generator(7), 6, 8);
    Path run = dir.resolve("run");
    checkpoint(run, 90, g, "{\"model\": \"mlp\", \"latent\": 6, \"width\": 8}");
    Path latest = checkpoint(run, 1000, g, "{\"model\": \"mlp\", \"latent\": 6, \"width\": 8}");
    checkpoint(run, 200, g, "{\"model\": \"mlp\", \"latent\": 6, \"width\": 8}");
    assertEquals(latest, CheckpointSampler.resolve(run));
    assertEquals(latest, CheckpointSampler.resolve(run.resolve("checkpoints")));
    assertEquals(latest, CheckpointSampler.resolve(latest));
    assertNull(CheckpointSampler.resolve(dir));
  }

  @Test
  void aConfigThatDoesNotFitTheWeightsIsRefused() throws IOException {
    Mlp.G g = new Mlp.G(cpu, new Generator(7), 6, 8);
    Path c = checkpoint(dir.resolve("a"), 1, g, "{\"model\": \"mlp\", \"latent\": 6, \"width\": 16}");
    StateFormatException e = assertThrows(StateFormatException.class, () -> CheckpointSampler.sample(c, "g.safetensors", cpu, 2, 0, 2));
    assertTrue(e.getMessage().contains("g.safetensors") && e.getMessage().contains("shape"), e.getMessage());

    Path d = checkpoint(dir.resolve("b"), 1, g, "{\"model\": \"stylegan\", \"latent\": 6}");
    IllegalArgumentException iae = assertThrows(IllegalArgumentException.class, () -> CheckpointSampler.sample(d, "g.safetensors", cpu, 2, 0, 2));
    assertTrue(iae.getMessage().contains("stylegan"), iae.getMessage());

    Path e2 = checkpoint(dir.resolve("c"), 1, g, "{\"model\": \"mlp\", \"latent\": -3}");
    assertThrows(StateFormatException.class, () -> CheckpointSampler.sample(e2, "g.safetensors", cpu, 2, 0, 2));

    Files.writeString(c.resolve("state.json"), "{\"step\": 1}");
    e = assertThrows(StateFormatException.class, () -> CheckpointSampler.readConfig(c));
    assertTrue(e.getMessage().contains("config"), e.getMessage());
  }

  @Test
  void nanWeightsAreRefused() throws IOException {
    Mlp.G g = new Mlp.G(cpu, new Generator(7), 6, 8);
    try (GradMode off = GradMode.disabled()) {
      Tensor w = g.stateDict().get("0.weight");
      float[] v = w.toArray();
      v[3] = Float.NaN;
      w.assign(Tensor.of(cpu, v, w.shape()));
    }
    Path c = checkpoint(dir.resolve("run"), 1, g, "{\"model\": \"mlp\", \"latent\": 6, \"width\": 8}");
    StateFormatException e = assertThrows(StateFormatException.class, () -> CheckpointSampler.sample(c, "g.safetensors", cpu, 2, 0, 2));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
  }
}
