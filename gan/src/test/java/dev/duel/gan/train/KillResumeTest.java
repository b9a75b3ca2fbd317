package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.duel.gan.data.FashionMnist;
import dev.duel.gan.data.ImageDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 for real: `duel train` runs in a child JVM, is killed with SIGKILL (Process.destroyForcibly)
 * once checkpoints appear, and the run is resumed in this JVM. The child's logged steps up to its
 * checkpoint and the resumed steps after it must equal an uninterrupted run's, bit for bit.
 */
class KillResumeTest {
  @TempDir
  Path tmp;

  @Test
  void aRunKilledWithSigkillResumesBitIdentically() throws Exception {
    Path data = TinyData.folder();
    Path out = tmp.resolve("runs");
    Path log = tmp.resolve("child.log");
    List<String> cmd = new ArrayList<>(List.of(javaBinary(), "--add-modules", "jdk.incubator.vector",
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.duel.gan.cli.Main",
        "train", "--model", "mlp", "--width", "4", "--latent", "8", "--batch", "8", "--limit", "5",
        "--epochs", "1000", "--checkpoint-every", "2", "--keep-checkpoints", "1000",
        "--data", data.toString(), "--out", out.toString(), "--name", "killed"));
    Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Path checkpoints = out.resolve("killed/checkpoints");
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (Checkpoints.list(checkpoints).size() < 2) {
        if (!child.isAlive()) fail("the child exited with " + child.exitValue() + ":\n" + Files.readString(log));
        if (System.nanoTime() > deadline) fail("no checkpoint within 60 s:\n" + Files.readString(log));
        Thread.sleep(10);
      }
      Thread.sleep(137);                                    // let it run on: the kill lands mid-step or mid-write
    } finally {
      child.destroyForcibly();                              // SIGKILL on Unix
      child.waitFor();
    }

    Checkpoints.Checkpoint last = Checkpoints.newestComplete(checkpoints, System.err);
    assertNotNull(last);
    long k = last.step();
    assertTrue(k >= 2, "resuming at step " + k);

    // The uninterrupted reference: the same run, ending 2 epochs after the checkpoint.
    ImageDataset dataset = FashionMnist.loadFolder(data, ImageDataset.Split.TRAIN);
    TrainConfig c = new TrainConfig().with(last.config(), "state.json");
    c.epochs = (int) (k / 5) + 2;
    Path whole = tmp.resolve("whole");
    new Trainer(c, dataset, whole, ResumeTest.QUIET, false).train();
    List<Map<String, Object>> expected = ResumeTest.readMetrics(whole.resolve("metrics.jsonl"));

    // Resume the killed run in place, in this JVM.
    Trainer resumed = new Trainer(c, dataset, out.resolve("killed"), ResumeTest.QUIET, false);
    resumed.restore(last);
    resumed.train();
    List<Map<String, Object>> got = ResumeTest.readMetrics(out.resolve("killed/metrics.jsonl"));

    assertEquals(expected.size(), got.size(), "one line per step: the child's lines after step " + k + " were dropped");
    for (int i = 0; i < expected.size(); i++) {
      for (String key : ResumeTest.EXACT) {
        assertEquals(expected.get(i).get(key), got.get(i).get(key),
            "step " + (i + 1) + " " + key + (i < k ? " (logged by the killed child)" : " (resumed at " + k + ")"));
      }
    }
  }

  private static String javaBinary() {
    return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
