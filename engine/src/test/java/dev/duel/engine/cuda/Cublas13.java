package dev.duel.engine.cuda;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;

/** The stand-in cuBLAS with CUDA 13 names (kernels/target/native/cuda13) and its call counter. */
final class Cublas13 {
  private Cublas13() {}

  /** kernels/target/native/cuda13, beside the emulation directory of -Dduel.emu.dir. */
  static Path folder() {
    String emu = System.getProperty("duel.emu.dir");
    return emu == null ? null : Path.of(emu).toAbsolutePath().normalize().getParent().resolve("cuda13");
  }

  static boolean built() {
    Path f = folder();
    return f != null && Files.isRegularFile(f.resolve("libcublas.so.13")) && Files.isRegularFile(f.resolve("libcublasLt.so.13"));
  }

  /** fakeCublasGemmCalls() of the stand-in loaded from {@code library} (that file must already be loaded). */
  static long gemmCalls(Path library) {
    try {
      var sym = SymbolLookup.libraryLookup(library, Arena.global()).find("fakeCublasGemmCalls").orElseThrow();
      return (long) Linker.nativeLinker().downcallHandle(sym, FunctionDescriptor.of(JAVA_LONG)).invokeExact();
    } catch (Throwable t) {
      throw new AssertionError("fakeCublasGemmCalls of " + library + ": " + t, t);
    }
  }
}
