package dev.duel.gan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.gan.demo.Game1dPlot;
import dev.duel.gan.demo.RingPlot;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `duel demo game1d` and `duel demo ring` end to end with tiny budgets: output, pictures, exit codes. */
class DemoCommandTest {
  @TempDir Path dir;

  /** {@code duel demo ARGS...} through the CLI. */
  private static CliTest.Result run(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "demo";
    System.arraycopy(args, 0, all, 1, args.length);
    return CliTest.duel(all);
  }

  @Test
  void game1dWritesTheFigureAndFrames() throws IOException {
    CliTest.Result r = run("game1d", "--rounds", "2", "--d-steps-first", "30", "--d-steps", "10", "--g-steps", "2", "--batch", "64",
        "--out", dir.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("max|D−D*|") && r.out().contains("(final)"), r.out());
    BufferedImage fig = ImageIO.read(dir.resolve("game1d-gaussian-affine.png").toFile());
    assertEquals(2 * Game1dPlot.WIDTH, fig.getWidth());
    assertEquals(2 * Game1dPlot.HEIGHT, fig.getHeight());
    assertTrue(dir.resolve("frame-000.png").toFile().isFile() && dir.resolve("frame-001.png").toFile().isFile());
    assertTrue(dir.resolve("final.png").toFile().isFile());
  }

  @Test
  void ringWritesTheTableAndPictures() throws IOException {
    CliTest.Result r = run("ring", "--steps", "4", "--log-every", "2", "--eval-samples", "200", "--out", dir.toString());
    assertEquals(0, r.code(), r.err());
    for (String m : new String[] {"vanilla", "vanilla-budget", "unrolled", "wgan-gp"}) {
      assertTrue(r.out().contains(m + " "), r.out());
      assertTrue(dir.resolve("ring-" + m + "-steps.png").toFile().isFile(), m);
    }
    assertTrue(r.out().contains("entropy"), r.out());
    BufferedImage cmp = ImageIO.read(dir.resolve("ring-compare.png").toFile());
    assertEquals(4 * RingPlot.SIZE, cmp.getWidth());
  }

  /** --seeds runs every method on each seed and ends with the table over the seeds; pictures of the first. */
  @Test
  void ringOverSeveralSeedsPrintsTheSummary() {
    CliTest.Result r = run("ring", "--methods", "vanilla,minibatch", "--seeds", "3,4", "--steps", "2", "--log-every", "0",
        "--eval-samples", "100", "--out", dir.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("seed 3") && r.out().contains("seed 4"), r.out());
    assertTrue(r.out().contains("over 2 seeds [3, 4]: mean (min–max)"), r.out());
    assertTrue(dir.resolve("ring-minibatch-steps.png").toFile().isFile());
    assertEquals(2, run("ring", "--unroll-steps", "0", "--out", dir.toString()).code());
  }

  @Test
  void diracPrintsTheEigenvaluesAndWritesThePortraits() throws IOException {
    CliTest.Result r = run("dirac", "--steps", "50", "--out", dir.toString());
    assertEquals(0, r.code(), r.err());
    for (String m : new String[] {"simultaneous ", "alternating ", "TTUR simultaneous", "R1 alternating"}) assertTrue(r.out().contains(m), r.out());
    assertTrue(r.out().contains("1.0000 ± 0.1000i"), r.out());          // simultaneous, h = 0.2: 1 ± i·h/2
    BufferedImage phase = ImageIO.read(dir.resolve("dirac-phase.png").toFile());
    assertTrue(phase.getWidth() > 600 && phase.getHeight() > 600);
    assertTrue(dir.resolve("dirac-distance.png").toFile().isFile());
    assertEquals(2, run("dirac", "--small-h", "0.5", "--out", dir.toString()).code());   // larger than --h
  }

  @Test
  void badOptionsAreUsageErrorsThatSayWhatToUse() {
    CliTest.Result r = run("game1d", "--data", "cauchy", "--out", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("gaussian or mixture"), r.err());
    r = run("ring", "--methods", "vanilla,veegan", "--out", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("vanilla, minibatch, k-step, wgan-gp, unrolled or vanilla-budget"), r.err());
    r = run("ring", "--batch", "1", "--out", dir.toString());
    assertEquals(2, r.code());
    assertEquals(2, run().code());                     // `duel demo` alone: the usage, exit 2
  }
}
