package dev.duel.gan.train;

import dev.duel.gan.data.FashionMnist;
import dev.duel.gan.data.ImageDataset;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 for real: `duel train` runs in a child JVM, is killed with SIGKILL once checkpoints appear ({@link KilledRun}),
 * and the run is resumed in this JVM. The child's logged steps up to its checkpoint and the resumed steps after it
 * must equal an uninterrupted run's, bit for bit.
 */
class KillResumeTest {
  @TempDir
  Path tmp;

  @Test
  void aRunKilledWithSigkillResumesBitIdentically() throws Exception {
    Path data = TinyData.folder();
    KilledRun.Result killed = KilledRun.kill(tmp, List.of("--model", "mlp", "--width", "4", "--latent", "8", "--batch", "8",
        "--limit", "5", "--epochs", "1000", "--checkpoint-every", "2", "--keep-checkpoints", "1000", "--data", data.toString()),
        2, 60, 137);
    long k = killed.last().step();

    // The uninterrupted reference: the same run, ending 2 epochs after the checkpoint.
    ImageDataset dataset = FashionMnist.loadFolder(data, ImageDataset.Split.TRAIN);
    TrainConfig c = new TrainConfig().with(killed.last().config(), "state.json");
    c.epochs = (int) (k / 5) + 2;
    Path whole = tmp.resolve("whole");
    new Trainer(c, dataset, whole, ResumeTest.QUIET, false).train();
    List<Map<String, Object>> expected = ResumeTest.readMetrics(whole.resolve("metrics.jsonl"));

    // Resume the killed run in place, in this JVM.
    Trainer resumed = new Trainer(c, dataset, killed.run(), ResumeTest.QUIET, false);
    resumed.restore(killed.last());
    resumed.train();
    List<Map<String, Object>> got = ResumeTest.readMetrics(killed.run().resolve("metrics.jsonl"));
    KilledRun.assertSameSteps(expected, got, ResumeTest.EXACT, k);
  }
}
