package dev.duel.gan.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.CganMlp;
import dev.duel.gan.models.Dcgan28;
import dev.duel.gan.models.GeneratorNet;
import dev.duel.gan.models.Mlp;
import dev.duel.gan.train.Checkpoints;
import dev.duel.gan.train.StateMaps;
import dev.duel.nn.state.StateFormatException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints written by the trainer's own writer: runs/NAME/checkpoints/step-N/{g.safetensors, state.json}. */
class CheckpointSamplerTest {
  @TempDir Path dir;
  final Backend cpu = Devices.cpu();
  static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

  static Path checkpoint(Path run, long step, GeneratorNet g, Map<String, Object> config) throws IOException {
    return Checkpoints.write(run.resolve("checkpoints"), step, Map.of("g.safetensors", StateMaps.toHost(g.stateDict())),
        Map.of("config", config));
  }

  /** What the generator makes from z of Philox stream {@code seed}, n×latent drawn at once. */
  static float[] direct(GeneratorNet g, Backend b, int n, long seed, int[] labels) {
    g.eval();
    try (GradMode off = GradMode.disabled()) {
      return g.generate(new Generator(seed).normal(b, 0f, 1f, n, g.latentDim()), labels).toArray();
    }
  }

  @Test
  void samplesAnMlpCheckpointExactlyAsTheGeneratorWould() throws IOException {
    Mlp.G g = new Mlp.G(cpu, new Generator(7), 6, 8);
    Path c = checkpoint(dir.resolve("run"), 40, g, Map.of("model", "mlp", "latent", 6, "width", 8));
    ImageSet s = CheckpointSampler.sample(c, CheckpointSampler.WEIGHTS, cpu, 5, 11, 2, QUIET);   // batches of 2, 2, 1
    assertEquals(5, s.count());
    assertArrayEquals(direct(g, cpu, 5, 11, null), s.images(), 1e-5f);
    assertTrue(s.description().contains("mlp") && s.description().contains("step 40") && s.description().contains("seed 11"), s.description());
  }

  @Test
  void widthZeroMeansTheModelDefault() throws IOException {
    Mlp.G g = new Mlp.G(cpu, new Generator(7), 6, 128);
    Path c = checkpoint(dir.resolve("run"), 1, g, Map.of("model", "mlp", "latent", 6, "width", 0));
    assertArrayEquals(direct(g, cpu, 3, 2, null), CheckpointSampler.sample(c, "g.safetensors", cpu, 3, 2, 8, QUIET).images(), 1e-5f);
  }

  @Test
  void dcganCheckpointRunsInEvalModeWithItsRunningStatistics() throws IOException {
    Dcgan28.G g = new Dcgan28.G(cpu, new Generator(3), 4, 4);
    try (GradMode off = GradMode.disabled()) {   // non-trivial running statistics, as after training
      for (var e : g.stateDict().entrySet()) {
        if (e.getKey().endsWith("running_mean")) e.getValue().assign(new Generator(1).normal(cpu, 0f, 0.1f, e.getValue().shape()));
        if (e.getKey().endsWith("running_var")) e.getValue().assign(new Generator(2).uniform(cpu, 0.5f, 2f, e.getValue().shape()));
      }
    }
    Path c = checkpoint(dir.resolve("run"), 3, g, Map.of("model", "dcgan28", "latent", 4, "width", 4));
    assertArrayEquals(direct(g, cpu, 3, 5, null), CheckpointSampler.sample(c, "g.safetensors", cpu, 3, 5, 100, QUIET).images(), 1e-5f);
  }

  @Test
  void cganGetsBalancedLabels() throws IOException {
    CganMlp.G g = new CganMlp.G(cpu, new Generator(3), 5, 8);
    Path c = checkpoint(dir.resolve("run"), 3, g, Map.of("model", "cgan-mlp", "latent", 5, "width", 8));
    int[] labels = new int[12];
    for (int i = 0; i < 12; i++) labels[i] = i % 10;
    assertArrayEquals(direct(g, cpu, 12, 9, labels), CheckpointSampler.sample(c, "g.safetensors", cpu, 12, 9, 5, QUIET).images(), 1e-5f);
  }

  @Test
  void aRunFolderResolvesToItsNewestCheckpoint() throws IOException {
    Path run = dir.resolve("run");
    Map<String, Object> cfg = Map.of("model", "mlp", "latent", 6, "width", 8);
    checkpoint(run, 90, new Mlp.G(cpu, new Generator(1), 6, 8), cfg);
    Mlp.G newest = new Mlp.G(cpu, new Generator(2), 6, 8);
    checkpoint(run, 1000, newest, cfg);
    checkpoint(run, 200, new Mlp.G(cpu, new Generator(3), 6, 8), cfg);
    assertArrayEquals(direct(newest, cpu, 2, 0, null), CheckpointSampler.sample(run, "g.safetensors", cpu, 2, 0, 2, QUIET).images(), 1e-5f);
    assertTrue(CheckpointSampler.isCheckpointOrRun(run));
    assertTrue(CheckpointSampler.isCheckpointOrRun(run.resolve("checkpoints")));
    assertTrue(CheckpointSampler.isCheckpointOrRun(run.resolve("checkpoints/step-90")));
    assertFalse(CheckpointSampler.isCheckpointOrRun(Files.createDirectory(dir.resolve("pngs"))));
  }

  @Test
  void badCheckpointsAreRefusedNamingTheFile() throws IOException {
    Mlp.G g = new Mlp.G(cpu, new Generator(7), 6, 8);
    Path c = checkpoint(dir.resolve("a"), 1, g, Map.of("model", "mlp", "latent", 6, "width", 16));
    StateFormatException e = assertThrows(StateFormatException.class, () -> CheckpointSampler.sample(c, "g.safetensors", cpu, 2, 0, 2, QUIET));
    assertTrue(e.getMessage().contains("g.safetensors") && e.getMessage().contains("shape"), e.getMessage());

    Path d = checkpoint(dir.resolve("b"), 1, g, Map.of("model", "mlp", "latent", 6, "width", 8));
    byte[] bytes = Files.readAllBytes(d.resolve("g.safetensors"));
    bytes[bytes.length - 1] ^= 1;
    Files.write(d.resolve("g.safetensors"), bytes);
    e = assertThrows(StateFormatException.class, () -> CheckpointSampler.sample(d, "g.safetensors", cpu, 2, 0, 2, QUIET));
    assertTrue(e.getMessage().contains("g.safetensors") && e.getMessage().contains("SHA-256"), e.getMessage());

    Path f = checkpoint(dir.resolve("c"), 1, g, Map.of("model", "mlp", "latent", 6, "width", 8));
    assertThrows(java.nio.file.NoSuchFileException.class, () -> CheckpointSampler.sample(f, CheckpointSampler.EMA_WEIGHTS, cpu, 2, 0, 2, QUIET));
  }

  @Test
  void nanWeightsAreRefused() throws IOException {
    Mlp.G g = new Mlp.G(cpu, new Generator(7), 6, 8);
    try (GradMode off = GradMode.disabled()) {
      Tensor w = g.stateDict().get("0.weight");
      float[] v = w.toArray();
      java.util.Arrays.fill(v, Float.NaN);
      w.assign(Tensor.of(cpu, v, w.shape()));
    }
    Path c = checkpoint(dir.resolve("run"), 1, g, Map.of("model", "mlp", "latent", 6, "width", 8));
    ArithmeticException e = assertThrows(ArithmeticException.class, () -> CheckpointSampler.sample(c, "g.safetensors", cpu, 2, 0, 2, QUIET));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
  }
}
