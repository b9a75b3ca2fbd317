package dev.duel.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Devices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Detection: without a driver (or with one too old, or in a JVM that runs the other CUDA device)
 * isAvailable() is false, nothing throws from the probe, and starting the device fails at once with a
 * message that names what is missing and suggests --device cpu. The end-to-end cases run in a child
 * JVM, where no CUDA library is loaded yet.
 */
class CudaDetectionTest {

  @Test
  void aMissingDriverLibraryIsAnAnswerNotAnException() {
    Cuda.Probe p = Cuda.probe("libcuda_that_does_not_exist.so.1");
    assertFalse(p.available());
    assertTrue(p.reason().contains("no NVIDIA driver"), p.reason());
    assertTrue(p.reason().contains("--device cpu"), p.reason());
    assertTrue(p.describe().startsWith("cuda: not available"), p.describe());
  }

  @Test
  void driversOlderThanCuda13AndGpusOlderThanTuringAreRefusedWithTheReason() {
    assertNull(Cuda.checkDriver(0, 13000));
    assertNull(Cuda.checkDriver(0, 13020));
    String old = Cuda.checkDriver(0, 12040);
    assertTrue(old.contains("CUDA 12.4") && old.contains("R580") && old.contains("--device cpu"), old);
    assertTrue(Cuda.checkDriver(3, 0).contains("CUDA_ERROR_NOT_INITIALIZED"), Cuda.checkDriver(3, 0));
    assertNull(Cuda.checkCapability("H100", 90));
    assertNull(Cuda.checkCapability("T4", 75));
    String volta = Cuda.checkCapability("V100", 70);
    assertTrue(volta.contains("7.0") && volta.contains("7.5") && volta.contains("--device cpu"), volta);
  }

  @Test
  void theRealDeviceCannotJoinAJvmThatRunsTheEmulatedOne() {
    TestCuda.assumeEmulated();   // this JVM now runs cuda-emu (skips when it runs a GPU or nothing)
    assertFalse(Cuda.isAvailable());
    assertTrue(Cuda.unavailableReason().contains("cuda-emu"), Cuda.unavailableReason());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Devices.get("cuda"));
    assertTrue(e.getMessage().contains("separate"), e.getMessage());
  }

  @Test
  void withoutADriverDeviceCudaFailsAtOnceWithTheReason() throws Exception {
    Result r = child(Map.of(), "cuda");
    Assumptions.assumeTrue(r.stdout.contains("probe: cuda: not available: no NVIDIA driver"),
        () -> "a CUDA driver is present here: " + r.stdout);
    assertEquals(1, r.exit, r.stderr);
    assertTrue(r.stderr.contains("device 'cuda' is not available"), r.stderr);
    assertTrue(r.stderr.contains("--device cpu"), r.stderr);
    assertFalse(r.stderr.contains("Exception in thread"), r.stderr);
  }

  @Test
  void theEmulatedDriverReportingCuda12IsRefusedLikeARealOne() throws Exception {
    Assumptions.assumeTrue(emulationBuilt(), "the CUDA emulation libraries are not built");
    Result r = child(Map.of("FAKE_CUDA_DRIVER_VERSION", "12080"), "cuda-emu");
    assertEquals(1, r.exit, r.stdout + r.stderr);
    assertTrue(r.stderr.contains("device 'cuda-emu' is not available") && r.stderr.contains("CUDA 12.8")
        && r.stderr.contains("R580"), r.stderr);
  }

  private static boolean emulationBuilt() {
    try {
      return dev.duel.kernels.KernelBinaries.findEmulation().isPresent();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private record Result(int exit, String stdout, String stderr) {}

  /** Runs DeviceStartMain in a child JVM with this JVM's class path and CUDA properties. */
  private static Result child(Map<String, String> env, String device) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    for (String p : new String[] {"duel.emu.dir", "duel.emu.cudnn"}) {
      if (System.getProperty(p) != null) cmd.add("-D" + p + "=" + System.getProperty(p));
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(DeviceStartMain.class.getName());
    cmd.add(device);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    pb.environment().put("FAKE_CUDA_QUIET", "1");
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes(), err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }
}
