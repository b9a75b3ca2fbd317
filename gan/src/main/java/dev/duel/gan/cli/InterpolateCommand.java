package dev.duel.gan.cli;

import dev.duel.engine.Backend;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.GeneratorNet;
import dev.duel.gan.report.Strip;
import dev.duel.gan.train.Checkpoints;
import dev.duel.gan.train.GanModels;
import dev.duel.gan.train.Samples;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code duel interpolate}: a walk in latent space between the noise of two seeds, as a PNG strip. */
@Command(name = "interpolate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Walk from z_a (noise of seed --from) to z_b (seed --to) in STEPS frames, t = 0 .. 1, and draw G(z_t) "
        + "side by side. slerp keeps z_t at the radius where Gaussian noise lives; lerp cuts through the middle.",
    footer = {"", "Examples:", "  duel interpolate runs/dcgan28", "  duel interpolate runs/dcgan28 --from 3 --to 8 --steps 12 --method lerp",
        "  duel interpolate runs/dcgan28 --walks 6 --out walks.png"})
final class InterpolateCommand implements Callable<Integer> {
  private final Main.Io io;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RUN_OR_CHECKPOINT", description = "a run folder or a checkpoint folder")
  Path source;

  @Option(names = "--from", paramLabel = "SEED", description = "seed of the first endpoint z_a (default: ${DEFAULT-VALUE})")
  long from = 1;

  @Option(names = "--to", paramLabel = "SEED", description = "seed of the last endpoint z_b (default: ${DEFAULT-VALUE})")
  long to = 2;

  @Option(names = "--steps", paramLabel = "N", description = "frames per walk, endpoints included (default: ${DEFAULT-VALUE})")
  int steps = 10;

  @Option(names = "--walks", paramLabel = "W", description = "walks, one per row: seeds (from+i, to+i) (default: ${DEFAULT-VALUE})")
  int walks = 1;

  @Option(names = "--method", paramLabel = "M", description = "slerp or lerp (default: ${DEFAULT-VALUE})")
  String method = "slerp";

  @Option(names = "--label", paramLabel = "L", description = "class of every frame, for cgan-mlp (default: ${DEFAULT-VALUE})")
  Integer label;

  @Option(names = "--ema", description = "use the G-EMA weights")
  boolean ema;

  @Option(names = "--out", paramLabel = "FILE", description = "output PNG (default: interpolation.png in the run folder)")
  Path out;

  @Mixin
  DeviceOptions devices;

  InterpolateCommand(Main.Io io) {
    this.io = io;
  }

  @Override
  public Integer call() throws Exception {
    if (steps < 2 || steps > 256) throw new ParameterException(spec.commandLine(), "--steps must be in [2, 256], got " + steps);
    if (walks < 1 || walks > 64) throw new ParameterException(spec.commandLine(), "--walks must be in [1, 64], got " + walks);
    if (!method.equals("slerp") && !method.equals("lerp")) {
      throw new ParameterException(spec.commandLine(), "--method '" + method + "': choose slerp or lerp");
    }
    source = Cwd.resolve(source);
    out = out != null ? Cwd.resolve(out) : SampleCommand.runRoot(source).resolve("interpolation.png");
    if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
      throw new ParameterException(spec.commandLine(), "--out " + out + ": the strip is a PNG; name a .png file");
    }
    Checkpoints.Checkpoint c = Checkpoints.locate(source, io.err());
    Backend b = devices.backend();
    GeneratorNet g = GanModels.generatorFrom(c, ema ? "g_ema.safetensors" : "g.safetensors", b);
    int latent = g.latentDim();
    int[] labels = SampleCommand.labelsFor(g, label == null ? null : new int[] {label}, walks * steps, spec);

    float[] z = new float[walks * steps * latent];              // (walks·steps)×latent, row w·steps + s
    for (int w = 0; w < walks; w++) {
      float[] za = SampleCommand.zHost(from + w, 1, latent), zb = SampleCommand.zHost(to + w, 1, latent);
      for (int s = 0; s < steps; s++) {
        double t = (double) s / (steps - 1);
        float[] zt = method.equals("slerp") ? Samples.slerp(za, zb, t) : Samples.lerp(za, zb, t);
        System.arraycopy(zt, 0, z, (w * steps + s) * latent, latent);
      }
    }
    float[] frames;
    try (MemoryScope scope = MemoryScope.open()) {
      frames = Samples.generate(g, Tensor.of(b, z, walks * steps, latent), labels);
    }
    Strip.write(out, frames, 1, 28, 28, walks, 2);
    io.out().println(String.format(Locale.ROOT, "wrote %d walk%s of %d frames (%s, seeds %d -> %d) from %s (step %d) to %s",
        walks, walks == 1 ? "" : "s", steps, method, from, to, c.folder(), c.step(), out));
    return 0;
  }
}
