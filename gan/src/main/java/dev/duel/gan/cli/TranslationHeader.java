package dev.duel.gan.cli;

import dev.duel.gan.data.PairedData;
import dev.duel.gan.train.Checkpoints.Checkpoint;
import dev.duel.gan.train.Pix2PixTrainer;
import dev.duel.gan.train.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The lines {@code duel train} prints before a pix2pix run: data, models, objective, stabilisers. */
final class TranslationHeader {
  private TranslationHeader() {}

  static String of(Pix2PixTrainer t, Checkpoint resumed) {
    TrainConfig c = t.config();
    PairedData d = t.data();
    List<String> stabilisers = new ArrayList<>();
    if (c.labelSmoothing > 0) stabilisers.add("label smoothing " + c.labelSmoothing);
    if (c.instanceNoise > 0) stabilisers.add("instance noise " + c.instanceNoise);
    if (c.spectralNorm) stabilisers.add("spectral norm");
    if (c.dSteps > 1 && !c.l1Only) stabilisers.add(c.dSteps + " D steps per G step");
    if (c.emaDecay > 0) stabilisers.add("G-EMA " + c.emaDecay);
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "duel train: pix2pix on %s -> %s%n", t.backend().name(), t.runFolder().root()));
    b.append(String.format(Locale.ROOT, "  data       %s: %d pairs %dx%dx%d -> %dx%dx%d, batch %d, %d steps per epoch%s, %d epoch%s (%d steps)%n",
        d.describe(), d.size(), d.inputChannels(), d.height(), d.width(), d.targetChannels(), d.height(), d.width(), c.batch,
        t.stepsPerEpoch(), c.limit > 0 ? " (--limit " + c.limit + ")" : "", c.epochs, c.epochs == 1 ? "" : "s", t.totalSteps()));
    b.append("  models     ").append(t.describeModels()).append(System.lineSeparator());
    b.append(String.format(Locale.ROOT, "  objective  %s; Adam lr_G %s%s, betas (%s, %s); seed %d%n", t.describeObjective(), c.lrG,
        c.l1Only ? "" : ", lr_D " + c.lrD, c.beta1, c.beta2, c.seed));
    b.append("  stabilisers ").append(stabilisers.isEmpty() ? "none" : String.join(", ", stabilisers));
    if (resumed != null) {
      b.append(String.format(Locale.ROOT, "%n  resumed    from %s (step %d of %d)", resumed.folder(), resumed.step(), t.totalSteps()));
    }
    return b.toString();
  }
}
