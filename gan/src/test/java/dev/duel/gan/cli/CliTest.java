package dev.duel.gan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.gan.data.IdxFile;
import dev.duel.gan.train.Checkpoints;
import dev.duel.gan.train.TinyData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The duel command line: exit codes, messages, and each command end to end on a tiny run. */
class CliTest {
  /** Exit code and what was printed. */
  record Result(int code, String out, String err) {}

  @TempDir
  static Path runs;

  @TempDir
  Path tmp;

  static Result duel(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    int code = Main.run(args, new Main.Io(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), false));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A tiny mlp run shared by the tests: 2 epochs of 3 steps. */
  static List<String> tiny(String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--model", "mlp", "--width", "4", "--latent", "8", "--batch", "8",
        "--limit", "3", "--epochs", "2", "--data", TinyData.folder().toString(), "--out", runs.toString()));
    a.addAll(List.of(extra));
    return a;
  }

  @BeforeAll
  static void trainOnce() {
    Result r = duel(tiny("--name", "base", "--ema-decay", "0.9").toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
  }

  /**
   * `duel train --model keras-dcgan` end to end, on cpu and on cuda-emu: a run folder with a sample grid
   * (G's [0, 1] output mapped to [−1, 1]) and a checkpoint that `duel sample` reads.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"cpu", "cuda-emu"})
  void kerasDcganTrainsAndSamples(String device) {
    String name = "keras-" + device;
    Result r = duel("train", "--model", "keras-dcgan", "--width", "8", "--batch", "4", "--limit", "2", "--epochs", "1",
        "--data", TinyData.folder().toString(), "--out", runs.toString(), "--name", name, "--device", device);
    if (device.equals("cuda-emu") && r.code() != 0 && r.err().contains("cuda-emu")) {
      org.junit.jupiter.api.Assumptions.abort("cuda-emu not available: " + r.err());
    }
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("keras-dcgan on " + device), r.out());
    assertTrue(java.nio.file.Files.isRegularFile(runs.resolve(name).resolve("samples/epoch-001.png")));
    Result s = duel("sample", runs.resolve(name).toString(), "--n", "4", "--out", runs.resolve(name + ".png").toString());
    assertEquals(0, s.code(), s.err());
  }

  @Test
  void gradcheckPrintsOneLinePerOpAndPasses() {
    Result r = duel("gradcheck", "--op", "matmul");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("max rel err"), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("matmul") && l.endsWith("ok")), r.out());
    assertTrue(r.out().contains(" passed, 0 failed"), r.out());
  }

  /**
   * `duel train --model dcgan28 --loss wgan-gp`: D gets layer norm, with a one-line note saying why, and the
   * WGAN-GP paper's settings (k = 5, lr 1e-4, betas (0, 0.9)) except those given; asking for batch norm
   * runs with a one-line warning giving the reason.
   */
  @Test
  void wganGpOnDcgan28SaysWhatItChangedAndWarnsOnBatchNorm() throws Exception {
    List<String> base = List.of("train", "--model", "dcgan28", "--loss", "wgan-gp", "--width", "2", "--batch", "4", "--limit", "1",
        "--epochs", "1", "--data", TinyData.folder().toString(), "--out", runs.toString());
    List<String> a = new ArrayList<>(base);
    a.addAll(List.of("--name", "gp", "--lr-g", "3e-4"));
    Result r = duel(a.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("note: dcgan28's D uses layer norm, not batch norm: a gradient penalty must not be taken through"
        + " batch statistics"), r.out());
    assertFalse(r.out().contains("warning:"), r.out());
    String config = Files.readString(runs.resolve("gp/config.json"));
    for (String kv : List.of("\"d-norm\": \"layer\"", "\"d-steps\": 5", "\"beta1\": 0.0", "\"beta2\": 0.9", "\"lr-g\": 3.0E-4", "\"lr-d\": 1.0E-4")) {
      assertTrue(config.contains(kv), kv + " in " + config);
    }

    List<String> bn = new ArrayList<>(base);
    bn.addAll(List.of("--name", "gp-bn", "--d-norm", "batch"));
    Result w = duel(bn.toArray(String[]::new));
    assertEquals(0, w.code(), w.err());
    assertEquals(1, w.out().lines().filter(l -> l.startsWith("warning: --loss wgan-gp with a batch-normalised D: the penalty")).count(), w.out());
  }

  // ---- usage errors: exit 2 with a message and a hint -------------------------------------------

  @Test
  void unknownOptionExits2WithASuggestion() {
    Result r = duel("train", "--epoch=3");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Unknown option: '--epoch=3'"), r.err());
    assertTrue(r.err().contains("--epochs"), "suggests the near miss: " + r.err());
    assertTrue(r.err().contains("Try 'duel train --help'"), r.err());
  }

  @Test
  void badModelNameExits2() {
    Result r = duel("train", "--model", "stylegan", "--out", runs.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--model 'stylegan' is not a model; choose one of mlp, dcgan28, cgan-mlp"), r.err());
  }

  @Test
  void negativeBatchExits2() {
    Result r = duel("train", "--batch", "-8", "--out", runs.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--batch must be in [1, 65536], got -8"), r.err());
  }

  @Test
  void malformedNumberExits2() {
    Result r = duel("train", "--lr-d", "fast");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--lr-d") && r.err().contains("fast"), r.err());
  }

  @Test
  void unknownCommandAndLossExit2() {
    assertEquals(2, duel("trian").code());
    Result loss = duel("train", "--loss", "earth-mover", "--out", runs.toString());
    assertEquals(2, loss.code());
    assertTrue(loss.err().contains("'earth-mover'"), loss.err());
  }

  @Test
  void badConfigFileExits2NamingTheKey() throws IOException {
    Path f = tmp.resolve("run.json");
    Files.writeString(f, "{\"model\": \"mlp\", \"learning-rate\": 0.1}");
    Result r = duel("train", "--config", f.toString(), "--out", runs.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("unknown option 'learning-rate'") && r.err().contains(f.toString()), r.err());
  }

  @Test
  void anExistingRunIsNotOverwritten() {
    Result r = duel(tiny("--name", "base").toArray(String[]::new));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("already holds a run: pass --resume"), r.err());
  }

  @Test
  void resumeRefusesToChangeTheModel() {
    Result r = duel("train", "--resume", "--name", "base", "--out", runs.toString(), "--width", "8");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("a resumed run keeps its config: --width is 8 here but 4 in the run"), r.err());
  }

  @Test
  void labelsOnAnUnconditionalModelExit2() {
    Result r = duel("sample", runs.resolve("base").toString(), "--labels", "3", "--out", tmp.resolve("x.png").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--labels: this model is not conditional"), r.err());
  }

  // ---- runtime failures: exit 1 with a message, no stack trace ------------------------------------

  @Test
  void divergingRunExits1AndNamesTheStep() {
    Result r = duel(tiny("--name", "diverge", "--lr-d", "1e30", "--lr-g", "1e30").toArray(String[]::new));
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("training stopped at step") && r.err().matches("(?s).*_loss is (NaN|Infinity|-Infinity).*"), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace without --debug");
    // The advice is a command that works: a resume may lower the learning rates (here to sane ones).
    java.util.regex.Matcher advice = java.util.regex.Pattern.compile("e\\.g\\. half: (duel train --resume [^;]*);").matcher(r.err());
    assertTrue(advice.find(), r.err());
    assertTrue(advice.group(1).endsWith("--name diverge --lr-d 5.0E29 --lr-g 5.0E29"), advice.group(1));
    List<String> resume = new ArrayList<>(List.of(advice.group(1).substring("duel ".length()).split(" ")));
    resume.set(resume.indexOf("--lr-d") + 1, "2e-4");
    resume.set(resume.indexOf("--lr-g") + 1, "2e-4");
    Result again = duel(resume.toArray(String[]::new));
    assertEquals(0, again.code(), again.out() + again.err());
    assertTrue(again.out().contains("resuming with changed options: lr-g 1.0E30 -> 2.0E-4, lr-d 1.0E30 -> 2.0E-4"), again.out());
  }

  @Test
  void missingDataFolderExits1() {
    Result r = duel("train", "--data", tmp.resolve("nowhere").toString(), "--out", runs.toString(), "--name", "nodata");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("nowhere") && r.err().contains("--data folder not found"), r.err());
  }

  @Test
  void resumingACorruptRunNamesTheFileAndExits1() throws IOException {
    Result first = duel(tiny("--name", "corrupt", "--checkpoint-every", "0", "--keep-checkpoints", "1").toArray(String[]::new));
    assertEquals(0, first.code(), first.err());
    Path g = runs.resolve("corrupt/checkpoints/step-6/g.safetensors");
    byte[] b = Files.readAllBytes(g);
    b[b.length - 1] ^= 0x40;
    Files.write(g, b);
    Result r = duel("train", "--resume", "--name", "corrupt", "--out", runs.toString(), "--epochs", "3");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("skipping checkpoint") && r.err().contains("g.safetensors"), r.err());
    assertTrue(r.err().contains("none of its 1 checkpoint loads") && r.err().contains("nothing to resume from"), r.err());
  }

  // ---- the commands end to end ---------------------------------------------------------------------

  @Test
  void trainWritesMetricsGridsPlotAndCheckpoints() throws IOException {
    Path run = runs.resolve("base");
    assertEquals(6, Files.readAllLines(run.resolve("metrics.jsonl")).size());
    for (String f : List.of("losses.png", "samples/epoch-001.png", "samples/epoch-002.png", "samples/latest.png",
        "samples/ema-epoch-002.png", "config.json")) {
      assertTrue(Files.isRegularFile(run.resolve(f)), f);
    }
    assertEquals(8 * 56 + 9 * 2, ImageIO.read(run.resolve("samples/latest.png").toFile()).getWidth(), "8 columns of 28×2 px + gaps");
    assertEquals(6, Checkpoints.newestComplete(run.resolve("checkpoints"), System.err).step());
  }

  @Test
  void resumeExtendsARun() throws IOException {
    Result first = duel(tiny("--name", "extend").toArray(String[]::new));
    assertEquals(0, first.code(), first.err());
    Result r = duel("train", "--resume", "--name", "extend", "--out", runs.toString(), "--epochs", "3");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("resuming with changed options: epochs 2 -> 3"), r.out());
    assertTrue(r.out().contains("Epoch 3/3"), r.out());
    assertEquals(9, Files.readAllLines(runs.resolve("extend/metrics.jsonl")).size());
  }

  @Test
  void sampleWritesAGridAndAnIdxFile() throws IOException {
    Path png = tmp.resolve("grid.png");
    Result r = duel("sample", runs.resolve("base").toString(), "--n", "12", "--out", png.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(4 * 56 + 5 * 2, ImageIO.read(png.toFile()).getWidth(), "12 samples: 4 columns");

    Path idx = tmp.resolve("fake-images-idx3-ubyte.gz");
    Result r2 = duel("sample", runs.resolve("base/checkpoints/step-6").toString(), "--n", "300", "--ema", "--out", idx.toString());
    assertEquals(0, r2.code(), r2.err());
    IdxFile f = IdxFile.read(idx);
    assertEquals(List.of(300, 28, 28), List.of(f.dims()[0], f.dims()[1], f.dims()[2]));

    Result bad = duel("sample", runs.resolve("base").toString(), "--out", tmp.resolve("x.jpg").toString());
    assertEquals(2, bad.code());
  }

  @Test
  void interpolateWritesAStrip() throws IOException {
    Path png = tmp.resolve("walk.png");
    Result r = duel("interpolate", runs.resolve("base").toString(), "--steps", "7", "--walks", "2", "--out", png.toString());
    assertEquals(0, r.code(), r.err());
    var img = ImageIO.read(png.toFile());
    assertEquals(7 * 56 + 8 * 2, img.getWidth());
    assertEquals(2 * 56 + 3 * 2, img.getHeight());
    assertEquals(2, duel("interpolate", runs.resolve("base").toString(), "--method", "cubic").code());
  }

  @Test
  void infoListsDevicesAndVersions() {
    Result r = duel("info");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("cpu         ok"), r.out());
    assertTrue(r.out().matches("(?s).*heap .* GiB max, transparent huge pages (on|off).*"), r.out());
    assertTrue(r.out().contains("cuda") && r.out().contains("java"), r.out());
    int bits = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
    int rows = bits >= 512 ? 8 : 4;   // SgemmKernel.ROWS: 8 rows with 512-bit vectors (the CI JVM sets no override)
    assertTrue(r.out().contains("sgemm       micro-kernel " + rows + "×" + (2 * bits / 32) + " "), r.out());
    assertTrue(r.out().contains("conv        implicit GEMM; 4×4 stride-2 with 7×7 outputs"), r.out());
  }

  @Test
  void helpListsTheCommands() {
    Result r = duel("--help");
    assertEquals(0, r.code());
    for (String c : List.of("train", "sample", "interpolate", "info")) assertTrue(r.out().contains(c), r.out());
  }
}
