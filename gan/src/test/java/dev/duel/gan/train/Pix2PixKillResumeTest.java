package dev.duel.gan.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 for real, as {@link KillResumeTest} for the GANs: {@code duel train --model pix2pix --task
 * inpaint} runs in a child JVM, is killed with SIGKILL once checkpoints appear, and is resumed in this
 * JVM; every logged step equals an uninterrupted run's, bit for bit.
 */
class Pix2PixKillResumeTest {
  @TempDir
  Path tmp;

  @Test
  void aPix2PixRunKilledWithSigkillResumesBitIdentically() throws Exception {
    KilledRun.Result killed = KilledRun.kill(tmp, List.of("--model", "pix2pix", "--task", "inpaint", "--mask-size", "8",
        "--width", "2", "--batch", "4", "--limit", "3", "--epochs", "1000", "--checkpoint-every", "2",
        "--keep-checkpoints", "1000", "--data", TinyData.folder().toString()), 3, 120, 97);
    long k = killed.last().step();

    TrainConfig c = new TrainConfig().with(killed.last().config(), "state.json");
    c.epochs = (int) (k / 3) + 2;
    Path whole = tmp.resolve("whole");
    new Pix2PixTrainer(c, Pix2PixResumeTest.pairs(c), whole, ResumeTest.QUIET, false).train();
    List<Map<String, Object>> expected = Pix2PixResumeTest.readMetrics(whole.resolve("metrics.jsonl"), false);

    Pix2PixTrainer resumed = new Pix2PixTrainer(c, Pix2PixResumeTest.pairs(c), killed.run(), ResumeTest.QUIET, false);
    resumed.restore(killed.last());
    resumed.train();
    List<Map<String, Object>> got = Pix2PixResumeTest.readMetrics(killed.run().resolve("metrics.jsonl"), false);
    KilledRun.assertSameSteps(expected, got, Pix2PixResumeTest.EXACT, k);
  }
}
