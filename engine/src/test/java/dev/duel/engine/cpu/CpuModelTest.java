package dev.duel.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuModelTest {
  private static String block(String vendor, int family, int model, String name) {
    return "processor\t: 0\nvendor_id\t: " + vendor + "\ncpu family\t: " + family + "\nmodel\t\t: " + model
        + "\nmodel name\t: " + name + "\nstepping\t: 1\nflags\t\t: fpu avx2 avx512f\n\n";
  }

  @Test
  void readsTheFirstProcessorsBlock() {
    String text = block("AuthenticAMD", 25, 17, "AMD EPYC") + block("GenuineIntel", 6, 143, "other");
    CpuModel cpu = CpuModel.parse(text);
    assertEquals(new CpuModel("AuthenticAMD", 25, 17, "AMD EPYC"), cpu);
    assertEquals("AMD EPYC (AuthenticAMD family 25 model 17)", cpu.describe());
  }

  @Test
  void zen5IsAmdFamily26AndLaterOnly() {
    assertTrue(CpuModel.parse(block("AuthenticAMD", 26, 2, "AMD EPYC")).amdZen5OrLater());
    assertFalse(CpuModel.parse(block("AuthenticAMD", 25, 17, "AMD EPYC")).amdZen5OrLater());   // Zen 4
    assertFalse(CpuModel.parse(block("AuthenticAMD", 25, 1, "AMD EPYC")).amdZen5OrLater());    // Zen 3
    assertFalse(CpuModel.parse(block("GenuineIntel", 26, 1, "not AMD")).amdZen5OrLater());
  }

  @Test
  void theLevel2SplitThresholdFollowsTheModel() {
    assertEquals(1 << 17, SgemmSkinny.defaultParallelElements(CpuModel.parse(block("AuthenticAMD", 26, 2, "AMD EPYC"))));
    assertEquals(1 << 16, SgemmSkinny.defaultParallelElements(CpuModel.parse(block("AuthenticAMD", 25, 17, "AMD EPYC"))));
    assertEquals(1 << 16, SgemmSkinny.defaultParallelElements(CpuModel.UNKNOWN));
  }

  @Test
  void theLargeProductsTileFollowsTheModelAndTheVectorWidth() {
    CpuModel intel = CpuModel.parse(block("GenuineIntel", 6, 167, "Intel(R) Xeon(R) Processor"));
    CpuModel zen4 = CpuModel.parse(block("AuthenticAMD", 25, 17, "AMD EPYC"));
    assertTrue(intel.intel());
    assertFalse(zen4.intel());
    assertEquals(12, SgemmKernel.defaultLargeRows(intel, 512));
    assertEquals(4, SgemmKernel.defaultLargeRows(intel, 256));
    assertEquals(8, SgemmKernel.defaultLargeRows(zen4, 512));
    assertEquals(4, SgemmKernel.defaultLargeRows(zen4, 256));
    assertEquals(8, SgemmKernel.defaultLargeRows(CpuModel.UNKNOWN, 512));
    CpuModel zen5 = CpuModel.parse(block("AuthenticAMD", 26, 2, "AMD EPYC"));
    assertEquals(12, SgemmKernel.defaultLargeRows(zen5, 512));
    assertEquals(4, SgemmKernel.defaultLargeRows(zen5, 256));
    assertEquals(SgemmKernel.ROWS, SgemmKernel.rowsFor(SgemmKernel.LARGE_M - 1));
    assertEquals(SgemmKernel.LARGE_ROWS, SgemmKernel.rowsFor(SgemmKernel.LARGE_M));
  }

  @Test
  void theStreamedOrdersSliceDepthFollowsTheModel() {
    assertEquals(2048, GemmStreamA.defaultSliceDepth(CpuModel.parse(block("GenuineIntel", 6, 167, "Intel(R) Xeon(R) Processor"))));
    assertEquals(1024, GemmStreamA.defaultSliceDepth(CpuModel.parse(block("AuthenticAMD", 26, 2, "AMD EPYC"))));
    assertEquals(1024, GemmStreamA.defaultSliceDepth(CpuModel.UNKNOWN));
  }

  @Test
  void aMissingOrGarbledFileIsUnknownNotAnError(@TempDir Path dir) throws Exception {
    assertEquals(CpuModel.UNKNOWN, CpuModel.read(dir.resolve("absent")));
    assertEquals("unknown (no /proc/cpuinfo)", CpuModel.UNKNOWN.describe());
    Path garbled = dir.resolve("cpuinfo");
    java.nio.file.Files.writeString(garbled, "vendor_id : AuthenticAMD\ncpu family : twenty-six\n");
    CpuModel cpu = CpuModel.read(garbled);
    assertEquals(-1, cpu.family());
    assertFalse(cpu.amdZen5OrLater());
  }
}
