package dev.duel.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cuBLAS with only CUDA 13 names: the stand-in libcublas.so.13 (which needs libcublasLt.so.13, neither on the
 * loader path) found by {@link CudaLibraries} in a pip-wheel layout and run through {@link FfmBlas} on
 * cuda-emu, compared with the CPU backend by CudaGemmConvTest's GEMM cases; and the same through the settings
 * in a child JVM, as a user would run it.
 */
class CudaCublas13Test {
  @TempDir
  Path tmp;

  private static void assumeStandIn() {
    Assumptions.assumeTrue(Cublas13.built(), "the CUDA 13 stand-in cuBLAS is not built (kernels/build.sh native)");
    TestCuda.assumeEmulated();   // on a GPU the stand-in cannot run: device pointers are not host addresses
  }

  @Test
  void gemmRunsOnLibcublas13ThroughFfmFromAWheelFolder() throws IOException {
    assumeStandIn();
    // site-packages/nvidia/cu13/lib as NVIDIA's CUDA 13 wheels lay it out; python3 "answers" that site-packages
    Path lib = Files.createDirectories(tmp.resolve("site/nvidia/cu13/lib"));
    for (String f : new String[] {"libcublas.so.13", "libcublasLt.so.13"}) {
      Files.createSymbolicLink(lib.resolve(f), Cublas13.folder().resolve(f));
    }
    FakeEnv env = new FakeEnv().env("CUDA_HOME", "/nonexistent-cuda-home");
    env.sitePackages = List.of(tmp.resolve("site"));
    CudaLibraries.Search s = CudaLibraries.cublas(env, false);
    assertEquals(lib.resolve("libcublas.so.13").toAbsolutePath(), s.found().file(), s.describe());

    CudaDevice device = TestCuda.kernels().device();
    device.ensureCurrent();
    Blas blas = Blas.load(s, env);
    assertTrue(blas.available(), () -> blas.reason());
    assertTrue(blas instanceof FfmBlas, blas.describe());
    CudaBackend be = new CudaBackend(device, CudaOptions.defaults(), Blas.choose("cuda-emu", blas,
        CudaOptions.defaults()), null);
    assertEquals("cublas", be.gemmPath());
    assertTrue(be.describe().contains("cuBLAS 13.0.2 (libcublas.so.13 via FFM, " + lib.resolve("libcublas.so.13")),
        be.describe());

    Path emu12 = Path.of(System.getProperty("duel.emu.dir")).resolve("libcublas.so.12");
    long before13 = Cublas13.gemmCalls(Cublas13.folder().resolve("libcublas.so.13"));
    long before12 = Cublas13.gemmCalls(emu12);
    CudaGemmConvTest gemm = new CudaGemmConvTest();
    gemm.gemmAllTransposesPitchesBatchesAndBeta(be);   // 4 sizes × 8 transposes/batches: 32 cuBLAS calls
    gemm.gemmWithSharedAAndEmptyK(be);                 // one more; k = 0 runs on Duel's kernel
    assertEquals(33, Cublas13.gemmCalls(Cublas13.folder().resolve("libcublas.so.13")) - before13);
    assertEquals(0, Cublas13.gemmCalls(emu12) - before12, "the stand-in libcublas.so.12 must not have run them");
  }

  @Test
  void forcedCublasWithNothingFoundNamesTheSearchAndTheFix() {
    FakeEnv env = new FakeEnv().env("CUDA_HOME", "/nonexistent-cuda-home");
    Blas missing = Blas.load(CudaLibraries.cublas(env, false), env);
    CudaOptions forced = new CudaOptions(CudaOptions.Gemm.CUBLAS, CudaOptions.Conv.KERNELS, false);
    var e = org.junit.jupiter.api.Assertions.assertThrows(CudaUnavailableException.class,
        () -> Blas.choose("cuda", missing, forced));
    for (String part : new String[] {"duel.cuda.gemm=cublas", "LD_LIBRARY_PATH", "/nonexistent-cuda-home/lib64",
        "pip install nvidia-cublas", "DUEL_CUBLAS_PATH", "duel.cuda.gemm=auto"}) {
      assertTrue(e.getMessage().contains(part), "missing '" + part + "' in: " + e.getMessage());
    }
    assertEquals(null, Blas.choose("cuda", missing, CudaOptions.defaults()));   // auto: Duel's SGEMM kernel
  }

  @Test
  void cudaEmuWithLibdirsRunsGemmOnLibcublas13InAChildJvm() throws Exception {
    Assumptions.assumeTrue(Cublas13.built(), "the CUDA 13 stand-in cuBLAS is not built (kernels/build.sh native)");
    Assumptions.assumeFalse(Cuda.isAvailable(), "a GPU is used here: cuda-emu child JVMs are not run");
    String[] ok = child("-Dduel.cuda.libdirs=" + Cublas13.folder(), "-Dduel.cuda.gemm=cublas");
    assertEquals("0", ok[0], ok[1] + ok[2]);
    assertTrue(ok[1].contains("gemm-path: cublas") && ok[1].contains("libcublas.so.13 via FFM")
        && ok[1].contains("calls13: 1") && ok[1].contains("agrees: true"), ok[1] + ok[2]);
    String[] missing = child("-Dduel.cuda.libdirs=" + tmp.resolve("empty"), "-Dduel.cuda.gemm=cublas");
    assertEquals("1", missing[0], missing[1] + missing[2]);
    assertTrue(missing[2].contains(tmp.resolve("empty").toString()) && missing[2].contains("pip install nvidia-cublas"),
        missing[2]);
  }

  /** Runs Cublas13Main in a child JVM: {exit code, stdout, stderr}. */
  private static String[] child(String... props) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", "-Dduel.emu.dir=" + System.getProperty("duel.emu.dir")));
    cmd.addAll(List.of(props));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Cublas13Main.class.getName()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("FAKE_CUDA_QUIET", "1");
    pb.environment().remove("DUEL_CUBLAS_PATH");
    pb.environment().remove("DUEL_CUDA_LIBDIRS");
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes(), err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
    return new String[] {String.valueOf(p.exitValue()), new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8)};
  }
}
