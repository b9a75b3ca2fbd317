package dev.duel.gan.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.gan.data.ImageDataset;
import dev.duel.gan.train.BatchSource;
import dev.duel.gan.train.GanModels;
import dev.duel.gan.train.Samples;
import dev.duel.gan.train.TrainConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The seed's Keras DCGAN: its shapes, names, parameter count, output range and the [0, 1] data path. */
class KerasDcganTest {
  private static final Backend CPU = Devices.cpu();

  private static TrainConfig config() {
    TrainConfig c = new TrainConfig();
    c.model = "keras-dcgan";
    return c;
  }

  /** Counted by hand from the layer table (math.md "The seed's Keras DCGAN"), at width 128. */
  @Test
  void parameterCountsMatchTheLayerTable() {
    Generator rng = new Generator(1);
    GeneratorNet g = GanModels.generator(config(), CPU, rng);
    DiscriminatorNet d = GanModels.discriminator(config(), CPU, rng);
    long dense = 100L * 6272 + 6272, conv1 = 128L * 128 * 9 + 128, conv2 = 128L * 9 + 1;
    assertEquals(dense + conv1 + conv2, count(g));
    long dConv = (9L * 32 + 32) + (32L * 64 * 9 + 64) + (64L * 128 * 9 + 128) + (128L * 256 * 9 + 256);
    long bn = 2L * (64 + 128 + 256), head = 256L * 16 + 1;
    assertEquals(dConv + bn + head, count(d));
  }

  @Test
  void stateNamesArePyTorchStyle() {
    Generator rng = new Generator(1);
    Map<String, Tensor> g = GanModels.generator(config(), CPU, rng).stateDict();
    assertEquals(List.of("0.weight", "0.bias", "4.weight", "4.bias", "7.weight", "7.bias"), List.copyOf(g.keySet()));
    Map<String, Tensor> d = GanModels.discriminator(config(), CPU, rng).stateDict();
    for (String k : List.of("0.weight", "3.weight", "4.weight", "4.running_mean", "4.running_var", "4.num_batches_tracked",
        "16.weight", "16.bias")) {
      assertTrue(d.containsKey(k), k + " in " + d.keySet());
    }
  }

  @Test
  void generatorOutputsImagesOnTheUnitIntervalAndDOneLogit() {
    TrainConfig c = config();
    c.width = 8;
    Generator rng = new Generator(3);
    GeneratorNet g = GanModels.generator(c, CPU, rng);
    DiscriminatorNet d = GanModels.discriminator(c, CPU, rng);
    assertTrue(g.outputsUnitInterval());
    Tensor x = g.generate(rng.normal(CPU, 0f, 1f, 5, 100), null);
    assertArrayEquals(new int[] {5, 1, 28, 28}, x.shape());
    for (float v : x.toArray()) assertTrue(v > 0f && v < 1f, "sigmoid output " + v);
    assertArrayEquals(new int[] {5, 1}, d.score(x, null).shape());
  }

  /** Samples maps G's [0, 1] to [−1, 1] by 2x − 1, so grids and metrics see the usual range. */
  @Test
  void samplesAreMappedToPlusMinusOne() {
    TrainConfig c = config();
    c.width = 8;
    GeneratorNet g = GanModels.generator(c, CPU, new Generator(3));
    Tensor z = new Generator(9).normal(CPU, 0f, 1f, 4, 100);
    g.eval();
    float[] raw = g.generate(z, null).toArray();
    float[] mapped = Samples.generate(g, z, null);
    for (int i = 0; i < raw.length; i++) assertEquals(2f * raw[i] - 1f, mapped[i], 1e-6f);
  }

  /** With unitInterval the batches hold (x + 1)/2: byte 0 → 0, 255 → 1. */
  @Test
  void batchSourceScalesRealsToTheUnitInterval() {
    float[] px = new float[3 * 784];
    px[0] = ImageDataset.scale(0);
    px[1] = ImageDataset.scale(255);
    px[784] = ImageDataset.scale(51);
    ImageDataset data = new ImageDataset(px, new int[] {0, 1, 2}, 3, 1, 28, 28);
    float[] signed = new BatchSource(data, 3, 5).next(CPU).images().toArray();
    float[] unit = new BatchSource(data, 3, 5, true).next(CPU).images().toArray();
    for (int i = 0; i < signed.length; i++) assertEquals(0.5f * (signed[i] + 1f), unit[i], 0f);
    float min = 1f, max = 0f;
    for (float v : unit) { min = Math.min(min, v); max = Math.max(max, v); }
    assertEquals(0f, min, 1e-7f);
    assertEquals(1f, max, 1e-7f);
  }

  /** D's dropout is live in training (two passes differ) and off in eval (two passes agree). */
  @Test
  void dropoutActsInTrainingOnly() {
    TrainConfig c = config();
    c.width = 8;
    Generator rng = new Generator(4);
    DiscriminatorNet d = GanModels.discriminator(c, CPU, rng);
    Tensor x = rng.uniform(CPU, 0f, 1f, 6, 1, 28, 28);
    d.train(true);
    assertNotEquals(d.score(x, null).toArray()[0], d.score(x, null).toArray()[0]);
    d.eval();
    assertArrayEquals(d.score(x, null).toArray(), d.score(x, null).toArray());
  }

  /** --d-norm layer swaps the three batch norms for layer norms; a gradient penalty picks it by default. */
  @Test
  void gradientPenaltyGivesALayerNormalisedD() {
    TrainConfig c = config();
    c.loss = "wgan-gp";
    assertEquals("layer", c.resolvedDNorm());
    c.width = 8;
    DiscriminatorNet d = GanModels.discriminator(c, CPU, new Generator(1));
    assertTrue(d.modules().stream().noneMatch(m -> m instanceof dev.duel.nn.BatchNorm));
    assertEquals(3, d.modules().stream().filter(m -> m instanceof dev.duel.nn.LayerNorm).count());
    TrainConfig bn = config();
    bn.loss = "wgan-gp";
    bn.dNorm = "batch";
    assertTrue(bn.warnings().stream().anyMatch(w -> w.contains("batch statistics")), bn.warnings().toString());
  }

  private static long count(dev.duel.nn.Module m) {
    long n = 0;
    for (Tensor p : m.parameters()) n += p.numel();
    return n;
  }
}
