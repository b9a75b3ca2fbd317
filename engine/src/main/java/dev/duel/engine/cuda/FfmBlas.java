package dev.duel.engine.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.NoSuchElementException;

/**
 * cuBLAS through Duel's FFM binding: any {@code libcublas.so.12} or {@code .13} file, or one the dynamic
 * linker finds by soname. The calls are the C functions of cublas_api.h ({@code cublasCreate_v2},
 * {@code cublasSgemm_v2}, {@code cublasSgemmStridedBatched}, …), unchanged between CUDA 12 and 13. Device
 * pointers are the raw addresses the backend keeps; α and β are host floats (the default
 * CUBLAS_POINTER_MODE_HOST: cuBLAS reads them during the call, so one pair serves every call). The handle is
 * created on the current context and bound to the legacy default stream (0), as JCublas leaves it.
 */
final class FfmBlas extends Blas {
  private static final Linker LINKER = Linker.nativeLinker();

  private final Functions f;
  private final MemorySegment handle;
  private final MemorySegment alphaBeta;   // two floats, rewritten under this object's lock
  private final String describe;

  private FfmBlas(Functions f, MemorySegment handle, MemorySegment alphaBeta, String describe) {
    this.f = f;
    this.handle = handle;
    this.alphaBeta = alphaBeta;
    this.describe = describe;
  }

  /** The cublas_api.h functions Duel calls; the status names are optional (cuBLAS ≥ 11.4.2 has them). */
  private record Functions(MethodHandle create, MethodHandle getVersion, MethodHandle setStream, MethodHandle sgemm,
                           MethodHandle sgemmStridedBatched, MethodHandle statusName) {
    static Functions bind(SymbolLookup lib) {
      return new Functions(
          fn(lib, "cublasCreate_v2", JAVA_INT, ADDRESS),
          fn(lib, "cublasGetVersion_v2", JAVA_INT, ADDRESS, ADDRESS),
          fn(lib, "cublasSetStream_v2", JAVA_INT, ADDRESS, ADDRESS),
          // handle, transa, transb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc
          fn(lib, "cublasSgemm_v2", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
              ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT),
          // the same with long long strideA/B/C after each pitch, and batchCount last
          fn(lib, "cublasSgemmStridedBatched", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
              ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT,
              JAVA_LONG, JAVA_INT),
          lib.find("cublasGetStatusName").map(s -> LINKER.downcallHandle(s, FunctionDescriptor.of(ADDRESS, JAVA_INT)))
              .orElse(null));
    }

    private static MethodHandle fn(SymbolLookup lib, String name, java.lang.foreign.MemoryLayout result,
                                   java.lang.foreign.MemoryLayout... args) {
      MemorySegment s = lib.find(name).orElseThrow(() -> new NoSuchElementException(name));
      return LINKER.downcallHandle(s, FunctionDescriptor.of(result, args));
    }
  }

