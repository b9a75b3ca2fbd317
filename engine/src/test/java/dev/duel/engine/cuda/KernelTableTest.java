package dev.duel.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.BinaryOp;
import dev.duel.engine.Distribution;
import dev.duel.engine.ReduceOp;
import dev.duel.engine.UnaryOp;
import dev.duel.kernels.KernelBinaries;
import dev.duel.kernels.KernelOps;
import dev.duel.kernels.KernelSignatures;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The backend's kernel table, op codes and struct encoding against the kernels module's ABI. */
class KernelTableTest {

  @Test
  void everyKernelIsInTheFatbinWithTheSignatureOfAbiMd() throws Exception {
    for (Kernel k : Kernel.values()) {
      assertTrue(KernelBinaries.manifest().kernels().contains(k.symbol), k.symbol + " is not in duel.fatbin");
    }
    Path abi = Path.of("../kernels/src/main/cuda/ABI.md");
    Assumptions.assumeTrue(Files.isRegularFile(abi), "ABI.md not found at " + abi.toAbsolutePath());
    Map<String, String> documented = new HashMap<>();
    Matcher m = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(([^)]*)\\);").matcher(Files.readString(abi));
    while (m.find()) {
      StringBuilder sig = new StringBuilder();
      for (String param : m.group(2).split(",")) {
        String type = param.trim().replaceAll("\\s+\\w+$", "");
        sig.append(switch (type) {
          case "int" -> 'i';
          case "float" -> 'f';
          case "long long", "unsigned long long" -> 'l';
          case "duel_strided_t" -> 's';
          default -> type.endsWith("*") ? 'p' : '?';
        });
      }
      documented.put(m.group(1), sig.toString());
    }
    for (Kernel k : Kernel.values()) {
      assertEquals(documented.get(k.symbol), k.signature, k.symbol + " in ABI.md");
    }
  }

  /**
   * Every constant of the engine's op enums is the op code of the same name in KernelOps (generated from
   * duel_abi.h), and the header has no code the engine lacks (but REDUCE_MEAN, which only the kernels use).
   */
  @Test
  void opCodesAreTheEngineOrdinals() throws Exception {
    Map<String, Integer> codes = new TreeMap<>(), engine = new TreeMap<>();
    for (Field f : KernelOps.class.getFields()) {
      if (f.getName().matches("(UNARY|BINARY|REDUCE|DIST)_.*")) codes.put(f.getName(), f.getInt(null));
    }
    for (Enum<?> e : UnaryOp.values()) engine.put("UNARY_" + e.name(), e.ordinal());
    for (Enum<?> e : BinaryOp.values()) engine.put("BINARY_" + e.name(), e.ordinal());
    for (Enum<?> e : ReduceOp.values()) engine.put("REDUCE_" + e.name(), e.ordinal());
    for (Enum<?> e : Distribution.values()) engine.put("DIST_" + e.name(), e.ordinal());
    engine.put("REDUCE_MEAN", KernelOps.REDUCE_MEAN);
    assertEquals(codes, engine, "KernelOps (duel_abi.h) and the engine's UnaryOp, BinaryOp, ReduceOp, Distribution");
    assertEquals(ReduceOp.values().length, KernelOps.REDUCE_MEAN, "MEAN follows the engine's reductions");
  }

  @Test
  void signaturesAreTheGeneratedOnes() {
    for (Kernel k : Kernel.values()) assertEquals(KernelSignatures.of(k.symbol), k.signature, k.symbol);
  }

  @Test
  void stridedLayoutMergesWhatItCanAndEncodesLikeKernelOps() {
    // a contiguous 3×4×5 view is one run; a transpose stays 2-D; size-1 dims vanish
    StridedLayout contiguous = StridedLayout.of(new int[] {3, 4, 5}, new long[] {20, 5, 1}, new long[] {20, 5, 1});
    assertTrue(contiguous.bothContiguous());
    assertEquals(60, contiguous.count());
    StridedLayout t = StridedLayout.of(new int[] {4, 1, 5}, new long[] {1, 99, 4}, new long[] {5, 7, 1});
    assertArrayEquals(new long[] {4, 5}, t.shape());
    assertArrayEquals(new long[] {1, 4}, t.stride0());
    // a row broadcast over 6 rows of 7: rows merge in neither operand
    StridedLayout b = StridedLayout.of(new int[] {6, 7}, new long[] {7, 1}, new long[] {0, 1});
    assertEquals(2, b.rank());
    assertArrayEquals(KernelOps.encodeStrided(new int[] {6, 7}, new long[] {7, 1}, new long[] {0, 1}), b.encode(0));
    // leading dims of a rank > 8 space are sliced off before encoding
    StridedLayout scalar = StridedLayout.of(new int[0], new long[0], new long[0]);
    assertEquals(1, scalar.count());
    assertArrayEquals(KernelOps.encodeStrided(new int[0], new long[0], new long[0]), scalar.encode(0));
  }
}
