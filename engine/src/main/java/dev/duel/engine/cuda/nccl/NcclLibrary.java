package dev.duel.engine.cuda.nccl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.NoSuchElementException;

/**
 * NCCL ({@code libnccl.so.2}) through a thin FFM binding: the C functions of nccl.h with their signatures
 * unchanged, NVIDIA's library or Duel's stand-in for cuda-emu alike.
 * <pre>
 * ncclResult_t ncclGetVersion(int* version);
 * ncclResult_t ncclGetUniqueId(ncclUniqueId* uniqueId);               ncclUniqueId = struct { char internal[128]; }
 * ncclResult_t ncclCommInitRank(ncclComm_t* comm, int nranks, ncclUniqueId commId, int rank);   (id by value)
 * ncclResult_t ncclCommDestroy(ncclComm_t comm);       ncclResult_t ncclCommAbort(ncclComm_t comm);
 * ncclResult_t ncclCommGetAsyncError(ncclComm_t comm, ncclResult_t* asyncError);
 * ncclResult_t ncclAllReduce(const void* sendbuff, void* recvbuff, size_t count, ncclDataType_t datatype,
 *                            ncclRedOp_t op, ncclComm_t comm, cudaStream_t stream);
 * ncclResult_t ncclBroadcast(const void* sendbuff, void* recvbuff, size_t count, ncclDataType_t datatype,
 *                            int root, ncclComm_t comm, cudaStream_t stream);
 * ncclResult_t ncclGroupStart(void);   ncclResult_t ncclGroupEnd(void);
 * const char*  ncclGetErrorString(ncclResult_t result);    const char* ncclGetLastError(ncclComm_t comm);  (≥ 2.13)
 * </pre>
 * Buffers are device addresses (cuda-emu: the stand-in driver's host addresses); the stream is a CUstream
 * handle, 0 for the legacy default stream that Duel's backend runs everything on.
 */
public final class NcclLibrary {
  public static final String SONAME = "libnccl.so.2";
  public static final int UNIQUE_ID_BYTES = 128;
  /** ncclUniqueId: a struct of 128 chars, passed by value to ncclCommInitRank. */
  static final MemoryLayout UNIQUE_ID = MemoryLayout.structLayout(MemoryLayout.sequenceLayout(UNIQUE_ID_BYTES, JAVA_BYTE)
      .withName("internal"));
  private static final Linker LINKER = Linker.nativeLinker();

  final MethodHandle getVersion, getUniqueId, commInitRank, commDestroy, commAbort, commGetAsyncError, allReduce,
      broadcast, groupStart, groupEnd, getErrorString, getLastError;
  private final int version;
  private final boolean standIn;
  private final String location;

  private NcclLibrary(SymbolLookup lib, String location) {
    getVersion = fn(lib, "ncclGetVersion", JAVA_INT, ADDRESS);
    getUniqueId = fn(lib, "ncclGetUniqueId", JAVA_INT, ADDRESS);
    commInitRank = fn(lib, "ncclCommInitRank", JAVA_INT, ADDRESS, JAVA_INT, UNIQUE_ID, JAVA_INT);
    commDestroy = fn(lib, "ncclCommDestroy", JAVA_INT, ADDRESS);
    commAbort = fn(lib, "ncclCommAbort", JAVA_INT, ADDRESS);
    commGetAsyncError = fn(lib, "ncclCommGetAsyncError", JAVA_INT, ADDRESS, ADDRESS);
    allReduce = fn(lib, "ncclAllReduce", JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    broadcast = fn(lib, "ncclBroadcast", JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    groupStart = fn(lib, "ncclGroupStart", JAVA_INT);
    groupEnd = fn(lib, "ncclGroupEnd", JAVA_INT);
    getErrorString = fn(lib, "ncclGetErrorString", ADDRESS, JAVA_INT);
    getLastError = lib.find("ncclGetLastError")
        .map(s -> LINKER.downcallHandle(s, FunctionDescriptor.of(ADDRESS, ADDRESS))).orElse(null);
    standIn = lib.find("fakeNcclIsStandIn").isPresent();
    this.location = location;
    try (Arena a = Arena.ofConfined()) {
      MemorySegment v = a.allocate(JAVA_INT);
      version = (int) getVersion.invokeExact(v) == 0 ? v.get(JAVA_INT, 0) : 0;
    } catch (Throwable t) {
      throw new IllegalStateException("ncclGetVersion failed: " + t, t);
    }
  }

  private static MethodHandle fn(SymbolLookup lib, String name, MemoryLayout result, MemoryLayout... args) {
    MemorySegment s = lib.find(name).orElseThrow(() -> new NoSuchElementException(name));
    FunctionDescriptor d = result == null ? FunctionDescriptor.ofVoid(args) : FunctionDescriptor.of(result, args);
    return LINKER.downcallHandle(s, d);
  }

  /**
   * Loads {@code file}, or {@link #SONAME} through the dynamic linker when {@code file} is null.
   *
   * @param where how it was found, for {@link #describe()}
   * @throws IllegalStateException naming the file and the reason when it does not load or is not NCCL 2
   */
  public static NcclLibrary open(Path file, String where) {
    String what = file != null ? file.toString() : SONAME + " (dynamic linker)";
    SymbolLookup lib;
    try {
      lib = file != null ? SymbolLookup.libraryLookup(file, Arena.global()) : SymbolLookup.libraryLookup(SONAME, Arena.global());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("NCCL: " + what + " did not load: " + e.getMessage());
    }
    try {
      return new NcclLibrary(lib, file != null ? file + " (" + where + ")" : SONAME + " (" + where + ")");
    } catch (NoSuchElementException e) {
      throw new IllegalStateException("NCCL: " + what + " lacks " + e.getMessage() + ": not an NCCL 2 library");
    }
  }

  /** NCCL_VERSION_CODE as the library reports it (2.27.3 → 22703). */
  public int version() { return version; }

  /** "2.27.3". */
  public String versionString() {
    return version >= 10000 ? (version / 10000) + "." + (version / 100 % 100) + "." + (version % 100)
        : (version / 1000) + "." + (version / 100 % 10) + "." + (version % 100);
  }

  /** True for Duel's stand-in (it exports fakeNcclIsStandIn). */
  public boolean standIn() { return standIn; }

  /** "NCCL 2.27.3 (/path/libnccl.so.2 (NVIDIA pip wheel))". */
  public String describe() {
    return (standIn ? "Duel's stand-in NCCL " : "NCCL ") + versionString() + " (" + location + ")";
  }

  /** ncclGetUniqueId: the 128 bytes every rank passes to {@link #initRank}; made once, by rank 0. */
  public byte[] uniqueId() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment id = a.allocate(UNIQUE_ID);
      int r = (int) getUniqueId.invokeExact(id);
      check(r, -1, "ncclGetUniqueId", MemorySegment.NULL);
      return id.toArray(JAVA_BYTE);
    } catch (NcclException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("ncclGetUniqueId: " + t, t);
    }
  }

