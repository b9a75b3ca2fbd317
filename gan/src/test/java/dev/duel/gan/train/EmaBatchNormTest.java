package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.Dcgan28;
import dev.duel.gan.models.GeneratorNet;
import dev.duel.nn.Init;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * G-EMA's batch norm: its running statistics are recomputed for the averaged weights, so they are the
 * statistics of G-EMA's own activations, not the live G's.
 */
class EmaBatchNormTest {
  private static final Backend CPU = Devices.cpu();

  @TempDir
  Path tmp;

  /** The first BatchNorm1d's running mean against the mean of Linear(z) over 8192 fresh z, in float64. */
  @Test
  void recomputedStatisticsAreThoseOfTheModelsOwnActivations() {
    GeneratorNet g = new Dcgan28.G(CPU, new Generator(1), 4, 2);
    Init.dcgan(g, new Generator(2));
    g.eval();
    Samples.recomputeBatchNorm(g, CPU, 99, 64);
    assertFalse(g.isTraining(), "the mode is restored");
    float[] mean = g.stateDict().get("1.running_mean").toArray();
    float[] var = g.stateDict().get("1.running_var").toArray();

    int n = 8192, f = mean.length;
    float[] h;
    try (GradMode off = GradMode.disabled()) {
      h = g.get(0).forward(new Generator(5).normal(CPU, 0f, 1f, n, 4)).toArray();     // Linear(z): n×f
    }
    for (int k = 0; k < f; k++) {
      double m = 0, v = 0;
      for (int i = 0; i < n; i++) m += h[i * f + k];
      m /= n;
      for (int i = 0; i < n; i++) v += (h[i * f + k] - m) * (h[i * f + k] - m);
      v /= n - 1;
      // 3200 samples: the mean's standard error is σ/56; BN's momentum keeps 0.5% of the reset (0, 1).
      assertEquals(m, mean[k], 0.1 * Math.sqrt(v) + 0.01, "running_mean[" + k + "]");
      assertEquals(v, var[k], 0.15 * v + 0.01, "running_var[" + k + "]");
    }

    Samples.recomputeBatchNorm(g, CPU, 99, 64);                                       // deterministic
    assertArrayEquals(mean, g.stateDict().get("1.running_mean").toArray());
  }

  /** In a run, the saved G-EMA carries statistics recomputed for its weights at the checkpoint's step. */
  @Test
  void savedGEmaCarriesRecomputedStatistics() throws IOException {
    TrainConfig c = TinyData.smallMlp();
    c.model = "dcgan28";
    c.width = 2;
    c.batch = 4;
    c.limit = 3;
    c.epochs = 1;
    c.emaDecay = 0.5f;
    Trainer t = new Trainer(c, TinyData.dataset(), tmp, ResumeTest.QUIET, false);
    t.train();
    GeneratorNet ema = t.averagedGenerator();
    float[] saved = ema.stateDict().get("1.running_mean").toArray();
    Samples.recomputeBatchNorm(ema, CPU, RunStreams.eval(c.seed), c.batch);
    assertArrayEquals(saved, ema.stateDict().get("1.running_mean").toArray());
    GeneratorNet loaded = GanModels.generatorFrom(Checkpoints.verify(tmp.resolve("checkpoints/step-3")), "g_ema.safetensors", CPU);
    assertArrayEquals(saved, loaded.stateDict().get("1.running_mean").toArray());
  }
}
