package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    Path data = TinyData.folder();
    Path out = tmp.resolve("runs");
    Path log = tmp.resolve("child.log");
    List<String> cmd = new ArrayList<>(List.of(javaBinary(), "--add-modules", "jdk.incubator.vector",
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.duel.gan.cli.Main",
        "train", "--model", "pix2pix", "--task", "inpaint", "--mask-size", "8", "--width", "2", "--batch", "4", "--limit", "3",
        "--epochs", "1000", "--checkpoint-every", "2", "--keep-checkpoints", "1000",
        "--data", data.toString(), "--out", out.toString(), "--name", "killed"));
    Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Path checkpoints = out.resolve("killed/checkpoints");
    try {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (Checkpoints.list(checkpoints).size() < 3) {
        if (!child.isAlive()) fail("the child exited with " + child.exitValue() + ":\n" + Files.readString(log));
        if (System.nanoTime() > deadline) fail("no checkpoint within 120 s:\n" + Files.readString(log));
        Thread.sleep(10);
      }
      Thread.sleep(97);                                     // let it run on: the kill lands mid-step or mid-write
    } finally {
      child.destroyForcibly();                              // SIGKILL on Unix
      child.waitFor();
    }

    Checkpoints.Checkpoint last = Checkpoints.newestComplete(checkpoints, System.err);
    assertNotNull(last);
    long k = last.step();
    assertTrue(k >= 2, "resuming at step " + k);

    TrainConfig c = new TrainConfig().with(last.config(), "state.json");
    c.epochs = (int) (k / 3) + 2;
    Path whole = tmp.resolve("whole");
    new Pix2PixTrainer(c, Pix2PixResumeTest.pairs(c), whole, ResumeTest.QUIET, false).train();
    List<Map<String, Object>> expected = Pix2PixResumeTest.readMetrics(whole.resolve("metrics.jsonl"), false);

    Pix2PixTrainer resumed = new Pix2PixTrainer(c, Pix2PixResumeTest.pairs(c), out.resolve("killed"), ResumeTest.QUIET, false);
    resumed.restore(last);
    resumed.train();
    List<Map<String, Object>> got = Pix2PixResumeTest.readMetrics(out.resolve("killed/metrics.jsonl"), false);

    assertEquals(expected.size(), got.size(), "one line per step: the child's lines after step " + k + " were dropped");
    for (int i = 0; i < expected.size(); i++) {
      for (String key : Pix2PixResumeTest.EXACT) {
        assertEquals(expected.get(i).get(key), got.get(i).get(key),
            "step " + (i + 1) + " " + key + (i < k ? " (logged by the killed child)" : " (resumed at " + k + ")"));
      }
    }
  }

  private static String javaBinary() {
    return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
