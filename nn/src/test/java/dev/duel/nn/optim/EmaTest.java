package dev.duel.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.GradMode;
import dev.duel.engine.Tensor;
import dev.duel.nn.BatchNorm;
import dev.duel.nn.Linear;
import dev.duel.nn.Module;
import dev.duel.nn.Sequential;
import org.junit.jupiter.api.Test;

/** G-EMA: θ̄ ← β·θ̄ + (1 − β)·θ for parameters and BN running statistics; other buffers copied. Worked by hand. */
class EmaTest {
  static Module net(long seed) {
    return new Sequential(new Linear(Devices.cpu(), new Generator(seed), 1, 1, false), BatchNorm.bn1d(Devices.cpu(), 1));
  }

  static void set(Tensor t, float value) {
    try (GradMode off = GradMode.disabled()) {
      t.assign(Tensor.of(Devices.cpu(), new float[] {value}, t.shape()));
    }
  }

  @Test
  void averagesParametersAndRunningStatisticsAndCopiesCounters() {
    Module g = net(1), shadow = net(2);
    Tensor w = g.stateDict().get("0.weight");
    set(w, 1f);
    Ema ema = new Ema(g, shadow, 0.9f);                        // starts as a copy of G
    Tensor avg = shadow.stateDict().get("0.weight");
    assertEquals(1f, avg.item());
    assertFalse(shadow.isTraining(), "the average samples in eval mode");

    set(w, 3f);
    set(g.stateDict().get("1.running_mean"), 5f);
    set(g.stateDict().get("1.running_var"), 3f);
    set(g.stateDict().get("1.num_batches_tracked"), 7f);
    ema.update();                                              // 0.9·1 + 0.1·3 = 1.2
    assertEquals(1.2f, avg.item(), 1e-6f);
    assertEquals(0.5f, shadow.stateDict().get("1.running_mean").item(), 1e-6f, "0.9·0 + 0.1·5: averaged like a weight");
    assertEquals(1.2f, shadow.stateDict().get("1.running_var").item(), 1e-6f, "0.9·1 + 0.1·3");
    assertEquals(7f, shadow.stateDict().get("1.num_batches_tracked").item(), "a counter is copied");

    set(w, 0f);
    ema.update();                                              // 0.9·1.2 + 0.1·0 = 1.08
    assertEquals(1.08f, avg.item(), 1e-6f);
    assertEquals(1f, shadow.stateDict().get("1.weight").item(), "BatchNorm's weight (1) averaged with itself stays 1");
  }

  @Test
  void refusesABadDecayOrAnotherArchitecture() {
    assertThrows(IllegalArgumentException.class, () -> new Ema(net(1), net(2), 1.5f));
    Module other = new Linear(Devices.cpu(), new Generator(3), 1, 1);
    assertThrows(IllegalArgumentException.class, () -> new Ema(net(1), other, 0.9f));
  }
}
