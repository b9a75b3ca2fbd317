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
import dev.duel.gan.models.PatchGan;
import dev.duel.gan.models.UNet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two {@link Pix2PixStep}s (U-Net with dropout, PatchGAN with batch norm, BCE + 100·L1, Adam) from one
 * seed on cuda-emu give the parameters the same steps give on the CPU, on the library path (stand-in
 * cuBLAS, cuDNN) and on Duel's kernels: concat, narrow/pad, transposed convolutions, batch norm, the
 * L1 term and dropout's Philox masks all run through the CUDA backend. Width 2, batch 4, 28×28.
 */
class Pix2PixCudaEmuParityTest {
  private static final long SEED = 20251205L;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"library", "kernels"})
  void twoStepsMatchTheCpu(String path) {
    Backend emu;
    try {
      emu = CudaBackends.get("cuda-emu", path.equals("library") ? CudaOptions.defaults() : CudaOptions.kernelsOnly());
    } catch (CudaUnavailableException e) {
      Assumptions.abort("cuda-emu SKIPPED: " + e.getMessage());
      return;
    }
    Map<String, float[]> cpu = train(Devices.cpu()), gpu = train(emu);
    assertEquals(cpu.keySet(), gpu.keySet());
    List<String> report = new ArrayList<>(), failures = new ArrayList<>();
    for (String name : cpu.keySet()) {
      float[] c = cpu.get(name), g = gpu.get(name);
      double scale = 0, worst = 0;
      for (float v : c) scale = Math.max(scale, Math.abs(v));
      for (int i = 0; i < c.length; i++) {
        double err = Math.abs((double) g[i] - c[i]);
        if (!(err <= worst)) worst = err;   // NaN propagates
      }
      double rel = worst / Math.max(scale, 1e-6);
      report.add(String.format(Locale.ROOT, "%s %.1e", name, rel));
      if (!(rel <= 1e-4)) failures.add(name + " differs from cpu by " + worst + " (relative " + rel + " of its largest value " + scale + ")");
    }
    System.out.println("pix2pix " + path + ": " + String.join(", ", report));
    assertTrue(failures.isEmpty(), "pix2pix on cuda-emu (" + path + "):\n  " + String.join("\n  ", failures));
  }

  /** G and D from SEED on {@code be}, two steps on fixed edge → image pairs; every parameter and BN buffer by name. */
  private static Map<String, float[]> train(Backend be) {
    TrainConfig c = new TrainConfig();
    c.model = "pix2pix";
    c.width = 2;
    TranslationModels.PairShape shape = new TranslationModels.PairShape(1, 1, 28, 28);
    Generator init = new Generator(SEED);
    UNet g = TranslationModels.generator(c, shape, be, init, new Generator(SEED + 1));
    PatchGan d = TranslationModels.discriminator(c, shape, be, init);
    Pix2PixStep step = new Pix2PixStep(g, d);
    Generator data = new Generator(SEED + 2);
    for (int s = 0; s < 2; s++) {
      float[] y = data.uniform(Devices.cpu(), -1f, 1f, 4, 1, 28, 28).toArray();
      float[] x = new float[y.length];
      for (int i = 0; i < y.length; i++) x[i] = y[i] > 0 ? -1f : 1f;
      try (Tensor tx = Tensor.of(be, x, 4, 1, 28, 28); Tensor ty = Tensor.of(be, y, 4, 1, 28, 28)) {
        ReferenceStep.Stats stats = step.step(tx, ty);
        assertTrue(Float.isFinite(stats.dLoss()) && Float.isFinite(stats.gLoss()), "step " + s + ": " + stats);
      }
    }
    Map<String, float[]> out = new LinkedHashMap<>();
    g.stateDict().forEach((k, v) -> out.put("G." + k, v.toArray()));
    d.stateDict().forEach((k, v) -> out.put("D." + k, v.toArray()));
    return out;
  }
}
