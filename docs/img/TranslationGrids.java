import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.gan.data.ImageDataset;
import dev.duel.gan.data.PairedData;
import dev.duel.gan.report.ImageGrid;
import dev.duel.gan.train.Checkpoints;
import dev.duel.gan.train.PairedSamples;
import dev.duel.gan.train.TrainConfig;
import dev.duel.gan.train.TranslationData;
import dev.duel.gan.train.TranslationModels;
import java.nio.file.Path;

/**
 * The picture grids of docs/image-to-image.md: for each task, the first K test pairs (the pairs
 * `duel eval --seed 0` scores first) as four rows: input | L1-only U-Net | pix2pix | target.
 *
 * <p>Run from the repository root after a build (java's source-file mode, the CLI's classpath):
 * <pre>
 * java --add-modules jdk.incubator.vector -cp "gan/target/duel-gan.jar:gan/target/lib/*" \
 *   docs/img/TranslationGrids.java /tmp/i2i-runs docs/img 8
 * </pre>
 * reads RUNS/TASK-l1 and RUNS/TASK-pix2pix (their newest checkpoints) and writes OUT/i2i-TASK.png. It also
 * prints the "do nothing" baseline of each task: L1, PSNR and SSIM of the input itself against the target,
 * on the first N test pairs (default 2000, the pairs of `duel eval -n 2000`).
 */
public class TranslationGrids {
  public static void main(String[] args) throws Exception {
    Path runs = Path.of(args[0]), out = Path.of(args[1]);
    int k = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int baselinePairs = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
    Backend cpu = Devices.cpu();
    for (String task : new String[] {"edges", "inpaint", "superres", "denoise"}) {
      Checkpoints.Checkpoint l1 = Checkpoints.locate(runs.resolve(task + "-l1"), System.err);
      Checkpoints.Checkpoint gan = Checkpoints.locate(runs.resolve(task + "-pix2pix"), System.err);
      TrainConfig cfg = TrainConfig.fromSaved(gan.config(), gan.folder().toString()).validate();
      PairedData test = TranslationData.load(cfg, null, null, ImageDataset.Split.TEST);
      int per = test.height() * test.width();
      float[] in = new float[k * test.inputChannels() * per], target = new float[k * test.targetChannels() * per];
      int[] idx = new int[k];
      for (int i = 0; i < k; i++) idx[i] = i;
      test.gather(idx, k, 0, in, target);
      float[] a = PairedSamples.translate(TranslationModels.generatorFrom(l1, "g.safetensors", cpu), cpu, in, k, k);
      float[] b = PairedSamples.translate(TranslationModels.generatorFrom(gan, "g.safetensors", cpu), cpu, in, k, k);
      float[] grid = new float[4 * k * per];
      System.arraycopy(in, 0, grid, 0, k * per);
      System.arraycopy(a, 0, grid, k * per, k * per);
      System.arraycopy(b, 0, grid, 2 * k * per, k * per);
      System.arraycopy(target, 0, grid, 3 * k * per, k * per);
      Path png = out.resolve("i2i-" + task + ".png");
      ImageGrid.write(png, grid, 1, test.height(), test.width(), 4, k, 2);
      System.out.println("wrote " + png + " (" + test.describe() + "; rows: input, L1-only, pix2pix, target)");
      int n = Math.min(baselinePairs, test.size());
      float[] bin = new float[n * test.inputChannels() * per], btg = new float[n * test.targetChannels() * per];
      int[] all = new int[n];
      for (int i = 0; i < n; i++) all[i] = i;
      test.gather(all, n, 0, bin, btg);
      if (test.inputChannels() == test.targetChannels()) {
        var s = dev.duel.gan.metrics.PairMetrics.of(bin, btg, n, test.targetChannels(), test.height(), test.width());
        System.out.printf(java.util.Locale.ROOT, "  input as the output (%d pairs): L1 %.5f  PSNR %.3f dB  SSIM %.4f%n", n, s.l1(), s.psnr(), s.ssim());
      }
    }
  }
}
