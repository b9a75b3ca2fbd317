package dev.duel.bench.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.bench.StepRunner;
import dev.duel.engine.Devices;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU report's mains in their --quick mode on cuda-emu (the same CUDA code path, emulated): each
 * completes within 60 s, prints its table and writes valid-looking JSON lines. Keeps them alive in CI.
 */
class GpuQuickTest {
  @TempDir Path dir;

  private String run(String name, java.util.function.BiFunction<String[], PrintStream, Integer> main, String... extra)
      throws Exception {
    Path out = dir.resolve(name + ".json");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    String[] args = java.util.stream.Stream.concat(
        java.util.stream.Stream.of("--device", "cuda-emu", "--quick", "--budget-s", "50", "--out", out.toString()),
        java.util.stream.Stream.of(extra)).toArray(String[]::new);
    long t0 = System.nanoTime();
    int code;
    try (PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      code = main.apply(args, ps);
    }
    double s = (System.nanoTime() - t0) / 1e9;
    String text = bytes.toString(StandardCharsets.UTF_8);
    System.out.println(text);
    assertEquals(0, code, text);
    assertTrue(s < 60, name + " --quick took " + s + " s on cuda-emu");
    List<String> lines = Files.readAllLines(out);
    assertTrue(lines.size() > 1, "JSON lines in " + out);
    for (String l : lines) assertTrue(l.startsWith("{\"bench\":\"" + name + "\"") && l.endsWith("}"), l);
    return text;
  }

  @Test
  void kernelBandwidth() throws Exception {
    String text = run("GpuKernelBandwidth", GpuKernelBandwidth::run);
    assertTrue(text.contains("Device-to-device copy"), text);
    assertTrue(text.contains("| adam update | G params"), text);
    assertTrue(!text.contains("skipped"), text);
  }

  @Test
  void gemmConv() throws Exception {
    String text = run("GpuGemmConv", GpuGemmConv::run);
    assertTrue(text.contains("| 128 | cublas |"), text);
    assertTrue(text.contains("| D Conv2d(16,32,4,2,1) 14→7 | backward-filter |"), text);
    assertTrue(!text.contains("skipped"), text);
  }

  @Test
  void stepTiming() throws Exception {
    String text = run("GpuStepTiming", GpuStepTiming::run, "--configs", "mlp:8,dcgan28:4");
    assertTrue(text.contains("| mlp | 8 |"), text);
    assertTrue(text.contains("| dcgan28 | 4 |"), text);
  }

  @Test
  void budgetRunsOutWithALineSayingSo() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      assertEquals(0, GpuGemmConv.run(new String[] {"--device", "cuda-emu", "--quick", "--budget-s", "0.001"}, ps));
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("skipped: out of time"), text);
  }

  @Test
  void dcgan28TakesBatch512() throws Exception {
    StepRunner runner = new StepRunner("dcgan28:512", Devices.cpu());
    assertEquals(512, runner.batch());
    assertTrue(Float.isFinite(runner.step().dLoss()));
  }
}
