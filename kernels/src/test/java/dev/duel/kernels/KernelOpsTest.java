package dev.duel.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** KernelOps (Java) and duel_abi.h (C) define the same op codes. */
class KernelOpsTest {

  @Test
  void everyHeaderCodeHasItsJavaConstantAndBack() throws Exception {
    String header = NativeBuild.read(NativeBuild.cudaDir().resolve("duel_abi.h"));
    Map<String, Integer> c = new TreeMap<>();
    Matcher m = Pattern.compile("DUEL_(UNARY|BINARY|REDUCE|DIST)_(\\w+) = (\\d+)").matcher(header);
    while (m.find()) c.put(m.group(1) + "_" + m.group(2), Integer.parseInt(m.group(3)));
    assertTrue(c.size() >= 37, "parsed " + c.size() + " codes from duel_abi.h");
    Map<String, Integer> java = new TreeMap<>();
    for (Field f : KernelOps.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class && f.getName().matches("(UNARY|BINARY|REDUCE|DIST)_.*")) {
        java.put(f.getName(), f.getInt(null));
      }
    }
    assertEquals(c, java);
  }

  @Test
  void stridedStructLayout() {
    byte[] b = KernelOps.encodeStrided(new int[] {3, 5}, new long[] {5, 1}, new long[] {0, -1});
    assertEquals(KernelOps.STRIDED_BYTES, b.length);
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(2, bb.getInt(0));
    assertEquals(3, bb.getLong(8));
    assertEquals(5, bb.getLong(16));
    assertEquals(5, bb.getLong(72));
    assertEquals(1, bb.getLong(80));
    assertEquals(0, bb.getLong(136));
    assertEquals(-1, bb.getLong(144));
  }
}
