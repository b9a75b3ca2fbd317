package dev.duel.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BatchNorm's state has PyTorch's names and shapes, so a state dict moves between Duel and PyTorch. */
class BatchNormStateTest {
  @Test
  void stateNamesAndShapesArePyTorchs() {
    BatchNorm bn = BatchNorm.bn2d(Devices.cpu(), 3);
    Map<String, Tensor> s = bn.stateDict();
    assertEquals(java.util.List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"), java.util.List.copyOf(s.keySet()));
    assertArrayEquals(new int[] {3}, s.get("running_var").shape());
    assertArrayEquals(new int[] {}, s.get("num_batches_tracked").shape(), "PyTorch's num_batches_tracked is a 0-d tensor");
  }

  @Test
  void numBatchesTrackedCountsTrainingForwards() {
    BatchNorm bn = BatchNorm.bn1d(Devices.cpu(), 2);
    Tensor x = new Generator(3).normal(Devices.cpu(), 0f, 1f, 4, 2);
    bn.forward(x);
    bn.forward(x);
    bn.eval();
    bn.forward(x);
    assertEquals(2f, bn.stateDict().get("num_batches_tracked").item());
  }
}
