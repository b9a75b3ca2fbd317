package dev.duel.gan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.gan.data.FashionMnist;
import dev.duel.gan.data.ImageDataset;
import dev.duel.gan.data.IdxWriter;
import dev.duel.gan.metrics.ClassifierWeights;
import dev.duel.gan.metrics.FashionClassifier;
import dev.duel.gan.models.Mlp;
import dev.duel.gan.train.Checkpoints;
import dev.duel.gan.train.StateMaps;
import dev.duel.nn.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** duel eval end to end (through the CLI) on small sets, with a randomly initialised classifier (the metrics' plumbing, not their values). */
class EvalCommandTest {
  @TempDir Path dir;
  Path classifier;
  final StringBuilder out = new StringBuilder(), err = new StringBuilder();

  @BeforeEach
  void classifier() throws IOException {
    classifier = dir.resolve("clf").resolve("c.safetensors");
    Files.createDirectories(classifier.getParent());
    ClassifierWeights.save(new FashionClassifier(Devices.cpu(), new Generator(1)), classifier, Map.of());
  }

  int run(String... args) {
    List<String> all = new ArrayList<>(List.of("eval"));
    all.addAll(List.of(args));
    all.addAll(List.of("--classifier", classifier.toString(), "--kid-subsets", "3", "--kid-subset-size", "10", "--splits", "2"));
    CliTest.Result r = CliTest.duel(all.toArray(String[]::new));
    out.append(r.out());
    err.append(r.err());
    return r.code();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> json(Path f) throws IOException {
    return Json.parseObject(Files.readString(f));
  }

  @Test
  void scoresAnIdxFileAgainstAnIdxReference() throws IOException {
    ImageDataset test = FashionMnist.load(null, ImageDataset.Split.TEST);
    Path ref = dir.resolve("ref.idx3-ubyte.gz"), samples = dir.resolve("samples.idx3-ubyte");
    IdxWriter.writeImages(ref, java.util.Arrays.copyOf(test.images(), 40 * 784), 40, 28, 28);
    IdxWriter.writeImages(samples, java.util.Arrays.copyOfRange(test.images(), 40 * 784, 70 * 784), 30, 28, 28);
    Path report = dir.resolve("r.json");
    assertEquals(0, run(samples.toString(), "--reference", ref.toString(), "--out", report.toString()), err.toString());
    Map<String, Object> j = json(report);
    assertEquals(30L, j.get("sample_count"));
    assertEquals(40L, j.get("reference_count"));
    for (String key : List.of("fid", "kid_mean", "kid_std", "precision", "recall", "classifier_score_mean", "class_kl_from_uniform")) {
      assertTrue(j.get(key) instanceof Number n && Double.isFinite(n.doubleValue()), key + " = " + j.get(key));
    }
    assertEquals(10, ((List<?>) j.get("class_counts")).size());
    assertEquals(10L, j.get("kid_subset_size"));
    String table = out.toString();
    assertTrue(table.contains("FID") && table.contains("precision") && table.contains("classes covered"), table);

    // The same images as samples and reference: FID 0, precision and recall 1.
    assertEquals(0, run(ref.toString(), "--reference", ref.toString(), "--out", report.toString()), err.toString());
    j = json(report);
    assertEquals(0.0, ((Number) j.get("fid")).doubleValue(), 1e-6);
    assertEquals(1.0, ((Number) j.get("precision")).doubleValue());
    assertEquals(1.0, ((Number) j.get("recall")).doubleValue());
  }

  @Test
  void relativePathsAreTheCallersAndNoReportIsWrittenUnasked() throws IOException {
    ImageDataset test = FashionMnist.load(null, ImageDataset.Split.TEST);
    Path user = dir.resolve("user");
    Files.createDirectories(user.resolve("my"));
    IdxWriter.writeImages(user.resolve("my/ref.idx3-ubyte"), java.util.Arrays.copyOf(test.images(), 30 * 784), 30, 28, 28);
    IdxWriter.writeImages(user.resolve("my.idx"), java.util.Arrays.copyOfRange(test.images(), 30 * 784, 60 * 784), 30, 28, 28);
    String before = System.getProperty("duel.cwd");
    System.setProperty("duel.cwd", user.toString());        // what ./duel passes: the caller's folder
    try {
      assertEquals(0, run("my.idx", "--reference", "my/ref.idx3-ubyte"), err.toString());
      try (var files = Files.list(user)) {
        assertEquals(List.of(user.resolve("my"), user.resolve("my.idx")), files.sorted().toList(), "no eval.json unasked");
      }
      assertTrue(out.toString().contains("FID"), out.toString());
      assertEquals(0, run("my.idx", "--reference", "my/ref.idx3-ubyte", "--out", "report.json"), err.toString());
      assertTrue(Files.isRegularFile(user.resolve("report.json")));
    } finally {
      if (before == null) System.clearProperty("duel.cwd"); else System.setProperty("duel.cwd", before);
    }
    assertTrue(!Files.exists(Path.of("eval.json")) && !Files.exists(Path.of("report.json")));
  }

  @Test
  void scoresACheckpointAgainstTheShippedTestSplit() throws IOException {
    Mlp.G g = new Mlp.G(Devices.cpu(), new Generator(7), 6, 8);
    Path ckpt = Checkpoints.write(dir.resolve("run").resolve("checkpoints"), 5, Map.of("g.safetensors", StateMaps.toHost(g.stateDict())),
        Map.of("config", Map.of("model", "mlp", "latent", 6, "width", 8)));
    Path report = dir.resolve("ck.json");
    assertEquals(0, run(dir.resolve("run").toString(), "-n", "20", "--max-reference", "50", "--out", report.toString()), err.toString());
    Map<String, Object> j = json(report);
    assertTrue(((String) j.get("samples")).contains(ckpt.toString()), j.get("samples").toString());
    assertEquals(20L, j.get("sample_count"));
    assertEquals(50L, j.get("reference_count"));
    assertTrue(((String) j.get("reference")).contains("Fashion-MNIST test"));
  }

  @Test
  void badInputExitsOneAndBadOptionsExitTwo() throws IOException {
    assertEquals(1, run(dir.resolve("nothing-here").toString(), "--out", dir.resolve("x.json").toString()));
    assertTrue(err.toString().startsWith("duel eval: error: ") && err.toString().contains("nothing-here"), err.toString());
    assertEquals(1, err.toString().strip().lines().count(), "one line: " + err);
    Files.createDirectory(dir.resolve("no-png"));
    err.setLength(0);
    assertEquals(1, run(dir.resolve("no-png").toString(), "--out", dir.resolve("x.json").toString()));
    assertTrue(err.toString().equals("duel eval: error: not found: " + dir.resolve("no-png") + " (no .png files in this folder)" + System.lineSeparator()),
        err.toString());
    assertEquals(2, run(dir.resolve("no-png").toString(), "--k", "0"));
    assertTrue(err.toString().contains("--k must be at least 1"), err.toString());
    assertEquals(2, run());
    assertTrue(!Files.exists(dir.resolve("x.json")), "no report for a failed run");
  }
}
