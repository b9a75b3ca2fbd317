package dev.duel.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** KernelBinaries finds the emulation libraries: configured directories are checked, the emu jar is extracted. */
class KernelBinariesTest {

  @Test
  void aConfiguredDirectoryMustHoldAllThreeLibraries() throws Exception {
    Path empty = Files.createTempDirectory("duel-emu-empty");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new EmulationLibraries(empty));
    assertTrue(e.getMessage().contains("libcuda.so.1") && e.getMessage().contains("kernels/build.sh native"), e.getMessage());
    Files.delete(empty);
  }

  /** With no directory configured, the libraries of the emu jar (here: its staging folder) are extracted. */
  @Test
  void extractsTheEmuJarFromTheClasspath() throws Exception {
    NativeBuild.requireNative();
    Assumptions.assumeTrue(System.getenv(KernelBinaries.EMU_DIR_ENV) == null, "DUEL_EMU_DIR is set: it would win");
    Path target = NativeBuild.moduleDir().resolve("target");
    URL[] path = {target.resolve("classes").toUri().toURL(), target.resolve("emu-classes").toUri().toURL()};
    String saved = System.clearProperty(KernelBinaries.EMU_DIR_PROPERTY);
    try (URLClassLoader loader = new URLClassLoader(path, ClassLoader.getPlatformClassLoader())) {
      Class<?> kb = loader.loadClass(KernelBinaries.class.getName());
      Optional<?> found = (Optional<?>) kb.getMethod("findEmulation").invoke(null);
      assertTrue(found.isPresent(), "the emu libraries on the classpath were not found");
      Path dir = (Path) found.get().getClass().getMethod("directory").invoke(found.get());
      Path built = target.resolve("native/linux-x86_64");
      for (String lib : new String[] {EmulationLibraries.DRIVER, EmulationLibraries.CUBLAS, EmulationLibraries.KERNELS}) {
        assertArrayEquals(Files.readAllBytes(built.resolve(lib)), Files.readAllBytes(dir.resolve(lib)), lib);
      }
      assertEquals(dir, ((Path) found.get().getClass().getMethod("directory")
          .invoke(((Optional<?>) kb.getMethod("findEmulation").invoke(null)).get())), "extracted once per JVM");
    } finally {
      if (saved != null) System.setProperty(KernelBinaries.EMU_DIR_PROPERTY, saved);
    }
  }
}
