package dev.duel.gan;

import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.gan.models.*;
import dev.duel.gan.train.ReferenceStep;
import dev.duel.nn.Init;

/** Manual probe (not a test): java ... StepTimingProbe mlp 64 */
public class StepTimingProbe {
  public static void main(String[] args) {
    String model = args[0];
    int batch = Integer.parseInt(args[1]);
    var b = Devices.cpu();
    var rng = new Generator(1);
    GeneratorNet g; DiscriminatorNet d;
    switch (model) {
      case "mlp" -> { g = new Mlp.G(b, rng, 100, 128); d = new Mlp.D(b, rng, 128); }
      case "cgan" -> { g = new CganMlp.G(b, rng, 100, 128); d = new CganMlp.D(b, rng, 128); }
      default -> { g = new Dcgan28.G(b, rng, 100, 64); d = new Dcgan28.D(b, rng, 64, false); Init.dcgan(g, rng); Init.dcgan(d, rng); }
    }
    var step = new ReferenceStep(g, d, rng, b);
    Tensor real = rng.uniform(b, -1, 1, batch, 1, 28, 28);
    int[] labels = new int[batch];
    int[] lab = model.equals("cgan") ? labels : null;
    for (int i = 0; i < 5; i++) step.step(real, lab);
    int iters = Integer.parseInt(args.length > 2 ? args[2] : "20");
    long t0 = System.nanoTime();
    ReferenceStep.Stats s = null;
    for (int i = 0; i < iters; i++) s = step.step(real, lab);
    double ms = (System.nanoTime() - t0) / 1e6 / iters;
    System.out.printf("%s b%d: %.2f ms/step %s%n", model, batch, ms, s);
  }
}
