package dev.duel.engine.cuda;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads native libraries by absolute path for the rest of the JVM, so that the dynamic linker then satisfies
 * other libraries' dependencies on their sonames: a library that is already loaded matches a DT_NEEDED or
 * dlopen by soname even when its folder is not on the loader path. That is how NVIDIA's pip wheels are used
 * without LD_LIBRARY_PATH: libcublas.so.N needs libcublasLt.so.N, cuDNN's engine sub-libraries need
 * libcublasLt.so.N of the CUDA major cuDNN was built for.
 */
final class NativePreload {
  private static final Map<Path, String> RESULTS = new ConcurrentHashMap<>();   // file -> "" loaded, else the error

  private NativePreload() {}

  /** Loads {@code file} (once per JVM); null when it is loaded, else the dynamic linker's error. Never throws. */
  static String load(Path file) {
    String r = RESULTS.computeIfAbsent(file.toAbsolutePath(), f -> {
      try {
        System.load(f.toString());   // UnsatisfiedLinkError carries dlerror(): the missing dependency, if any
        return "";
      } catch (UnsatisfiedLinkError | SecurityException e) {
        return String.valueOf(e.getMessage());
      }
    });
    return r.isEmpty() ? null : r;
  }

  /**
   * What cuDNN needs loaded before cudnnCreate, when it does not come from the loader path: its own file (so
   * its engine sub-libraries beside it are found through their RUNPATH $ORIGIN), then libcublasLt.so.M for the
   * CUDA major M that {@code cudnnGetCudartVersion} reports. Returns notes for {@code duel info} (what was
   * loaded from where, or why not); never throws.
   */
  static List<String> prepareCudnn(CudaLibraries.Env env, CudaLibraries.Found cudnn) {
    List<String> notes = new ArrayList<>();
    if (cudnn.file() != null) {
      String err = load(cudnn.file());
      if (err != null) {
        notes.add(cudnn.file() + " did not load: " + err);
        return notes;
      }
    }
    long cudart = cudartVersion(cudnn);
    if (cudart <= 0) return notes;
    String lt = "libcublasLt.so." + cudart / 1000;   // cudart version: MAJOR·1000 + MINOR·10
    Path beside = cudnn.file() != null ? cudnn.file().getParent() : null;
    Path ltFile = CudaLibraries.companion(env, lt, beside);
    if (ltFile == null) {
      notes.add(env.loadable(lt) ? lt + " (dynamic linker) for cuDNN's engines"
          : lt + " not found for cuDNN (built for CUDA " + cudart / 1000 + "." + cudart % 1000 / 10
              + "): its engines may fail; " + CudaLibraries.CUBLAS_FIX);
      return notes;
    }
    String err = load(ltFile);
    notes.add(err == null ? lt + " preloaded from " + ltFile + " for cuDNN's engines" : lt + " at " + ltFile
        + " did not load: " + err);
    return notes;
  }

  /** cudnnGetCudartVersion() of that library (e.g. 13000), or 0 when it cannot be asked. */
  private static long cudartVersion(CudaLibraries.Found cudnn) {
    try {
      SymbolLookup lib = cudnn.file() != null ? SymbolLookup.libraryLookup(cudnn.file(), Arena.global())
          : SymbolLookup.libraryLookup(cudnn.soname(), Arena.global());
      var sym = lib.find("cudnnGetCudartVersion");
      if (sym.isEmpty()) return 0;
      MethodHandle h = Linker.nativeLinker().downcallHandle(sym.get(), FunctionDescriptor.of(JAVA_LONG));
      return (long) h.invokeExact();
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError e) throw e;
      return 0;
    }
  }
}
