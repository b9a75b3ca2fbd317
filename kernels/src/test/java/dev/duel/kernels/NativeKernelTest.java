package dev.duel.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the C++ kernel tests (kernels/src/test/cpp) in every variant of variants.txt -- plain in both thread
 * orders, AddressSanitizer, ThreadSanitizer -- one dynamic test per variant and kernel family, and the tests
 * of the stand-in libcuda.so.1 / libcublas.so.12.
 */
class NativeKernelTest {

  @TestFactory
  Stream<DynamicTest> kernelFamilies() throws IOException, InterruptedException {
    NativeBuild.requireNative();
    Path tests = NativeBuild.nativeDir().resolve("tests");
    Path binary = tests.resolve("kernel_tests");
    Properties runtimes = new Properties();
    try (var in = Files.newBufferedReader(tests.resolve("runtimes.properties"))) {
      runtimes.load(in);
    }
    List<String> families = run(List.of(binary.toString(), "--list"), List.of(), "list families").lines().toList();
    List<DynamicTest> out = new ArrayList<>();
    for (String line : Files.readAllLines(NativeBuild.moduleDir().resolve("src/test/cpp/variants.txt"))) {
      if (line.isBlank() || line.startsWith("#")) continue;
      String[] f = line.split("\\|", -1);
      String name = f[0];
      List<String> env = f[1].isBlank() ? List.of()
          : List.of(f[1].replace("@ASAN@", runtimes.getProperty("asan")).replace("@TSAN@", runtimes.getProperty("tsan")).trim().split("\\s+"));
      Path lib = NativeBuild.nativeDir().resolve(f[2]).resolve("libduel_kernels_emu.so");
      List<String> selected = f[3].equals("all") ? families : List.of(f[3].split(","));
      for (String family : selected) {
        out.add(DynamicTest.dynamicTest(name + ": " + family,
            () -> run(List.of(binary.toString(), lib.toString(), family), env, name + " " + family)));
      }
    }
    out.add(DynamicTest.dynamicTest("stand-in libcuda.so.1 and libcublas.so.12", () -> {
      Path plat = NativeBuild.nativeDir().resolve("linux-x86_64");
      Path fatbin = NativeBuild.moduleDir().resolve("src/main/resources/" + KernelBinaries.FATBIN_RESOURCE);
      run(List.of(tests.resolve("fakecuda_test").toString(), plat.resolve("libcuda.so.1").toString(),
          plat.resolve("libcublas.so.12").toString(), fatbin.toString()), List.of(), "fakecuda_test");
    }));
    return out.stream();
  }

  /** Runs a command with extra KEY=VALUE environment entries; fails with its output unless it exits 0. */
  private static String run(List<String> command, List<String> env, String what) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    for (String kv : env) {
      int eq = kv.indexOf('=');
      pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    Path log = Files.createTempFile("duel-native-test-", ".log");
    try {
      pb.redirectOutput(log.toFile());
      Process p = pb.start();
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail(what + ": timed out after 300 s:\n" + Files.readString(log));
      }
      String text = Files.readString(log, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        String tail = text.length() > 20000 ? "..." + text.substring(text.length() - 20000) : text;
        fail(what + " exited with " + p.exitValue() + " (environment " + env + "):\n" + tail);
      }
      return text;
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
