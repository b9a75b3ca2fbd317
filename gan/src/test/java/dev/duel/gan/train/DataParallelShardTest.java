package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The data-parallel split on the CPU: shards of the shared permutation, per-rank streams, the batch rule. */
class DataParallelShardTest {
  @Test
  void ranksTakeDisjointShardsThatMakeTheGlobalBatch() {
    int batch = 12, world = 3;
    BatchSource global = new BatchSource(TinyData.dataset(), batch, 5);
    BatchSource[] ranks = new BatchSource[world];
    for (int r = 0; r < world; r++) ranks[r] = new BatchSource(TinyData.dataset(), batch, 5, world, new int[] {r});
    BatchSource simulated = new BatchSource(TinyData.dataset(), batch, 5, world, new int[] {0, 1, 2});
    for (int step = 0; step < 50; step++) {                          // past an epoch end: 512 / 12 = 42 batches
      float[] whole = global.next(Devices.cpu()).images().toArray();
      float[] all = new float[0];
      for (BatchSource r : ranks) {
        float[] shard = r.next(Devices.cpu()).images().toArray();
        assertEquals(whole.length / world, shard.length);
        float[] joined = Arrays.copyOf(all, all.length + shard.length);
        System.arraycopy(shard, 0, joined, all.length, shard.length);
        all = joined;
      }
      assertArrayEquals(whole, all, "step " + step + ": the ranks' shards, in rank order, are the global batch");
      assertArrayEquals(whole, simulated.next(Devices.cpu()).images().toArray());
      assertEquals(global.cursor(), ranks[2].cursor());               // one cursor restores every rank
    }
  }

  @Test
  void rankZeroDrawsTheOneProcessStreamAndOthersTheirOwn() {
    assertEquals(RunStreams.train(9), RunStreams.train(9, 0));
    assertNotEquals(RunStreams.train(9, 1), RunStreams.train(9, 2));
    assertNotEquals(RunStreams.train(9), RunStreams.train(9, 1));
    List<Generator> g = DataParallel.simulated(2).trainStreams(9);
    float[] z = DataParallel.noise(g, Devices.cpu(), 3, 4).toArray();
    float[] z0 = new Generator(RunStreams.train(9, 0)).normal(Devices.cpu(), 0f, 1f, 3, 4).toArray();
    float[] z1 = new Generator(RunStreams.train(9, 1)).normal(Devices.cpu(), 0f, 1f, 3, 4).toArray();
    assertArrayEquals(z0, Arrays.copyOfRange(z, 0, 12));
    assertArrayEquals(z1, Arrays.copyOfRange(z, 12, 24));
  }

  @Test
  void theGlobalBatchMustDivideByTheRanks() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataParallel.simulated(5).shard(12));
    assertTrue(e.getMessage().contains("--batch 12 is the global batch and must divide by the 5 ranks"), e.getMessage());
    assertEquals(4, DataParallel.simulated(3).shard(12));
    assertEquals(12, DataParallel.single().shard(12));
  }
}