  /**
   * ncclCommInitRank: joins rank {@code rank} of {@code nranks} to the communicator of {@code uniqueId}; blocks
   * until every rank has joined. Needs the CUDA context of this rank's device current on the calling thread.
   */
  public NcclComm initRank(byte[] uniqueId, int nranks, int rank) {
    if (uniqueId.length != UNIQUE_ID_BYTES) {
      throw new IllegalArgumentException("an NCCL unique id has " + UNIQUE_ID_BYTES + " bytes, not " + uniqueId.length);
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment id = a.allocate(UNIQUE_ID);
      MemorySegment.copy(uniqueId, 0, id, JAVA_BYTE, 0, UNIQUE_ID_BYTES);
      MemorySegment out = a.allocate(ADDRESS);
      int r = (int) commInitRank.invokeExact(out, nranks, id, rank);
      check(r, rank, "ncclCommInitRank(nranks " + nranks + ")", MemorySegment.NULL);
      return new NcclComm(this, out.get(ADDRESS, 0), rank, nranks);
    } catch (NcclException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("ncclCommInitRank: " + t, t);
    }
  }

  /** ncclGroupStart: the calls up to {@link #groupEnd()} are issued as one. */
  public void groupStart() {
    call(groupStart, "ncclGroupStart");
  }

  public void groupEnd() {
    call(groupEnd, "ncclGroupEnd");
  }

  private void call(MethodHandle h, String name) {
    int r;
    try {
      r = (int) h.invokeExact();
    } catch (Throwable t) {
      throw new IllegalStateException(name + ": " + t, t);
    }
    check(r, -1, name, MemorySegment.NULL);
  }

  /** ncclGetErrorString. */
  public String errorString(int result) {
    try {
      MemorySegment s = (MemorySegment) getErrorString.invokeExact(result);
      return s.equals(MemorySegment.NULL) ? "" : s.reinterpret(4096).getString(0);
    } catch (Throwable t) {
      return "";
    }
  }

  /** ncclGetLastError (NCCL ≥ 2.13), "" without it. */
  String lastError(MemorySegment comm) {
    if (getLastError == null) return "";
    try {
      MemorySegment s = (MemorySegment) getLastError.invokeExact(comm);
      return s.equals(MemorySegment.NULL) ? "" : s.reinterpret(4096).getString(0);
    } catch (Throwable t) {
      return "";
    }
  }

  /** Throws {@link NcclException} for a result other than ncclSuccess, with NCCL's string and last message. */
  void check(int result, int rank, String call, MemorySegment comm) {
    if (result == NcclResult.SUCCESS) return;
    String s = errorString(result), last = lastError(comm);
    throw new NcclException(rank, call, result, s + (last.isBlank() ? "" : " — " + last));
  }
}
