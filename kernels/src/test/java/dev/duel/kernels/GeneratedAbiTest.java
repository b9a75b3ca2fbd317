package dev.duel.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generated Java side of the ABI is what {@link AbiGenerator} makes from the C sources now (EJML's
 * check of its generated twins): KernelOps' op codes from duel_abi.h, KernelSignatures from the kernels'
 * declarations. Fails after a change to duel_abi.h or to a kernel's parameters until
 * {@code kernels/build.sh abi} has been run and its output committed.
 */
class GeneratedAbiTest {

  @Test
  void generatedSourcesAreUpToDate() {
    Map<Path, String> want = AbiGenerator.generate(NativeBuild.moduleDir());
    assertEquals(2, want.size());
    for (Map.Entry<Path, String> f : want.entrySet()) {
      assertEquals(f.getValue(), NativeBuild.read(f.getKey()),
          f.getKey() + " is stale: run kernels/build.sh abi and commit what it writes");
    }
  }

  @Test
  void signaturesCoverEveryKernelOfTheFatbin() {
    assertEquals(KernelBinaries.manifest().kernels().stream().sorted().toList(),
        KernelSignatures.ALL.keySet().stream().sorted().toList(), "the fatbin's kernels and KernelSignatures");
    assertEquals("ifppl", KernelSignatures.of("duel_unary_fwd_f32"));
    assertEquals("iiiiifpilpilfpili", KernelSignatures.of("duel_sgemm_f32"));   // __launch_bounds__ skipped
    assertThrows(IllegalArgumentException.class, () -> KernelSignatures.of("duel_nothing_f32"));
  }

  @Test
  void parameterTypesOutsideTheTableAreRefused() {
    assertEquals("pplsi", AbiGenerator.letters("k", "const float* __restrict__ x, int *y, unsigned long long n,"
        + " duel_strided_t s, int count"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> AbiGenerator.letters("k", "double x"));
    assertTrue(e.getMessage().contains("'double'"), e.getMessage());
  }
}
