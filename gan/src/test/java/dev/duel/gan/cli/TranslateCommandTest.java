package dev.duel.gan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.gan.data.ImageFit;
import dev.duel.gan.data.PngDecoder;
import dev.duel.gan.metrics.ClassifierWeights;
import dev.duel.gan.metrics.FashionClassifier;
import dev.duel.gan.metrics.PairMetrics;
import dev.duel.gan.models.UNet;
import dev.duel.gan.train.Checkpoints;
import dev.duel.gan.train.PairedSamples;
import dev.duel.gan.train.TranslationModels;
import dev.duel.nn.state.Json;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * duel translate and duel eval on a pix2pix checkpoint trained a few steps here (edges, width 8): the
 * written pairs are the fitted input and G's output, any PNG kind is read, errors are one line, and eval
 * reports L1, PSNR, SSIM and FID of the test pairs.
 */
class TranslateCommandTest {
  static { System.setProperty("java.awt.headless", "true"); }

  @TempDir static Path dir;
  static Path run;

  @BeforeAll
  static void trainTinyModel() {
    CliTest.Result r = CliTest.duel("train", "--model", "pix2pix", "--task", "edges", "--width", "8", "--batch", "16", "--limit", "64",
        "--epochs", "1", "--out", dir.toString(), "--name", "edges", "--sample-every", "0");
    assertEquals(0, r.code(), r.out() + r.err());
    run = dir.resolve("edges");
  }

