package dev.duel.gan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.gan.data.IdxWriter;
import dev.duel.gan.data.ImageDataset;
import dev.duel.gan.train.TinyData;
import dev.duel.nn.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code duel train --fid-every}: end to end, and refused (exit 2) when the data folder has no test split. */
class TrainFidCliTest {
  @TempDir
  Path tmp;

  private List<String> tiny(Path data, String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--model", "mlp", "--width", "4", "--latent", "8", "--batch", "8",
        "--limit", "3", "--epochs", "2", "--data", data.toString(), "--out", tmp.resolve("runs").toString(), "--name", "fid"));
    a.addAll(List.of(extra));
    return a;
  }

  @Test
  void scoresEachEpochIntoMetricsAndTheConsole() throws IOException {
    Path data = tmp.resolve("data");
    Files.createDirectories(data);
    ImageDataset d = TinyData.dataset();
    for (String split : List.of("train", "t10k")) {
      IdxWriter.writeImages(data.resolve(split + "-images-idx3-ubyte"), d.images(), d.size(), 28, 28);
      IdxWriter.writeLabels(data.resolve(split + "-labels-idx1-ubyte"), d.labels());
    }
    CliTest.Result r = CliTest.duel(tiny(data, "--fid-every", "1", "--fid-samples", "200").toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("FID        every 1 epoch and after the last: 200 samples of G against the test split of " + data
        + " (512 images"), r.out());
    assertTrue(r.out().contains("Epoch 1/2  FID ") && r.out().contains("Epoch 2/2  FID "), r.out());
    List<String> lines = Files.readAllLines(tmp.resolve("runs/fid/metrics.jsonl"));
    assertEquals(6 + 2, lines.size());
    Map<String, Object> last = Json.parseObject(lines.getLast());
    assertEquals("eval", last.get("type"));
    assertEquals(6L, last.get("step"));
    assertTrue(last.get("fid") instanceof Double f && Double.isFinite(f), last.toString());
    assertEquals(1L, Json.parseObject(Files.readString(tmp.resolve("runs/fid/config.json"))).get("fid-every"));
  }

  @Test
  void aDataFolderWithoutTestSplitIsAUsageError() {
    CliTest.Result r = CliTest.duel(tiny(TinyData.folder(), "--fid-every", "1").toArray(String[]::new));
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("--fid-every scores against the test split") && r.err().contains("t10k-images-idx3-ubyte"), r.err());
  }

  @Test
  void tooFewSamplesIsAUsageError() {
    CliTest.Result r = CliTest.duel(tiny(TinyData.folder(), "--fid-every", "1", "--fid-samples", "1").toArray(String[]::new));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--fid-samples must be in [2, 100000], got 1"), r.err());
  }
}
