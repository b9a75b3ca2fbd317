package dev.duel.kernels;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Test controls of the stand-in {@code libcuda.so.1} (see {@link EmulationLibraries}), reached through the
 * FFM API: make allocations fail, count device memory and launches. Meaningless on a real driver, where
 * these symbols do not exist ({@link #open} then fails).
 */
public final class FakeCuda {
  private final MethodHandle failNextAllocs, bytesInUse, liveAllocations, allocationCalls, memset32Calls, launchCount, setTotalMemory,
      lastError, setKernelLibraries;

  private FakeCuda(SymbolLookup lib) {
    Linker linker = Linker.nativeLinker();
    failNextAllocs = handle(linker, lib, "fakeCudaFailNextAllocs", FunctionDescriptor.ofVoid(JAVA_INT));
    bytesInUse = handle(linker, lib, "fakeCudaBytesInUse", FunctionDescriptor.of(JAVA_LONG));
    liveAllocations = handle(linker, lib, "fakeCudaLiveAllocations", FunctionDescriptor.of(JAVA_LONG));
    allocationCalls = handle(linker, lib, "fakeCudaAllocationCalls", FunctionDescriptor.of(JAVA_LONG));
    launchCount = handle(linker, lib, "fakeCudaLaunchCount", FunctionDescriptor.of(JAVA_LONG));
    memset32Calls = handle(linker, lib, "fakeCudaMemset32Calls", FunctionDescriptor.of(JAVA_LONG));
    setTotalMemory = handle(linker, lib, "fakeCudaSetTotalMemory", FunctionDescriptor.ofVoid(JAVA_LONG));
    lastError = handle(linker, lib, "fakeCudaLastError", FunctionDescriptor.of(ADDRESS));
    setKernelLibraries = handle(linker, lib, "fakeCudaSetKernelLibraries", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  }

  private static MethodHandle handle(Linker linker, SymbolLookup lib, String name, FunctionDescriptor fd) {
    MemorySegment fn = lib.find(name).orElseThrow(() -> new IllegalStateException(
        "the loaded libcuda.so.1 has no " + name + ": it is not Duel's emulated driver"));
    return linker.downcallHandle(fn, fd);
  }

  /** Controls of the stand-in driver at {@code driver} (already loaded or not: the same instance either way). */
  public static FakeCuda open(Path driver) {
    return new FakeCuda(SymbolLookup.libraryLookup(driver.toAbsolutePath(), Arena.global()));
  }

  /** The next {@code count} device allocations fail with CUDA_ERROR_OUT_OF_MEMORY. */
  public void failNextAllocations(int count) {
    try {
      failNextAllocs.invokeExact(count);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Bytes of device memory allocated and not freed. */
  public long bytesInUse() { return callLong(bytesInUse); }

  /** Device allocations not freed. */
  public long liveAllocations() { return callLong(liveAllocations); }

  /** Every cuMemAlloc call so far (failed ones included): a steady-state training step must not raise it. */
  public long allocationCalls() { return callLong(allocationCalls); }

  /** cuMemsetD32 / cuMemsetD32Async calls so far (zero fills and fills). */
  public long memset32Calls() { return callLong(memset32Calls); }

  /** Kernel launches so far. */
  public long launchCount() { return callLong(launchCount); }

  /** Caps the emulated device memory at {@code bytes}; a negative value restores the default (16 GiB). */
  public void setTotalMemory(long bytes) {
    try {
      setTotalMemory.invokeExact(bytes);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The stand-in driver's last error message ("" if none), e.g. why a copy was refused. */
  public String lastError() {
    try {
      MemorySegment s = (MemorySegment) lastError.invokeExact();
      return s.reinterpret(Long.MAX_VALUE).getString(0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * Makes modules loaded from now on take their kernels from these emulated kernel libraries (by default:
   * {@code libduel_kernels_emu.so} beside the driver). Returns 0, or the CUresult of a library that fails to load.
   */
  public int setKernelLibraries(Path... libraries) {
    StringBuilder paths = new StringBuilder();
    for (Path p : libraries) paths.append(paths.isEmpty() ? "" : ":").append(p.toAbsolutePath());
    try (Arena arena = Arena.ofConfined()) {
      return (int) setKernelLibraries.invokeExact(arena.allocateFrom(paths.toString()));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static long callLong(MethodHandle h) {
    try {
      return (long) h.invokeExact();
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) return r;
    if (t instanceof Error e) throw e;
    return new IllegalStateException(t);
  }
}