  /** A w×h picture of BufferedImage {@code type}: a dark cross on a light background. */
  static Path picture(Path file, int type, int w, int h) throws IOException {
    BufferedImage b = new BufferedImage(w, h, type);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) {
        boolean ink = Math.abs(x - w / 2) < 2 || Math.abs(y - h / 2) < 2;
        b.setRGB(x, y, ink ? 0xFF102030 : 0x80F0E0D0);
      }
    Files.createDirectories(file.getParent());
    ImageIO.write(b, "png", file.toFile());
    return file;
  }

  @Test
  void translatesOnePngIntoInputBesideOutput() throws IOException {
    Path in = picture(dir.resolve("in").resolve("cross.png"), BufferedImage.TYPE_INT_ARGB, 40, 30);
    Path out = dir.resolve("cross-out.png");
    CliTest.Result r = CliTest.duel("translate", run.toString(), "--input", in.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("translated 1 PNG"), r.out());

    PngDecoder.Image written = PngDecoder.read(out);
    assertEquals(56, written.width());
    assertEquals(28, written.height());
    // the left panel is the input fitted to 1×28×28, the right one G(input) in eval mode
    float[] x = ImageFit.fit(PngDecoder.read(in), 1, 28, 28);
    UNet g = TranslationModels.generatorFrom(Checkpoints.locate(run, System.err), "g.safetensors", Devices.cpu());
    float[] y = PairedSamples.translate(g, Devices.cpu(), x, 1, 1);
    for (int py = 0; py < 28; py++)
      for (int px = 0; px < 28; px++) {
        assertEquals(Math.round((x[py * 28 + px] + 1) * 127.5), Math.round(written.planes()[py * 56 + px] * 255), 1.0, "input " + px + "," + py);
        assertEquals(Math.round((y[py * 28 + px] + 1) * 127.5), Math.round(written.planes()[py * 56 + 28 + px] * 255), 1.0, "output " + px + "," + py);
      }
  }

  @Test
  void translatesAFolderOfAnyPngKindAndPathsResolveAgainstTheCallersFolder() throws IOException {
    Path user = Files.createDirectories(dir.resolve("user"));
    picture(user.resolve("sketches").resolve("a-gray.png"), BufferedImage.TYPE_BYTE_GRAY, 28, 28);
    picture(user.resolve("sketches").resolve("b-palette.png"), BufferedImage.TYPE_BYTE_INDEXED, 100, 60);
    picture(user.resolve("sketches").resolve("c-gray16.png"), BufferedImage.TYPE_USHORT_GRAY, 7, 9);
    picture(user.resolve("sketches").resolve("d-rgb.png"), BufferedImage.TYPE_3BYTE_BGR, 64, 64);
    Files.writeString(user.resolve("sketches").resolve("notes.txt"), "ignored");
    String before = System.getProperty("duel.cwd");
    System.setProperty("duel.cwd", user.toString());
    try {
      CliTest.Result r = CliTest.duel("translate", run.toString(), "--input", "sketches", "--out", "translated", "--zoom", "3");
      assertEquals(0, r.code(), r.err());
    } finally {
      if (before == null) System.clearProperty("duel.cwd"); else System.setProperty("duel.cwd", before);
    }
    try (Stream<Path> s = Files.list(user.resolve("translated"))) {
      List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(List.of("a-gray.png", "b-palette.png", "c-gray16.png", "d-rgb.png"), names);
    }
    PngDecoder.Image one = PngDecoder.read(user.resolve("translated").resolve("c-gray16.png"));
    assertEquals(2 * 28 * 3, one.width());
    assertEquals(28 * 3, one.height());
  }

  @Test
  void dropoutAtTestTimeIsDeterministicInItsSeed() throws IOException {
    Path in = picture(dir.resolve("in2").resolve("x.png"), BufferedImage.TYPE_BYTE_GRAY, 28, 28);
    Path a = dir.resolve("d-a.png"), b = dir.resolve("d-b.png");
    assertEquals(0, CliTest.duel("translate", run.toString(), "--input", in.toString(), "--out", a.toString(), "--dropout", "--seed", "5").code());
    assertEquals(0, CliTest.duel("translate", run.toString(), "--input", in.toString(), "--out", b.toString(), "--dropout", "--seed", "5").code());
    assertTrue(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)), "the same --seed gives the same masks");
  }

  @Test
  void badInputGetsOneLineNamingTheFile() throws IOException {
    Path notPng = Files.writeString(dir.resolve("fake.png"), "not a picture");
    CliTest.Result r = CliTest.duel("translate", run.toString(), "--input", notPng.toString(), "--out", dir.resolve("o.png").toString());
    assertEquals(1, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains(notPng.toString()) && r.err().contains("not a PNG"), r.err());
    assertFalse(Files.exists(dir.resolve("o.png")));

    r = CliTest.duel("translate", run.toString(), "--input", dir.resolve("absent.png").toString(), "--out", dir.resolve("o.png").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("absent.png") && r.err().contains("not found"), r.err());

    Path in = picture(dir.resolve("in3").resolve("y.png"), BufferedImage.TYPE_BYTE_GRAY, 28, 28);
    r = CliTest.duel("translate", run.toString(), "--input", in.toString(), "--out", dir.resolve("o.jpg").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("name a .png file"), r.err());

    r = CliTest.duel("translate", dir.resolve("no-run").toString(), "--input", in.toString(), "--out", dir.resolve("o.png").toString());
    assertEquals(1, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  @SuppressWarnings("unchecked")
  void evalOfATranslationRunReportsPairMetricsAndFid() throws IOException {
    Path classifier = dir.resolve("clf").resolve("c.safetensors");
    Files.createDirectories(classifier.getParent());
    ClassifierWeights.save(new FashionClassifier(Devices.cpu(), new Generator(1)), classifier, Map.of());
    Path report = dir.resolve("eval.json");
    CliTest.Result r = CliTest.duel("eval", run.toString(), "--samples", "40", "--max-reference", "60", "--classifier", classifier.toString(),
        "--kid-subsets", "3", "--kid-subset-size", "10", "--splits", "2", "--out", report.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("PSNR") && r.out().contains("SSIM") && r.out().contains("FID"), r.out());
    Map<String, Object> j = Json.parseObject(Files.readString(report));
    assertEquals("translation", j.get("kind"));
    assertEquals("edges", j.get("task"));
    assertEquals(40L, j.get("pair_count"));
    for (String key : List.of("l1", "psnr_db", "ssim", "fid", "kid_mean")) {
      assertTrue(j.get(key) instanceof Number n && Double.isFinite(n.doubleValue()), key + " = " + j.get(key));
    }
    double l1 = ((Number) j.get("l1")).doubleValue(), ssim = ((Number) j.get("ssim")).doubleValue();
    assertTrue(l1 > 0 && l1 < 1, "l1 " + l1);
    assertTrue(ssim > -1 && ssim < 1, "ssim " + ssim);
    assertEquals(40L, j.get("sample_count"));
    // the same numbers as PairMetrics on the same pairs, translated here
    var c = Checkpoints.locate(run, System.err);
    var cfg = dev.duel.gan.train.TrainConfig.fromSaved(c.config(), "test").validate();
    var test = dev.duel.gan.train.TranslationData.load(cfg, null, null, dev.duel.gan.data.ImageDataset.Split.TEST);
    float[] in = new float[40 * 784], target = new float[40 * 784];
    int[] idx = new int[40];
    for (int i = 0; i < 40; i++) idx[i] = i;
    test.gather(idx, 40, 0, in, target);
    float[] out = PairedSamples.translate(TranslationModels.generatorFrom(c, "g.safetensors", Devices.cpu()), Devices.cpu(), in, 40, 16);
    assertEquals(PairMetrics.l1(out, target), l1, 1e-6);
    assertEquals(PairMetrics.ssim(out, target, 40, 1, 28, 28), ssim, 1e-5);
  }

  /** A colour paired folder (train/ and test/ of 16×16 | 16×16 RGB pairs) trains, translates and evaluates end to end. */
  @Test
  @SuppressWarnings("unchecked")
  void aPairedFolderRunTrainsTranslatesAndEvaluates() throws IOException {
    Path data = dir.resolve("pairs");
    for (String split : List.of("train", "test")) {
      for (int i = 0; i < 6; i++) {
        BufferedImage b = new BufferedImage(32, 16, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 16; y++)
          for (int x = 0; x < 32; x++) b.setRGB(x, y, x < 16 ? ((x + y + i) % 4 == 0 ? 0x000000 : 0xFFFFFF) : (x * 15 << 16) | (y * 15 << 8) | (i * 40));
        Files.createDirectories(data.resolve(split));
        ImageIO.write(b, "png", data.resolve(split).resolve("p" + i + ".png").toFile());
      }
    }
    CliTest.Result r = CliTest.duel("train", "--model", "pix2pix", "--task", "folder:" + data, "--width", "4", "--batch", "3", "--limit", "2",
        "--epochs", "1", "--out", dir.toString(), "--name", "folder", "--sample-every", "0");
    assertEquals(0, r.code(), r.out() + r.err());
    Path report = dir.resolve("folder.json");
    r = CliTest.duel("eval", dir.resolve("folder").toString(), "--out", report.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("FID etc.: not computed"), r.out());
    Map<String, Object> j = Json.parseObject(Files.readString(report));
    assertEquals(6L, j.get("pair_count"));
    assertEquals(List.of(3L, 16L, 16L), j.get("output_shape"));
    assertTrue(j.get("psnr_db") instanceof Number n && Double.isFinite(n.doubleValue()), r.out());
    assertEquals(null, j.get("fid"));
    Path out = dir.resolve("folder-out");
    r = CliTest.duel("translate", dir.resolve("folder").toString(), "--input", data.resolve("test").toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    PngDecoder.Image t = PngDecoder.read(out.resolve("p0.png"));
    assertEquals(32, t.width());
    assertEquals(16, t.height());
  }
}
