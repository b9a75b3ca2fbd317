package dev.duel.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search order of {@link CudaLibraries} over empty files named like the libraries (nothing is loaded). */
class CudaLibrariesTest {
  @TempDir
  Path tmp;

  private Path lib(String dir, String name) throws IOException {
    Path d = Files.createDirectories(tmp.resolve(dir));
    return Files.writeString(d.resolve(name), "");
  }

  /** /usr/local/cuda is always searched; this machine must not have a cuBLAS there for the order tests. */
  private static FakeEnv env() {
    return new FakeEnv().env("CUDA_HOME", "/nonexistent-cuda-home");
  }

  @Test
  void explicitFileWinsOverEverythingElse() throws IOException {
    Path f = lib("explicit", "libcublas.so.13");
    lib("dirs", "libcublas.so.12");
    FakeEnv e = env().env("DUEL_CUBLAS_PATH", f.toString()).property(CudaLibraries.LIBDIRS, tmp.resolve("dirs").toString());
    e.loader = Set.of("libcublas.so.12");
    CudaLibraries.Found found = CudaLibraries.cublas(e, false).found();
    assertEquals(f.toAbsolutePath(), found.file());
    assertEquals(13, found.major());
    assertTrue(found.where().contains("DUEL_CUBLAS_PATH"), found.where());
  }

  @Test
  void explicitSettingThatIsWrongIsAProblemNotASilentFallback() {
    FakeEnv e = env().property(CudaLibraries.CUBLAS_PATH, tmp.resolve("missing.so").toString());
    e.loader = Set.of("libcublas.so.12");
    CudaLibraries.Search s = CudaLibraries.cublas(e, false);
    assertNull(s.found());
    assertTrue(s.reason().contains("duel.cublas.path") && s.reason().contains("missing.so")
        && s.reason().contains("pip install nvidia-cublas"), s.reason());
  }

  @Test
  void libdirsThenLoaderWith12Before13() throws IOException {
    lib("a", "libcublas.so.13");
    FakeEnv e = env().env(CudaLibraries.LIBDIRS_ENV, tmp.resolve("none") + ":" + tmp.resolve("a"));
    e.loader = Set.of("libcublas.so.12");
    assertEquals(tmp.resolve("a/libcublas.so.13").toAbsolutePath(), CudaLibraries.cublas(e, false).found().file());
    FakeEnv loaderOnly = env();
    loaderOnly.loader = Set.of("libcublas.so.12", "libcublas.so.13");
    CudaLibraries.Found f = CudaLibraries.cublas(loaderOnly, false).found();
    assertTrue(f.byLoader() && f.soname().equals("libcublas.so.12"), f.toString());
    loaderOnly.loader = Set.of("libcublas.so.13");
    assertEquals("libcublas.so.13", CudaLibraries.cublas(loaderOnly, false).found().soname());
  }

  @Test
  void cudaHomeBeforeWheelsAndBothWheelLayouts() throws IOException {
    lib("cuda/targets/x86_64-linux/lib", "libcublas.so.13");
    lib("site/nvidia/cu13/lib", "libcublas.so.13");
    lib("site/nvidia/cudnn/lib", "libcudnn.so.9");
    FakeEnv e = new FakeEnv().env("CUDA_HOME", tmp.resolve("cuda").toString());
    e.sitePackages = List.of(tmp.resolve("site"));
    assertEquals(tmp.resolve("cuda/targets/x86_64-linux/lib/libcublas.so.13").toAbsolutePath(),
        CudaLibraries.cublas(e, false).found().file());
    e.env("CUDA_HOME", "/nonexistent-cuda-home");
    CudaLibraries.Found wheel = CudaLibraries.cublas(e, false).found();
    assertEquals(tmp.resolve("site/nvidia/cu13/lib/libcublas.so.13").toAbsolutePath(), wheel.file());
    assertEquals("NVIDIA pip wheel", wheel.where());
    assertEquals(tmp.resolve("site/nvidia/cudnn/lib/libcudnn.so.9").toAbsolutePath(),
        CudaLibraries.cudnn(e, false).found().file());
    // the companion: beside first, else any searched folder (a CUDA 12 wheel keeps cuBLASLt in nvidia/cublas/lib)
    lib("site/nvidia/cublas/lib", "libcublasLt.so.12");
    assertEquals(tmp.resolve("site/nvidia/cublas/lib/libcublasLt.so.12").toAbsolutePath(),
        CudaLibraries.companion(e, "libcublasLt.so.12", tmp.resolve("site/nvidia/cudnn/lib")));
  }

  @Test
  void nothingFoundSaysWhereItLookedAndTheFix() {
    CudaLibraries.Search s = CudaLibraries.cublas(env(), false);
    assertNull(s.found());
    for (String part : new String[] {"LD_LIBRARY_PATH", "/nonexistent-cuda-home/lib64", "NVIDIA pip wheels",
        "pip install nvidia-cublas", "DUEL_CUBLAS_PATH"}) {
      assertTrue(s.reason().contains(part), "missing '" + part + "' in: " + s.reason());
    }
    CudaLibraries.Search d = CudaLibraries.cudnn(env(), false);
    assertTrue(d.reason().contains("pip install nvidia-cudnn-cu13") && d.reason().contains("DUEL_CUDNN_PATH"), d.reason());
    List<String> info = CudaBackends.libraryLines(env());
    assertEquals(6, info.size(), info.toString());
    assertTrue(info.get(1).contains("fix: install cuBLAS") && info.get(3).contains("fix: install cuDNN")
        && info.get(5).contains("fix: install NCCL 2: `pip install nvidia-nccl-cu13`"), info.toString());
  }

  @Test
  void ncclIsFoundLikeTheOthers() throws IOException {
    // the nvidia-nccl-cu12 / -cu13 wheels put it in site-packages/nvidia/nccl/lib
    lib("site/nvidia/nccl/lib", "libnccl.so.2");
    FakeEnv e = env();
    e.sitePackages = List.of(tmp.resolve("site"));
    CudaLibraries.Found wheel = CudaLibraries.nccl(e, false).found();
    assertEquals(tmp.resolve("site/nvidia/nccl/lib/libnccl.so.2").toAbsolutePath(), wheel.file());
    assertEquals("NVIDIA pip wheel", wheel.where());
    assertTrue(CudaBackends.libraryLines(e).stream().anyMatch(l -> l.startsWith("  NCCL: " + wheel.file())
        && l.endsWith("-> Duel's FFM binding")), CudaBackends.libraryLines(e).toString());
    // the loader before the wheels, the explicit setting before everything
    e.loader = Set.of("libnccl.so.2");
    assertTrue(CudaLibraries.nccl(e, false).found().byLoader());
    Path f = lib("mine", "libnccl.so.2");
    e.env("DUEL_NCCL_PATH", tmp.resolve("mine").toString());
    assertEquals(f.toAbsolutePath(), CudaLibraries.nccl(e, false).found().file());
    e.env("DUEL_NCCL_PATH", tmp.resolve("nothing-here").toString());
    assertTrue(CudaLibraries.nccl(e, false).reason().contains("DUEL_NCCL_PATH"), CudaLibraries.nccl(e, false).reason());
  }

  @Test
  void settingsOnlyStopsBeforeTheLoader() {
    FakeEnv e = env();
    e.loader = Set.of("libcublas.so.12");
    assertNull(CudaLibraries.cublas(e, true).found());
    assertTrue(CudaLibraries.cublas(e, false).found().byLoader());
  }
}
