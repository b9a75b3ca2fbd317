package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Backend;
import dev.duel.engine.Devices;
import dev.duel.engine.Generator;
import dev.duel.engine.Tensor;
import dev.duel.engine.cuda.CudaBackends;
import dev.duel.engine.cuda.CudaOptions;
import dev.duel.engine.cuda.CudaUnavailableException;
import dev.duel.gan.models.Dcgan28;
import dev.duel.gan.models.DiscriminatorNet;
import dev.duel.gan.models.GeneratorNet;
import dev.duel.gan.models.KerasDcgan;
import dev.duel.gan.models.Mlp;
import dev.duel.nn.Init;
import dev.duel.nn.BatchNorm;
import dev.duel.nn.Module;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Three ReferenceSteps (DESIGN.md's benchmark step: D on real and fake, then G; Adam 2e-4, (0.5, 0.999))
 * of mlp, dcgan28 and keras-dcgan from one seed on cuda-emu give the parameters the same steps give on cpu, on the
 * library path (stand-in cuBLAS, cuDNN) and on Duel's kernels. Small widths and batches: the kernels run
 * as CPU fibers under emulation.
 */
class CudaEmuTrainingParityTest {
  private static final long SEED = 20240611L;
  /** ReferenceStep's Adam learning rate (DESIGN.md's benchmark step). */
  private static final double LR = 2e-4;

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({"mlp, library", "mlp, kernels", "dcgan28, library", "dcgan28, kernels", "keras-dcgan, library", "keras-dcgan, kernels"})
  void threeStepsMatchTheCpu(String model, String path) {
    Backend emu = emu(path);
    Trained cpu = train(model, Devices.cpu());
    Trained gpu = train(model, emu);
    assertEquals(cpu.params.keySet(), gpu.params.keySet());
    List<String> report = new ArrayList<>(), failures = new ArrayList<>();
    for (String name : cpu.params.keySet()) {
      float[] c = cpu.params.get(name), g = gpu.params.get(name);
      if (cpu.beforeBatchNorm.contains(name)) {
        // A bias feeding a batch norm has gradient 0 (the norm subtracts the batch mean): what is computed is
        // rounding noise, which Adam turns into steps of about lr whose signs differ between devices, so the
        // values are not comparable. What must hold on both devices: the gradient is 0 next to the layer's
        // weight gradient.
        String weight = name.substring(0, name.length() - "bias".length()) + "weight";
        for (Trained t : new Trained[] {cpu, gpu}) {
          double gb = maxAbs(t.grads.get(name)), gw = maxAbs(t.grads.get(weight));
          if (!(gb <= 1e-4 * gw)) {
            failures.add(name + " (a bias before batch norm) has gradient " + gb + " on " + t.device + ", next to "
                + weight + "'s " + gw);
          }
        }
        report.add(name + " (before batch norm) grad ~ 0");
        continue;
      }
      double scale = 0, worst = 0;
      for (float v : c) scale = Math.max(scale, Math.abs(v));
      for (int i = 0; i < c.length; i++) {
        double err = Math.abs((double) g[i] - c[i]);
        if (!(err <= worst)) worst = err;   // NaN propagates into worst
      }
      double rel = worst / Math.max(scale, 1e-6);
      report.add(String.format(Locale.ROOT, "%s %.1e", name, rel));
      // A parameter that started at 0 (keras-dcgan's Glorot init zeroes biases) is nothing but three Adam
      // steps (|Δ| ≤ ~lr each): Adam's m̂/√v̂ carries a gradient's relative rounding error (large where a
      // batch sum cancels) straight into the step, so such values agree to 1e-3 of their size, not 1e-4.
      double tolerance = scale < 10 * LR ? 1e-3 : 1e-4;
      if (!(rel <= tolerance)) {
        failures.add(name + " differs from cpu by " + worst + " (relative " + rel + " of its largest value " + scale + ")");
      }
    }
    System.out.println(model + " " + path + ": " + String.join(", ", report));
    assertTrue(failures.isEmpty(), model + " on cuda-emu (" + path + "):\n  " + String.join("\n  ", failures));
  }

  private static double maxAbs(float[] a) {
    double m = 0;
    for (float v : a) {
      if (Float.isNaN(v)) return Double.NaN;   // fails every comparison below
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  /** Parameters and their last gradients after training, by name, and the names of biases that feed a batch norm. */
  private record Trained(String device, Map<String, float[]> params, Map<String, float[]> grads,
                         Set<String> beforeBatchNorm) {}

  private static Backend emu(String path) {
    try {
      return CudaBackends.get("cuda-emu", path.equals("library") ? CudaOptions.defaults() : CudaOptions.kernelsOnly());
    } catch (CudaUnavailableException e) {
      Assumptions.abort("cuda-emu SKIPPED: " + e.getMessage());
      throw e;
    }
  }

  /** Builds the model on {@code be} from SEED, runs three steps on fixed "real" images, returns G's and D's parameters. */
  private static Trained train(String model, Backend be) {
    Generator init = new Generator(SEED);
    GeneratorNet g;
    DiscriminatorNet d;
    int batch;
    if (model.equals("mlp")) {
      g = new Mlp.G(be, init, 100, 32);
      d = new Mlp.D(be, init, 32);
      batch = 16;
    } else if (model.equals("keras-dcgan")) {
      // Sigmoid G, nearest upsampling, 3×3 convs, D with batch norm (momentum 0.2, ε 1e-3) and dropout
      // (the masks from one Philox stream, so both devices drop the same units)
      g = new KerasDcgan.G(be, init, 100, 8);
      d = new KerasDcgan.D(be, init, 8, false, "batch", new Generator(SEED + 3));
      Init.glorotUniform(g, init);
      Init.glorotUniform(d, init);
      batch = 8;
    } else {
      g = new Dcgan28.G(be, init, 100, 8);
      d = new Dcgan28.D(be, init, 8, false);
      Init.dcgan(g, init);
      Init.dcgan(d, init);
      batch = 8;
    }
    ReferenceStep step = new ReferenceStep(g, d, new Generator(SEED + 1), be);
    Generator data = new Generator(SEED + 2);
    for (int s = 0; s < 3; s++) {
      float[] images = data.uniform(Devices.cpu(), -1f, 1f, batch, 1, 28, 28).toArray();
      try (Tensor real = Tensor.of(be, images, batch, 1, 28, 28)) {
        ReferenceStep.Stats stats = step.step(real, null);
        assertTrue(Float.isFinite(stats.dLoss()) && Float.isFinite(stats.gLoss()), model + " step " + s + ": " + stats);
      }
    }
    Map<String, float[]> out = new java.util.LinkedHashMap<>(), grads = new java.util.HashMap<>();
    g.namedParameters().forEach((k, v) -> out.put("G." + k, v.toArray()));
    d.namedParameters().forEach((k, v) -> out.put("D." + k, v.toArray()));
    g.namedParameters().forEach((k, v) -> { if (v.grad() != null) grads.put("G." + k, v.grad().toArray()); });
    d.namedParameters().forEach((k, v) -> { if (v.grad() != null) grads.put("D." + k, v.grad().toArray()); });
    Set<String> beforeBn = new HashSet<>();
    for (var net : Map.of("G.", (Module) g, "D.", (Module) d).entrySet()) {
      Map<String, Module> layers = net.getValue().children();
      layers.forEach((k, layer) -> {
        Module next = k.matches("\\d+") ? layers.get(String.valueOf(Integer.parseInt(k) + 1)) : null;
        if (next instanceof BatchNorm) beforeBn.add(net.getKey() + k + ".bias");
      });
    }
    return new Trained(be.name(), out, grads, beforeBn);
  }
}
