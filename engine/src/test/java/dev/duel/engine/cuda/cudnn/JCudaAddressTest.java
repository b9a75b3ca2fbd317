package dev.duel.engine.cuda.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** JCudaAddress against the real JCuda 12.6.0 classes, loaded from the local Maven repository. */
class JCudaAddressTest {

  private static Path jcudaJar() {
    String repo = System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository");
    return Path.of(repo, "org", "jcuda", "jcuda", "12.6.0", "jcuda-12.6.0.jar");
  }

  @Test
  void readsTheAddressJCudaPassesToNativeCode() throws Exception {
    Path jar = jcudaJar();
    Assumptions.assumeTrue(Files.isRegularFile(jar), "JCuda 12.6.0 not in the local Maven repository: " + jar);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      // No natives are loaded: a CUdeviceptr's address is set the way cuMemAlloc would set it.
      Object ptr = loader.loadClass("jcuda.driver.CUdeviceptr").getConstructor().newInstance();
      Field nativePointer = loader.loadClass("jcuda.NativePointerObject").getDeclaredField("nativePointer");
      nativePointer.setAccessible(true);
      nativePointer.setLong(ptr, 0x7f00_1234_0000L);
      assertEquals(0x7f00_1234_0000L, JCudaAddress.of(ptr));
      Object shifted = ptr.getClass().getMethod("withByteOffset", long.class).invoke(ptr, 256L);
      assertEquals(0x7f00_1234_0100L, JCudaAddress.of(shifted));
      Object stream = loader.loadClass("jcuda.driver.CUstream").getConstructor().newInstance();
      assertEquals(0L, JCudaAddress.of(stream));
      assertEquals(0L, JCudaAddress.of(null));
    }
  }

  @Test
  void refusesOtherObjects() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JCudaAddress.of("not a pointer"));
    assertEquals(true, e.getMessage().contains("java.lang.String"), e.getMessage());
  }
}
