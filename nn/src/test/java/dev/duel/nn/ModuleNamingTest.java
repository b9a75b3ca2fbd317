package dev.duel.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** State names are PyTorch's: dotted child indices, parameters before buffers, spectral norm's weight_orig/_u/_v. */
class ModuleNamingTest {
  static Sequential net() {
    Generator rng = new Generator(1);
    return new Sequential(new Linear(Devices.cpu(), rng, 4, 3), Layers.relu(), BatchNorm.bn1d(Devices.cpu(), 3),
        new Sequential(new Linear(Devices.cpu(), rng, 3, 2, false)));
  }

  @Test
  void stateDictNamesFollowPyTorch() {
    assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "2.running_mean", "2.running_var", "2.num_batches_tracked",
        "3.0.weight"), List.copyOf(net().stateDict().keySet()));
  }

  @Test
  void parametersAreTheStateWithoutBuffers() {
    Sequential n = net();
    assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "3.0.weight"), List.copyOf(n.namedParameters().keySet()));
    assertEquals(4 * 3 + 3 + 3 + 3 + 3 * 2, n.parameterCount());
    for (var p : n.parameters()) assertTrue(p.requiresGrad());
    assertFalse(n.stateDict().get("2.running_mean").requiresGrad());
  }

  @Test
  void spectralNormUsesPyTorchsNames() {
    Sequential n = new Sequential(new Linear(Devices.cpu(), new Generator(1), 4, 3).spectralNorm(new Generator(2)));
    assertEquals(List.of("0.bias", "0.weight_orig", "0.weight_u", "0.weight_v"),
        n.stateDict().keySet().stream().sorted().toList());
    assertEquals(List.of("0.bias", "0.weight_orig"), n.namedParameters().keySet().stream().sorted().toList());
  }

  @Test
  void trainAndEvalReachEveryModule() {
    Sequential n = net();
    n.eval();
    for (Module m : n.modules()) assertFalse(m.isTraining(), m.describe());
    n.train(true);
    for (Module m : n.modules()) assertTrue(m.isTraining(), m.describe());
    assertEquals(6, n.modules().size());                      // net, 4 layers, the inner Linear
  }
}
