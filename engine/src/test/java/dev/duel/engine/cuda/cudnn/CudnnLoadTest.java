package dev.duel.engine.cuda.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class CudnnLoadTest {

  @Test
  void loadsTheStandInThroughTheExplicitPath() {
    try (Cudnn cudnn = FakeCudnn.loadOrSkip()) {
      assertTrue(cudnn.isAvailable());
      assertNull(cudnn.unavailableReason());
      assertEquals(9, cudnn.version() / 10000, "a cuDNN 9 version number MAJOR*10000 + MINOR*100 + PATCH");
      assertTrue(cudnn.describe().startsWith("cuDNN 9."), cudnn.describe());
      assertTrue(cudnn.describe().contains(FakeCudnn.path().toString()), cudnn.describe());
      assertEquals("CUDNN_STATUS_BAD_PARAM", cudnn.errorString(CudnnStatus.BAD_PARAM));
      long handle = cudnn.create();
      cudnn.setStream(handle, 0);
      cudnn.destroy(handle);
    }
  }

  @Test
  void aMissingLibraryPathIsUnavailableWithAClearReasonAndNeverThrows() {
    Path missing = Path.of("/nonexistent/duel/libcudnn.so.9");
    Cudnn cudnn = Cudnn.load(missing.toString());
    assertFalse(cudnn.isAvailable());
    assertTrue(cudnn.unavailableReason().contains(missing.toString()), cudnn.unavailableReason());
    assertTrue(cudnn.unavailableReason().contains("does not exist"), cudnn.unavailableReason());
    assertTrue(cudnn.describe().startsWith("cuDNN not available: libcudnn.so.9"), cudnn.describe());
    IllegalStateException e = assertThrows(IllegalStateException.class, cudnn::create);
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    cudnn.close();
  }

  @Test
  void aLibraryThatIsNotCudnnIsUnavailableNamingTheMissingFunction() {
    Path libjava = Path.of(System.getProperty("java.home"), "lib", "libjava.so");
    Assumptions.assumeTrue(Files.isRegularFile(libjava), "no " + libjava + " to stand for a foreign library");
    Cudnn cudnn = Cudnn.load(libjava);
    assertFalse(cudnn.isAvailable());
    assertTrue(cudnn.unavailableReason().contains("lacks cudnnGetVersion"), cudnn.unavailableReason());
  }

  @Test
  void theLoadedStandInSatisfiesALookupBySoname() {
    // The cuda-emu path: once the stand-in is loaded (System.load or a path), a by-name load of
    // libcudnn.so.9 finds it by its soname instead of searching the disk.
    Assumptions.assumeFalse(dev.duel.engine.cuda.Cuda.isAvailable(),
        "a real GPU: the system's cuDNN may already be loaded in this JVM, and a by-name lookup finds that one");
    try (Cudnn byPath = FakeCudnn.loadOrSkip(); Cudnn byName = Cudnn.load((String) null)) {
      assertTrue(byName.isAvailable(), byName.describe());
      assertEquals(byPath.version(), byName.version());
    }
  }

  @Test
  void withNoLibraryAnywhereTheByNameReasonSaysWhatToInstall() {
    try (Cudnn cudnn = Cudnn.loadByName()) {
      Assumptions.assumeFalse(cudnn.isAvailable(), "a cuDNN 9 is installed or still loaded here: " + cudnn.describe());
      String reason = cudnn.unavailableReason();
      assertTrue(reason.startsWith("libcudnn.so.9 not found by the dynamic linker"), reason);
      assertTrue(reason.contains("LD_LIBRARY_PATH") && reason.contains("duel.cudnn.path"), reason);
    }
  }

  @Test
  void aClosedInstanceRefusesCalls() {
    Cudnn cudnn = FakeCudnn.loadOrSkip();
    cudnn.close();
    assertFalse(cudnn.isAvailable());
    assertThrows(IllegalStateException.class, cudnn::createTensorDescriptor);
    cudnn.close();   // idempotent
  }
}
