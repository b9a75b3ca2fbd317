package dev.duel.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import org.junit.jupiter.api.Test;

/** The layer options the Keras DCGAN needs: BatchNorm2d's momentum and ε, and dropout's mask stream. */
class KerasLayerOptionsTest {
  /** Keras momentum 0.8 = PyTorch 0.2: from running_mean 0, one batch of mean μ gives 0.2·μ. */
  @Test
  void batchNormMomentumAndEpsAreUsed() {
    BatchNorm bn = BatchNorm.bn2d(Devices.cpu(), 2, 0.2f, 1e-3f);
    float[] x = new float[2 * 2 * 1 * 1];                 // N = 2, C = 2, 1×1: channel 0 = {1, 3}, channel 1 = {2, 6}
    x[0] = 1; x[1] = 2; x[2] = 3; x[3] = 6;
    bn.train(true);
    Tensor y = bn.forward(Tensor.of(Devices.cpu(), x, 2, 2, 1, 1));
    assertArrayEquals(new float[] {0.2f * 2, 0.2f * 4}, bn.buffer("running_mean").toArray(), 1e-6f);
    // ε = 1e-3 in the normalisation: channel 0 has σ² = 1, so y = (1 − 2)/√(1 + 1e-3)
    assertEquals(-1 / Math.sqrt(1.001), y.toArray()[0], 1e-6);
    assertThrows(IllegalArgumentException.class, () -> BatchNorm.bn2d(Devices.cpu(), 2, 0f, 1e-3f));
    assertThrows(IllegalArgumentException.class, () -> BatchNorm.bn2d(Devices.cpu(), 2, 0.1f, 0f));
  }

  /** After drawFrom(stream), the masks are the ones a dropout built on that stream draws. */
  @Test
  void dropoutDrawsFromTheStreamItIsPointedAt() {
    Tensor x = Tensor.ones(Devices.cpu(), 4, 64);
    Dropout a = new Dropout(0.5f, new Generator(1)), b = new Dropout(0.5f, new Generator(2));
    a.train(true);
    b.train(true);
    b.drawFrom(new Generator(1));
    assertArrayEquals(a.forward(x).toArray(), b.forward(x).toArray());
    Dropout c = new Dropout(0.5f, new Generator(1));
    c.train(true);
    c.drawFrom(new Generator(7));
    float[] ca = c.forward(x).toArray(), fresh = new Dropout(0.5f, new Generator(1)).forward(x).toArray();
    boolean differs = false;
    for (int i = 0; i < ca.length; i++) differs |= ca[i] != fresh[i];
    assertEquals(true, differs, "a different stream gives different masks");
  }
}
