package dev.duel.kernels;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * ABI.md is exact: it documents every kernel, each signature is the one in the sources (token for token), and
 * its parameter types have the sizes the compiled kernel takes (checked in the emulated library, whose
 * registry records each kernel's parameter types).
 */
class AbiDocTest {
  private static final Pattern SIGNATURE = Pattern.compile("extern \"C\" __global__ void (?:__launch_bounds__\\([^)]*\\) )?(duel_\\w+)\\(([^)]*)\\)");

  /** name -> parameter list (whitespace-normalised) of every signature in `text`. */
  private static Map<String, String> signatures(String text) {
    Map<String, String> out = new TreeMap<>();
    Matcher m = SIGNATURE.matcher(text);
    while (m.find()) out.put(m.group(1), m.group(2).replaceAll("\\s+", " ").trim());
    return out;
  }

  private static Map<String, String> documented() {
    return signatures(NativeBuild.read(NativeBuild.cudaDir().resolve("ABI.md")));
  }

  @Test
  void everyKernelIsDocumentedWithItsSourceSignature() throws IOException {
    Map<String, String> source = new TreeMap<>();
    try (var files = Files.list(NativeBuild.cudaDir())) {
      for (var f : files.filter(p -> p.toString().endsWith(".cu")).toList()) source.putAll(signatures(NativeBuild.read(f)));
    }
    assertEquals(source, documented());
  }

  /** "const float* x" -> "p", "long long n" -> "i8", ... as the emulation's registry spells types. */
  private static String typeCode(String param) {
    String type = param.trim().replaceAll("\\s+\\w+$", "");
    if (type.endsWith("*")) return "p";
    return switch (type.replace("const ", "")) {
      case "int", "unsigned" -> "i4";
      case "long long", "unsigned long long" -> "i8";
      case "float" -> "f4";
      case "double" -> "f8";
      case "duel_strided_t" -> "s" + KernelOps.STRIDED_BYTES;
      default -> throw new AssertionError("ABI.md uses a type outside the ABI: " + param);
    };
  }

  @Test
  void documentedTypesHaveTheCompiledSizes() throws Throwable {
    NativeBuild.requireNative();
    EmulationLibraries emu = KernelBinaries.emulation();
    try (Arena arena = Arena.ofConfined()) {
      SymbolLookup lib = SymbolLookup.libraryLookup(emu.kernels(), arena);
      MethodHandle sig = Linker.nativeLinker().downcallHandle(lib.find("emuKernelSignature").orElseThrow(),
          FunctionDescriptor.of(ADDRESS, ADDRESS));
      List<String> mismatches = new ArrayList<>();
      for (var e : documented().entrySet()) {
        MemorySegment s = (MemorySegment) sig.invokeExact(arena.allocateFrom(e.getKey()));
        assertNotNull(s);
        String compiled = s.equals(MemorySegment.NULL) ? "(not in the library)" : s.reinterpret(4096).getString(0);
        List<String> codes = new ArrayList<>();
        for (String p : e.getValue().split(",")) codes.add(typeCode(p));
        String doc = String.join(",", codes);
        if (!doc.equals(compiled)) mismatches.add(e.getKey() + ": ABI.md (" + doc + ") vs compiled (" + compiled + ")");
      }
      assertEquals(List.of(), mismatches);
    }
  }
}
