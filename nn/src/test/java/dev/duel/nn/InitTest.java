package dev.duel.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import org.junit.jupiter.api.Test;

/** The initialisers' statistics: PyTorch's default U(±1/√fan_in) and DCGAN's N(0, 0.02) / N(1, 0.02). */
class InitTest {
  /** Mean and standard deviation of a tensor's values, in float64. */
  static double[] stats(Tensor t) {
    float[] v = t.toArray();
    double sum = 0, sq = 0;
    for (float x : v) sum += x;
    double mean = sum / v.length;
    for (float x : v) sq += (x - mean) * (x - mean);
    return new double[] {mean, Math.sqrt(sq / v.length)};
  }

  @Test
  void defaultInitIsUniformOverPlusMinusOneOverRootFanIn() {
    // Linear(100, 300): 30,000 weights in ±1/√100 = ±0.1, std 0.1/√3 = 0.0577. Conv2d(4, 64, 5): fan_in 4·5·5 = 100 too.
    for (Module m : new Module[] {new Linear(Devices.cpu(), new Generator(1), 100, 300),
        new Conv2d(Devices.cpu(), new Generator(2), 4, 300, 5, 1, 0, true)}) {
      Tensor w = m.param("weight");
      for (float x : w.toArray()) assertTrue(Math.abs(x) <= 0.1f, m.describe() + ": " + x);
      double[] s = stats(w);
      assertEquals(0, s[0], 0.002, m.describe() + " mean");
      assertEquals(0.1 / Math.sqrt(3), s[1], 0.002, m.describe() + " std");
      for (float x : m.param("bias").toArray()) assertTrue(Math.abs(x) <= 0.1f);
    }
  }

  @Test
  void dcganInitIsNormalWithStd002AndBatchNormWeightsAroundOne() {
    Sequential net = new Sequential(new Linear(Devices.cpu(), new Generator(1), 128, 256), BatchNorm.bn1d(Devices.cpu(), 256),
        new ConvTranspose2d(Devices.cpu(), new Generator(2), 64, 32, 4, 2, 1, false),
        new Conv2d(Devices.cpu(), new Generator(3), 32, 64, 4, 2, 1, true));
    Init.dcgan(net, new Generator(7));
    for (String name : new String[] {"0.weight", "2.weight", "3.weight"}) {    // 32,768 weights each
      double[] s = stats(net.stateDict().get(name));
      assertEquals(0, s[0], 0.001, name + " mean");                         // 4 standard errors: 4·0.02/√32768 = 0.0004
      assertEquals(0.02, s[1], 0.0005, name + " std");
    }
    double[] bn = stats(net.stateDict().get("1.weight"));                    // 256 values of N(1, 0.02)
    assertEquals(1, bn[0], 0.005, "batch-norm weight mean");
    assertEquals(0.02, bn[1], 0.004, "batch-norm weight std");
    for (String name : new String[] {"0.bias", "1.bias", "3.bias"}) {
      for (float x : net.stateDict().get(name).toArray()) assertEquals(0f, x, name);
    }
  }

  @Test
  void theSameSeedGivesTheSameModel() {
    Linear a = new Linear(Devices.cpu(), new Generator(5), 3, 4), b = new Linear(Devices.cpu(), new Generator(5), 3, 4);
    assertEquals(java.util.Arrays.toString(a.param("weight").toArray()), java.util.Arrays.toString(b.param("weight").toArray()));
  }

  /** Keras's glorot_uniform: U(±√(6/(fan_in + fan_out))), std a/√3; biases 0, batch norm γ 1 and β 0. */
  @Test
  void glorotUniformUsesBothFans() {
    // Conv2d(32, 64, 3): fans 32·9 = 288 and 64·9 = 576, a = √(6/864) = 0.0833. Linear(300, 100): a = √(6/400) = 0.1225.
    Sequential net = new Sequential(new Conv2d(Devices.cpu(), new Generator(1), 32, 64, 3, 1, 1, true),
        BatchNorm.bn2d(Devices.cpu(), 64, 0.2f, 1e-3f), new Linear(Devices.cpu(), new Generator(2), 300, 100));
    Init.dcgan(net, new Generator(5));                                        // something else first, to be overwritten
    Init.glorotUniform(net, new Generator(7));
    double[][] cases = {{0, Math.sqrt(6.0 / 864)}, {2, Math.sqrt(6.0 / 400)}};
    for (double[] c : cases) {
      String name = (int) c[0] + ".weight";
      Tensor w = net.stateDict().get(name);
      for (float x : w.toArray()) assertTrue(Math.abs(x) <= c[1] * (1 + 1e-6), name + ": " + x);
      double[] s = stats(w);
      assertEquals(0, s[0], 0.003, name + " mean");
      assertEquals(c[1] / Math.sqrt(3), s[1], 0.02 * c[1], name + " std");
      for (float x : net.stateDict().get((int) c[0] + ".bias").toArray()) assertEquals(0f, x);
    }
    for (float x : net.stateDict().get("1.weight").toArray()) assertEquals(1f, x);
    for (float x : net.stateDict().get("1.bias").toArray()) assertEquals(0f, x);
  }
}
