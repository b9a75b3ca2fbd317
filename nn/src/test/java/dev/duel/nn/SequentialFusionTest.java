package dev.duel.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sequential hands an activation to the layer before it when that layer can fuse it (Linear and Conv2d with a bias,
 * BatchNorm): dcgan28's D and G stacks and mlp's give the same outputs and parameter gradients, bit for bit, as their
 * layers run one by one; the layers keep their PyTorch names.
 */
class SequentialFusionTest {

  private static float[][] outputAndGrads(Sequential net, Tensor x, boolean fused) {
    for (Tensor p : net.parameters()) p.setGrad(null);
    Tensor y = x;
    if (fused) {
      y = net.forward(x);
    } else {
      for (int i = 0; i < net.size(); i++) y = net.get(i).forward(y);
    }
    y.square().sum().backward();
    List<Tensor> ps = net.parameters();
    float[][] out = new float[ps.size() + 1][];
    out[0] = y.toArray();
    for (int i = 0; i < ps.size(); i++) out[i + 1] = ps.get(i).grad().toArray();
    return out;
  }

  @Test
  void fusedStacksMatchTheirLayersOneByOne() {
    var be = Devices.cpu();
    Generator rng = new Generator(5);
    try (MemoryScope scope = MemoryScope.open()) {
      Sequential d = new Sequential(new Conv2d(be, rng, 1, 8, 4, 2, 1, true), Layers.leakyRelu(0.2f),
          new Conv2d(be, rng, 8, 16, 4, 2, 1, true), BatchNorm.bn2d(be, 16), Layers.leakyRelu(0.2f), Layers.flatten());
      Sequential g = new Sequential(new Linear(be, rng, 10, 32), BatchNorm.bn1d(be, 32), Layers.relu(),
          Layers.reshape(2, 4, 4), new ConvTranspose2d(be, rng, 2, 3, 4, 2, 1, true), BatchNorm.bn2d(be, 3), Layers.relu());
      Sequential mlp = new Sequential(new Linear(be, rng, 20, 48), Layers.leakyRelu(0.2f), new Linear(be, rng, 48, 33),
          Layers.relu(), new Linear(be, rng, 33, 1));
      Tensor image = rng.normal(be, 0f, 1f, 6, 1, 16, 16), z = rng.normal(be, 0f, 1f, 6, 10), h = rng.normal(be, 0f, 1f, 6, 20);
      for (Object[] c : new Object[][] {{d, image}, {g, z}, {mlp, h}}) {
        Sequential net = (Sequential) c[0];
        float[][] plain = outputAndGrads(net, (Tensor) c[1], false), fused = outputAndGrads(net, (Tensor) c[1], true);
        for (int i = 0; i < plain.length; i++) assertArrayEquals(plain[i], fused[i], 0f, "output/gradient " + i);
      }
      assertEquals("LeakyReLU(0.2)", d.get(1).describe());
      assertEquals("ReLU()", g.get(2).describe());
    }
  }
}
