package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.gan.data.PairedData;
import dev.duel.gan.models.UNet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The 64×64 and 256×256 configurations (the paper's unet_256 and 70×70 PatchGAN at 256) build and train:
 * one full trainer step on RGB pairs writes its grid and checkpoint, with finite losses, and moves G's
 * weights. Narrow (width 2) so the step is cheap on the CPU.
 */
class Pix2PixLargeSizesTest {
  @TempDir
  Path tmp;

  /** n random RGB pairs of side s whose target is a smooth function of the input (so L1 is not constant). */
  private static PairedData randomPairs(int n, int s) {
    float[] in = new Generator(3).uniform(Devices.cpu(), -1f, 1f, n, 3, s, s).toArray();
    float[] tg = new float[in.length];
    for (int i = 0; i < in.length; i++) tg[i] = (float) Math.tanh(2 * in[i]);
    int per = 3 * s * s;
    return new PairedData() {
      public int size() { return n; }
      public int inputChannels() { return 3; }
      public int targetChannels() { return 3; }
      public int height() { return s; }
      public int width() { return s; }
      public String describe() { return "random " + s + "×" + s + " pairs"; }
      public void gather(int[] idx, int count, long draw, float[] inputs, float[] targets) {
        for (int i = 0; i < count; i++) {
          System.arraycopy(in, idx[i] * per, inputs, i * per, per);
          System.arraycopy(tg, idx[i] * per, targets, i * per, per);
        }
      }
    };
  }

  @ParameterizedTest(name = "{0}×{0}: depth {1}")
  @CsvSource({"64, 6", "256, 8"})
  void buildsAndTrainsOneStep(int side, int depth) throws Exception {
    TrainConfig c = new TrainConfig();
    c.model = "pix2pix";
    c.task = "folder:unused";                 // the pairs are given; the task names where they would come from
    c.width = 2;
    c.batch = 2;
    c.limit = 1;
    c.epochs = 1;
    Pix2PixTrainer t = new Pix2PixTrainer(c, randomPairs(4, side), tmp.resolve("run"), ResumeTest.QUIET, false);
    UNet g = t.generator();
    assertEquals(depth, g.depth());
    float[] before;
    try (MemoryScope s = MemoryScope.open()) {
      before = g.namedParameters().get("down.0.conv.weight").toArray();
    }
    StepStats stats = t.train();
    assertTrue(Float.isFinite(stats.dLoss()) && Float.isFinite(stats.gLoss()), stats.toString());
    try (MemoryScope s = MemoryScope.open()) {
      assertFalse(java.util.Arrays.equals(before, g.namedParameters().get("down.0.conv.weight").toArray()), "G moved");
      Tensor y = g.forward(new Generator(5).uniform(Devices.cpu(), -1f, 1f, 2, 3, side, side));
      assertArrayEquals(new int[] {2, 3, side, side}, y.shape());
    }
    assertTrue(Files.isRegularFile(tmp.resolve("run/samples/latest.png")));
    assertTrue(Files.isDirectory(tmp.resolve("run/checkpoints/step-1")));
  }
}