  /**
   * Loads {@code found} (its libcublasLt.so.N first, by absolute path, when that is not on the loader path),
   * creates a handle on the current context and binds it to stream 0. Never throws.
   */
  static Blas open(CudaLibraries.Found found, CudaLibraries.Env env) {
    String what = found.file() != null ? found.file().toString() : found.soname() + " (dynamic linker)";
    try {
      String lt = null;
      if (found.file() != null) {
        for (int major : found.major() > 0 ? new int[] {found.major()} : new int[] {12, 13}) {
          Path ltFile = CudaLibraries.companion(env, "libcublasLt.so." + major, found.file().getParent());
          if (ltFile == null) continue;
          String err = NativePreload.load(ltFile);
          if (err != null) return unavailable("libcublasLt.so." + major + " at " + ltFile + " (needed by " + what
              + ") did not load: " + err);
          lt = ltFile.toString();
        }
      }
      SymbolLookup lib;
      try {
        lib = found.file() != null ? SymbolLookup.libraryLookup(found.file(), Arena.global())
            : SymbolLookup.libraryLookup(found.soname(), Arena.global());
      } catch (IllegalArgumentException e) {
        String err = found.file() != null ? NativePreload.load(found.file()) : null;   // for dlerror()'s text
        return unavailable(what + " (" + found.where() + ") did not load: " + (err != null ? err : e.getMessage())
            + (lt == null && found.file() != null ? "; no libcublasLt.so.N was found beside it or in the searched"
            + " folders" : ""));
      }
      Functions f;
      try {
        f = Functions.bind(lib);
      } catch (NoSuchElementException e) {
        return unavailable(what + " lacks " + e.getMessage() + ": not a cuBLAS 12/13 library");
      }
      MemorySegment handle;
      int version;
      try (Arena a = Arena.ofConfined()) {
        MemorySegment out = a.allocate(ADDRESS);
        int st = (int) f.create.invokeExact(out);
        if (st != 0) return unavailable(what + ": cublasCreate_v2 failed: " + statusName(f, st) + hint(st));
        handle = out.get(ADDRESS, 0);
        MemorySegment v = a.allocate(JAVA_INT);
        version = (int) f.getVersion.invokeExact(handle, v) == 0 ? v.get(JAVA_INT, 0) : 0;
        st = (int) f.setStream.invokeExact(handle, MemorySegment.NULL);   // the legacy default stream
        if (st != 0) return unavailable(what + ": cublasSetStream_v2(0) failed: " + statusName(f, st));
      }
      String describe = "cuBLAS " + (version > 0 ? versionString(version) + " " : "") + "(" + found.soname()
          + " via FFM, " + (found.file() != null ? found.file() + ", " + found.where() : "dynamic linker") + ")";
      return new FfmBlas(f, handle, Arena.global().allocate(JAVA_FLOAT, 2), describe);
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError e) throw e;
      return unavailable(what + " could not be bound through FFM: " + t);
    }
  }

  private static String hint(int status) {
    return status == 1 ? " (CUBLAS_STATUS_NOT_INITIALIZED: usually a driver older than this cuBLAS needs; CUDA 13"
        + " libraries need driver R580+)" : "";
  }

  private static String statusName(Functions f, int status) {
    if (f.statusName != null) {
      try {
        MemorySegment s = (MemorySegment) f.statusName.invokeExact(status);
        if (!s.equals(MemorySegment.NULL)) return s.reinterpret(256).getString(0);
      } catch (Throwable t) {
        if (t instanceof VirtualMachineError e) throw e;
      }
    }
    return CudaErrors.cublasName(status);
  }

  @Override
  boolean available() {
    return true;
  }

  @Override
  String reason() {
    return null;
  }

  @Override
  String describe() {
    return describe;
  }

  @Override
  synchronized void sgemm(CudaDevice device, boolean transA, boolean transB, int m, int n, int k, float alpha,
                          long a, int lda, long strideA, long b, int ldb, long strideB, float beta,
                          long c, int ldc, long strideC, int batch, String op) {
    device.ensureCurrent();
    int opA = transA ? OP_T : OP_N, opB = transB ? OP_T : OP_N;
    alphaBeta.setAtIndex(JAVA_FLOAT, 0, alpha);
    alphaBeta.setAtIndex(JAVA_FLOAT, 1, beta);
    MemorySegment al = alphaBeta, be = alphaBeta.asSlice(4);
    MemorySegment pa = MemorySegment.ofAddress(a), pb = MemorySegment.ofAddress(b), pc = MemorySegment.ofAddress(c);
    int st;
    String call;
    try {
      if (batch == 1) {
        call = "cublasSgemm_v2";
        st = (int) f.sgemm.invokeExact(handle, opB, opA, n, m, k, al, pb, ldb, pa, lda, be, pc, ldc);
      } else {
        call = "cublasSgemmStridedBatched";
        st = (int) f.sgemmStridedBatched.invokeExact(handle, opB, opA, n, m, k, al, pb, ldb, strideB, pa, lda, strideA,
            be, pc, ldc, strideC, batch);
      }
    } catch (Throwable t) {
      if (t instanceof Error e) throw e;
      throw new IllegalStateException("cuBLAS via FFM: " + t, t);
    }
    if (st != 0) throw failure(op, call, transA, transB, m, n, k, lda, ldb, ldc, statusName(f, st));
  }
}
