package dev.duel.gan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.gan.cli.CliTest.Result;
import dev.duel.gan.train.Checkpoints;
import dev.duel.gan.train.TinyData;
import dev.duel.gan.train.TranslationModels;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code duel train --model pix2pix} end to end: a task run and its resume, a paired-PNG folder, and refusals. */
class Pix2PixCliTest {
  @TempDir
  Path tmp;

  private List<String> train(String name, String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--model", "pix2pix", "--width", "2", "--batch", "4", "--limit", "2",
        "--data", TinyData.folder().toString(), "--out", tmp.resolve("runs").toString(), "--name", name));
    a.addAll(List.of(extra));
    return a;
  }

  @Test
  void edgesTrainsWritesGridAndCheckpointAndResumes() throws Exception {
    Result r = CliTest.duel(train("e", "--task", "edges", "--epochs", "1").toArray(String[]::new));
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("duel train: pix2pix on cpu"), r.out());
    assertTrue(r.out().contains("edges (Sobel threshold 0.5): 512 pairs 1x28x28 -> 1x28x28"), r.out());
    assertTrue(r.out().contains("non-saturating + 100.0·L1"), r.out());
    Path run = tmp.resolve("runs/e");
    assertTrue(Files.isRegularFile(run.resolve("samples/epoch-001.png")));
    assertTrue(Files.isDirectory(run.resolve("checkpoints/step-2")));
    assertEquals(2, Files.readAllLines(run.resolve("metrics.jsonl")).size());

    Result resumed = CliTest.duel(train("e", "--resume", "--epochs", "2").toArray(String[]::new));
    assertEquals(0, resumed.code(), resumed.out() + resumed.err());
    assertTrue(resumed.out().contains("resumed    from"), resumed.out());
    assertEquals(4, Files.readAllLines(run.resolve("metrics.jsonl")).size());

    Result changed = CliTest.duel(train("e", "--resume", "--epochs", "3", "--task", "denoise").toArray(String[]::new));
    assertEquals(2, changed.code(), changed.err());
    assertTrue(changed.err().contains("--task is denoise here but edges in the run"), changed.err());

    Result sample = CliTest.duel("sample", run.toString(), "--n", "4", "--out", tmp.resolve("s.png").toString());
    assertNotEquals(0, sample.code());
    assertTrue(sample.err().contains("pix2pix translates an input image"), sample.err());
  }

  /** --task folder:PATH: six 16×8 gray PNGs (input | target halves of 8×8) train a 1×8×8 → 1×8×8 model. */
  @Test
  void aFolderOfPairedPngsTrains() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("pairs"));
    for (int i = 0; i < 6; i++) {
      BufferedImage img = new BufferedImage(16, 8, BufferedImage.TYPE_BYTE_GRAY);
      for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++) {
          int v = (x + y + i) % 2 == 0 ? 255 : 0;
          img.getRaster().setSample(x, y, 0, v);                 // input: a checkerboard
          img.getRaster().setSample(8 + x, y, 0, 255 - v);       // target: its negative
        }
      ImageIO.write(img, "png", folder.resolve("pair-" + i + ".png").toFile());
    }
    Result r = CliTest.duel("train", "--model", "pix2pix", "--task", "folder:" + folder, "--width", "2", "--batch", "2",
        "--limit", "1", "--epochs", "1", "--out", tmp.resolve("runs").toString(), "--name", "f");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("6 pairs 1x8x8 -> 1x8x8"), r.out());
    Checkpoints.Checkpoint c = Checkpoints.verify(tmp.resolve("runs/f/checkpoints/step-1"));
    assertEquals(new TranslationModels.PairShape(1, 1, 8, 8), TranslationModels.shapeOf(c));
  }

  @Test
  void refusesOptionsThatDoNotFit() {
    Result notPix = CliTest.duel("train", "--model", "mlp", "--task", "inpaint", "--out", tmp.toString());
    assertEquals(2, notPix.code());
    assertTrue(notPix.err().contains("--task and --l1-only are options of --model pix2pix, not mlp"), notPix.err());
    Result badTask = CliTest.duel("train", "--model", "pix2pix", "--task", "colorize", "--out", tmp.toString());
    assertEquals(2, badTask.code());
    assertTrue(badTask.err().contains("--task 'colorize' is not a task; choose one of edges, inpaint, superres, denoise or folder:PATH"),
        badTask.err());
    Result fid = CliTest.duel("train", "--model", "pix2pix", "--fid-every", "1", "--out", tmp.toString());
    assertEquals(2, fid.code());
    assertTrue(fid.err().contains("--fid-every is not built for pix2pix"), fid.err());
    Result noFolder = CliTest.duel("train", "--model", "pix2pix", "--task", "folder:" + tmp.resolve("missing"), "--out", tmp.toString());
    assertNotEquals(0, noFolder.code());
    assertTrue(noFolder.err().contains(tmp.resolve("missing").toString()), noFolder.err());
  }

  /** pix2pix's trainer has no gradient all-reduce: a data-parallel run is refused in one line, before any step. */
  @Test
  void dataParallelPix2PixIsRefused() throws Exception {
    Result r = CliTest.duel(train("dp", "--task", "edges", "--epochs", "1", "--simulate-ranks", "2").toArray(String[]::new));
    assertNotEquals(0, r.code());
    assertTrue(r.err().contains("--model pix2pix trains in one process for now"), r.err());
    assertTrue(!r.err().contains("Exception"), r.err());
    assertTrue(!Files.exists(tmp.resolve("runs/dp/metrics.jsonl")) || Files.readAllLines(tmp.resolve("runs/dp/metrics.jsonl")).isEmpty());
  }
}
