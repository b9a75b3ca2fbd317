package dev.duel.engine.cuda.cudnn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * cuDNN 9 ({@code libcudnn.so.9}, its legacy convolution and batchnorm API) bound with FFM.
 *
 * <p><b>Loading.</b> {@link #load()} never throws: it answers an instance whose {@link #isAvailable()}
 * is false, with {@link #unavailableReason()} saying why, when the library is missing, lacks a
 * function, or is not cuDNN 9. The library comes from {@code -Dduel.cudnn.path=/file} when that is
 * set, otherwise the dynamic linker finds {@code libcudnn.so.9} by name (LD_LIBRARY_PATH, ld.so.cache,
 * or a library with that soname already loaded into the process, e.g. Duel's stand-in loaded with
 * {@code System.load} for {@code cuda-emu}). Closing the instance unloads what it loaded.
 *
 * <p><b>Calls.</b> The methods below are the C functions one to one (Java names without the
 * {@code cudnn} prefix, the same argument order). Handles, descriptors and device pointers are plain
 * {@code long} addresses (JCuda: {@code CUdeviceptr.getNativePointer()}, {@code CUstream.getNativePointer()}).
 * Every status other than SUCCESS becomes a {@link CudnnException} naming the call, the status,
 * cuDNN's last error text and the shapes of the descriptors involved. Calling a function of an
 * unavailable or closed instance throws {@link IllegalStateException}.
 *
 * <p><b>Threads.</b> This object is thread-safe (it only holds function handles and a table of the
 * descriptors' shapes for messages). cuDNN itself wants one {@code cudnnHandle_t} per thread/stream,
 * used on a thread where the handle's CUDA context is current; see {@link CudnnHandle}.
 */
public final class Cudnn implements AutoCloseable {

  /** The soname Duel binds. */
  public static final String LIBRARY = "libcudnn.so.9";
  /** System property naming an explicit library file (tests, the cuda-emu stand-in). */
  public static final String PATH_PROPERTY = "duel.cudnn.path";

  private static final MemorySegment ONE = Arena.global().allocateFrom(JAVA_FLOAT, 1f);
  private static final MemorySegment ZERO = Arena.global().allocateFrom(JAVA_FLOAT, 0f);

  private final Arena libraryArena;       // owns the dlopen; null when unavailable
  private final CudnnFunctions f;         // null when unavailable
  private final String origin;            // what was loaded, or what was tried
  private final String unavailableReason; // null when available
  private final long version;
  private final Map<Long, String> shapes = new ConcurrentHashMap<>();   // descriptor -> shape, for messages
  private volatile boolean closed;

  private Cudnn(Arena arena, CudnnFunctions f, String origin, String reason, long version) {
    this.libraryArena = arena;
    this.f = f;
    this.origin = origin;
    this.unavailableReason = reason;
    this.version = version;
  }

  // ---- loading ----------------------------------------------------------------------------------

  /** Loads from {@code -Dduel.cudnn.path} if set, else {@code libcudnn.so.9} by name. Never throws. */
  public static Cudnn load() {
    return load(System.getProperty(PATH_PROPERTY));
  }

  /** {@code pathOrNull} blank or null: by name; else that file. Never throws. */
  static Cudnn load(String pathOrNull) {
    return pathOrNull == null || pathOrNull.isBlank() ? loadByName() : load(Path.of(pathOrNull.strip()));
  }

  /** Loads {@code libcudnn.so.9} through the dynamic linker. Never throws. */
  public static Cudnn loadByName() {
    return open(LIBRARY + " (found by the dynamic linker)", arena -> SymbolLookup.libraryLookup(LIBRARY, arena),
        LIBRARY + " not found by the dynamic linker; install cuDNN 9 (pip install nvidia-cudnn-cu13, or NVIDIA's"
            + " cudnn9-cuda-13/-12 package) and add its lib folder to LD_LIBRARY_PATH, or set DUEL_CUDNN_PATH (-D"
            + PATH_PROPERTY + ") to /path/to/" + LIBRARY);
  }

  /** Loads the given library file. Never throws. */
  public static Cudnn load(Path library) {
    Path abs = library.toAbsolutePath();
    if (!Files.isRegularFile(abs)) {
      return unavailable(abs.toString(), LIBRARY + " not loaded: " + abs + " does not exist or is not a file"
          + " (check -D" + PATH_PROPERTY + ")");
    }
    return open(abs.toString(), arena -> SymbolLookup.libraryLookup(abs, arena),
        LIBRARY + " not loaded: the dynamic linker refused " + abs);
  }

  private static Cudnn open(String origin, Function<Arena, SymbolLookup> opener, String notFound) {
    Arena arena = Arena.ofShared();
    try {
      SymbolLookup lookup;
      try {
        lookup = opener.apply(arena);
      } catch (IllegalArgumentException e) {
        arena.close();
        return unavailable(origin, notFound + " (" + e.getMessage() + ")");
      }
      CudnnFunctions f;
      try {
        f = new CudnnFunctions(lookup);
      } catch (NoSuchElementException e) {
        arena.close();
        return unavailable(origin, origin + " lacks " + e.getMessage() + ": not a cuDNN 9 build with the legacy API");
      }
      long v = (long) f.getVersion.invokeExact();
      if (v / 10000 != 9) {
        arena.close();
        return unavailable(origin, origin + " reports version " + v + ", but Duel binds cuDNN 9 (9xxyy)");
      }
      return new Cudnn(arena, f, origin, null, v);
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError e) throw e;
      if (arena.scope().isAlive()) arena.close();
      return unavailable(origin, LIBRARY + " could not be bound from " + origin + ": " + t);
    }
  }

  private static Cudnn unavailable(String origin, String reason) {
    return new Cudnn(null, null, origin, reason, 0);
  }

  public boolean isAvailable() {
    return f != null && !closed;
  }

  /** Why the library is not usable (one log line), or null when it is. */
  public String unavailableReason() {
    if (closed) return "this Cudnn instance was closed";
    return unavailableReason;
  }

  /** One log line: "cuDNN 9.6.0 from ..." or "cuDNN not available: ...". */
  public String describe() {
    return isAvailable() ? "cuDNN " + versionString() + " from " + origin
        : "cuDNN not available: " + unavailableReason();
  }

  /** cudnnGetVersion(): MAJOR·10000 + MINOR·100 + PATCH (e.g. 90600); 0 when unavailable. */
  public long version() {
    return version;
  }

  public String versionString() {
    return version / 10000 + "." + version / 100 % 100 + "." + version % 100;
  }

  /** Unloads the library (when nothing else in the process holds it). Further calls throw. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    if (libraryArena != null) libraryArena.close();
  }

  // ---- errors -----------------------------------------------------------------------------------

  private CudnnFunctions fns() {
    if (f == null || closed) throw new IllegalStateException("cuDNN is not available: " + unavailableReason());
    return f;
  }

  /** cudnnGetErrorString(status). */
  public String errorString(int status) {
    try {
      MemorySegment s = (MemorySegment) fns().getErrorString.invokeExact(status);
      return s.equals(MemorySegment.NULL) ? "" : s.reinterpret(4096).getString(0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** cudnnGetLastErrorString: this thread's last error message ("" when the library lacks it). */
  public String lastErrorString() {
    MethodHandle h = fns().getLastErrorString;
    if (h == null) return "";
    try (Arena a = Arena.ofConfined()) {
      MemorySegment buf = a.allocate(1024);
      h.invokeExact(buf, 1024L);
      return buf.getString(0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * The exception for a failed call: cuDNN's last error text plus the shapes of the (name, descriptor)
   * pairs in {@code descs}. Built only on failure, so successful calls allocate nothing for messages.
   */
  private CudnnException failure(int status, String call, Object... descs) {
    StringBuilder detail = new StringBuilder(lastErrorString());
    if (descs.length > 0) {
      detail.append(detail.isEmpty() ? "[" : " [");
      for (int i = 0; i < descs.length; i += 2) {
        if (i > 0) detail.append("; ");
        long d = (Long) descs[i + 1];
        detail.append(descs[i]).append(": ").append(shapes.getOrDefault(d, "descriptor 0x" + Long.toHexString(d)));
      }
      detail.append(']');
    }
    return new CudnnException(call, status, detail.toString());
  }

  static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) return r;
    if (t instanceof Error e) throw e;
    return new IllegalStateException("cuDNN downcall failed", t);
  }

  private static MemorySegment p(long address) {
    return MemorySegment.ofAddress(address);
  }

  private static boolean common(float v) {
    return v == 1f || Float.floatToRawIntBits(v) == 0;
  }

  /** An arena for scalars other than 1 and +0, or null when both are one of those (no allocation). */
  private static Arena scalarArena(float a, float b) {
    return common(a) && common(b) ? null : Arena.ofConfined();
  }

  private static Arena scalarArena(float a, float b, float c, float d) {
    return common(a) && common(b) && common(c) && common(d) ? null : Arena.ofConfined();
  }

  /** A host pointer to v: the shared 1 or 0 constants, else allocated in {@code arena}. */
  private static MemorySegment scalar(float v, Arena arena) {
    if (v == 1f) return ONE;
    if (Float.floatToRawIntBits(v) == 0) return ZERO;
    return arena.allocateFrom(JAVA_FLOAT, v);
  }

  // ---- handle -----------------------------------------------------------------------------------

  /** cudnnCreate: a new handle (needs a current CUDA context on a real GPU). */
  public long create() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(ADDRESS);
      int st = (int) fns().create.invokeExact(out);
      if (st != CudnnStatus.SUCCESS) throw failure(st, "cudnnCreate");
      return out.get(ADDRESS, 0).address();
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public void destroy(long handle) {
    try {
      int st = (int) fns().destroy.invokeExact(p(handle));
      if (st != CudnnStatus.SUCCESS) throw failure(st, "cudnnDestroy");
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** cudnnSetStream: a CUstream's address (0 = the legacy default stream). */
  public void setStream(long handle, long stream) {
    try {
      int st = (int) fns().setStream.invokeExact(p(handle), p(stream));
      if (st != CudnnStatus.SUCCESS) throw failure(st, "cudnnSetStream");
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // ---- descriptors ------------------------------------------------------------------------------

  private long createDescriptor(MethodHandle h, String call) throws Throwable {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(ADDRESS);
      int st = (int) h.invokeExact(out);
      if (st != CudnnStatus.SUCCESS) throw failure(st, call);
      return out.get(ADDRESS, 0).address();
    }
  }

  public long createTensorDescriptor() {
    try {
      return createDescriptor(fns().createTensorDescriptor, "cudnnCreateTensorDescriptor");
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** cudnnSetTensor4dDescriptor(desc, format, dataType, n, c, h, w): note format before data type. */
  public void setTensor4dDescriptor(long desc, int format, int dataType, int n, int c, int h, int w) {
    String shape = "tensor " + n + "x" + c + "x" + h + "x" + w + formatName(format) + typeName(dataType);
    try {
      int st = (int) fns().setTensor4dDescriptor.invokeExact(p(desc), format, dataType, n, c, h, w);
      if (st != CudnnStatus.SUCCESS) throw new CudnnException("cudnnSetTensor4dDescriptor", st,
          lastErrorString() + " [requested: " + shape + "]");
      shapes.put(desc, shape);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public void destroyTensorDescriptor(long desc) {
    try {
      int st = (int) fns().destroyTensorDescriptor.invokeExact(p(desc));
      if (st != CudnnStatus.SUCCESS) throw failure(st, "cudnnDestroyTensorDescriptor");
      shapes.remove(desc);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** cudnnSetTensor: every element of y = value (FLOAT tensors). */
  public void setTensor(long handle, long yDesc, long y, float value) {
    try (Arena a = scalarArena(value, 1f)) {
      int st = (int) fns().setTensor.invokeExact(p(handle), p(yDesc), p(y), scalar(value, a));
      if (st != CudnnStatus.SUCCESS) throw failure(st, "cudnnSetTensor",
          "y", yDesc);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public long createFilterDescriptor() {
    try {
      return createDescriptor(fns().createFilterDescriptor, "cudnnCreateFilterDescriptor");
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** cudnnSetFilter4dDescriptor(desc, dataType, format, k, c, r, s): note data type before format. */
  public void setFilter4dDescriptor(long desc, int dataType, int format, int k, int c, int r, int s) {
    String shape = "filter " + k + "x" + c + "x" + r + "x" + s + formatName(format) + typeName(dataType);
    try {
      int st = (int) fns().setFilter4dDescriptor.invokeExact(p(desc), dataType, format, k, c, r, s);
      if (st != CudnnStatus.SUCCESS) throw new CudnnException("cudnnSetFilter4dDescriptor", st,
          lastErrorString() + " [requested: " + shape + "]");
      shapes.put(desc, shape);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public void destroyFilterDescriptor(long desc) {
    try {
      int st = (int) fns().destroyFilterDescriptor.invokeExact(p(desc));
      if (st != CudnnStatus.SUCCESS) throw failure(st, "cudnnDestroyFilterDescriptor");
      shapes.remove(desc);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public long createConvolutionDescriptor() {
    try {
      return createDescriptor(fns().createConvolutionDescriptor, "cudnnCreateConvolutionDescriptor");
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** cudnnSetConvolution2dDescriptor(desc, padH, padW, strideH, strideW, dilH, dilW, mode, computeType). */
  public void setConvolution2dDescriptor(long desc, int padH, int padW, int strideH, int strideW, int dilH, int dilW,
                                         int mode, int computeType) {
    String shape = "conv pad " + padH + "x" + padW + " stride " + strideH + "x" + strideW + " dilation " + dilH + "x"
        + dilW + (mode == CudnnEnums.CROSS_CORRELATION ? " cross-correlation" : " convolution(mode " + mode + ")")
        + typeName(computeType);
    try {
      int st = (int) fns().setConvolution2dDescriptor.invokeExact(p(desc), padH, padW, strideH, strideW, dilH, dilW,
          mode, computeType);
      if (st != CudnnStatus.SUCCESS) throw new CudnnException("cudnnSetConvolution2dDescriptor", st,
          lastErrorString() + " [requested: " + shape + "]");
      shapes.put(desc, shape);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public void setConvolutionMathType(long desc, int mathType) {
    try {
      int st = (int) fns().setConvolutionMathType.invokeExact(p(desc), mathType);
      if (st != CudnnStatus.SUCCESS) throw failure(st, "cudnnSetConvolutionMathType",
          "conv", desc);
      String math = " " + CudnnEnums.mathTypeName(mathType);
      shapes.computeIfPresent(desc, (k, v) -> v.replaceAll(" [A-Z_]*MATH$", "") + math);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public void destroyConvolutionDescriptor(long desc) {
    try {
      int st = (int) fns().destroyConvolutionDescriptor.invokeExact(p(desc));
      if (st != CudnnStatus.SUCCESS) throw failure(st, "cudnnDestroyConvolutionDescriptor");
      shapes.remove(desc);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** cudnnDeriveBNTensorDescriptor: 1×C×1×1 (spatial modes) from x's descriptor. */
  public void deriveBNTensorDescriptor(long derived, long xDesc, int mode) {
    try {
      int st = (int) fns().deriveBNTensorDescriptor.invokeExact(p(derived), p(xDesc), mode);
      if (st != CudnnStatus.SUCCESS) throw failure(st, "cudnnDeriveBNTensorDescriptor", "x", xDesc);
      String x = shapes.get(xDesc);
      if (x != null) shapes.put(derived, "batchnorm parameters derived from " + x);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static String formatName(int format) {
    if (format == CudnnEnums.TENSOR_NCHW) return " NCHW";
    return format == CudnnEnums.TENSOR_NHWC ? " NHWC" : " format " + format;
  }

  private static String typeName(int type) {
    return type == CudnnEnums.DATA_FLOAT ? " FLOAT" : type == CudnnEnums.DATA_DOUBLE ? " DOUBLE" : " type " + type;
  }

  // ---- convolution: algorithm choice ------------------------------------------------------------

  /**
   * cudnnGetConvolution{Forward,BackwardData,BackwardFilter}Algorithm_v7: cuDNN's heuristic ranking,
   * best first. Descriptors in the direction's C order: FORWARD (x, w, conv, y); BACKWARD_DATA
   * (w, dy, conv, dx); BACKWARD_FILTER (x, dy, conv, dw).
   */
  public List<AlgoPerf> getConvolutionAlgorithm(ConvDirection dir, long handle, long d1, long d2, long conv, long d3) {
    MethodHandle h = switch (dir) {
      case FORWARD -> fns().getForwardAlgorithmV7;
      case BACKWARD_DATA -> fns().getBackwardDataAlgorithmV7;
      case BACKWARD_FILTER -> fns().getBackwardFilterAlgorithmV7;
    };
    return algoList(h, dir, callName(dir, "cudnnGetConvolution%sAlgorithm_v7"), handle, d1, d2, conv, d3);
  }

  /**
   * cudnnFindConvolution*Algorithm: cuDNN runs every algorithm on buffers and workspace it allocates
   * itself and answers them fastest first. Descriptors as for {@link #getConvolutionAlgorithm}.
   */
  public List<AlgoPerf> findConvolutionAlgorithm(ConvDirection dir, long handle, long d1, long d2, long conv, long d3) {
    MethodHandle h = switch (dir) {
      case FORWARD -> fns().findForwardAlgorithm;
      case BACKWARD_DATA -> fns().findBackwardDataAlgorithm;
      case BACKWARD_FILTER -> fns().findBackwardFilterAlgorithm;
    };
    return algoList(h, dir, callName(dir, "cudnnFindConvolution%sAlgorithm"), handle, d1, d2, conv, d3);
  }

  private List<AlgoPerf> algoList(MethodHandle h, ConvDirection dir, String call, long handle, long d1, long d2,
                                  long conv, long d3) {
    int requested = 8;   // ≥ every direction's *_ALGO_COUNT
    try (Arena a = Arena.ofConfined()) {
      MemorySegment count = a.allocate(JAVA_INT);
      MemorySegment perf = a.allocate(AlgoPerf.LAYOUT, requested);
      int st = (int) h.invokeExact(p(handle), p(d1), p(d2), p(conv), p(d3), requested, count, perf);
      if (st != CudnnStatus.SUCCESS) throw failure(st, call,
          names(dir)[0], d1, names(dir)[1], d2, "conv", conv, names(dir)[2], d3);
      return AlgoPerf.read(perf, count.get(JAVA_INT, 0));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * cudnnFindConvolution*AlgorithmEx: times every algorithm on the caller's buffers and workspace
   * (overwriting the output buffer), fastest first; an algorithm needing more than
   * {@code workspaceBytes} comes back with a failure status. Arguments in the direction's C order:
   * FORWARD (xDesc, x, wDesc, w, conv, yDesc, y); BACKWARD_DATA (wDesc, w, dyDesc, dy, conv, dxDesc, dx);
   * BACKWARD_FILTER (xDesc, x, dyDesc, dy, conv, dwDesc, dw).
   */
  public List<AlgoPerf> findConvolutionAlgorithmEx(ConvDirection dir, long handle, long d1, long p1, long d2, long p2,
                                                   long conv, long d3, long p3, long workspace, long workspaceBytes) {
    MethodHandle h = switch (dir) {
      case FORWARD -> fns().findForwardAlgorithmEx;
      case BACKWARD_DATA -> fns().findBackwardDataAlgorithmEx;
      case BACKWARD_FILTER -> fns().findBackwardFilterAlgorithmEx;
    };
    int requested = 8;
    try (Arena a = Arena.ofConfined()) {
      MemorySegment count = a.allocate(JAVA_INT);
      MemorySegment perf = a.allocate(AlgoPerf.LAYOUT, requested);
      int st = (int) h.invokeExact(p(handle), p(d1), p(p1), p(d2), p(p2), p(conv), p(d3), p(p3), requested, count, perf,
              p(workspace), workspaceBytes);
      if (st != CudnnStatus.SUCCESS) throw failure(st, callName(dir, "cudnnFindConvolution%sAlgorithmEx"),
          names(dir)[0], d1, names(dir)[1], d2, "conv", conv, names(dir)[2], d3);
      return AlgoPerf.read(perf, count.get(JAVA_INT, 0));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** cudnnGetConvolution*WorkspaceSize for {@code algo}; descriptors as for {@link #getConvolutionAlgorithm}. */
  public long getConvolutionWorkspaceSize(ConvDirection dir, long handle, long d1, long d2, long conv, long d3,
                                          int algo) {
    MethodHandle h = switch (dir) {
      case FORWARD -> fns().getForwardWorkspaceSize;
      case BACKWARD_DATA -> fns().getBackwardDataWorkspaceSize;
      case BACKWARD_FILTER -> fns().getBackwardFilterWorkspaceSize;
    };
    try (Arena a = Arena.ofConfined()) {
      MemorySegment size = a.allocate(JAVA_LONG);
      int st = (int) h.invokeExact(p(handle), p(d1), p(d2), p(conv), p(d3), algo, size);
      if (st != CudnnStatus.SUCCESS) throw failure(st,
          callName(dir, "cudnnGetConvolution%sWorkspaceSize") + " (algo " + CudnnEnums.algoName(dir, algo) + ")",
          names(dir)[0], d1, names(dir)[1], d2, "conv", conv, names(dir)[2], d3);
      return size.get(JAVA_LONG, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The data descriptors' names in the direction's C argument order (conv sits between the 2nd and 3rd). */
  private static String[] names(ConvDirection dir) {
    return switch (dir) {
      case FORWARD -> new String[] {"x", "w", "y"};
      case BACKWARD_DATA -> new String[] {"w", "dy", "dx"};
      case BACKWARD_FILTER -> new String[] {"x", "dy", "dw"};
    };
  }

  private static String callName(ConvDirection dir, String pattern) {
    return String.format(pattern, switch (dir) {
      case FORWARD -> "Forward";
      case BACKWARD_DATA -> "BackwardData";
      case BACKWARD_FILTER -> "BackwardFilter";
    });
  }

  // ---- convolution: execution (out = alpha·op + beta·out; beta = 0 never reads out) -------------

  /** cudnnConvolutionForward: y = alpha·conv(x, w) + beta·y. */
  public void convolutionForward(long handle, float alpha, long xDesc, long x, long wDesc, long w, long conv, int algo,
                                 long workspace, long workspaceBytes, float beta, long yDesc, long y) {
    try (Arena a = scalarArena(alpha, beta)) {
      int st = (int) fns().convolutionForward.invokeExact(p(handle), scalar(alpha, a), p(xDesc), p(x), p(wDesc), p(w),
              p(conv), algo, p(workspace), workspaceBytes, scalar(beta, a), p(yDesc), p(y));
      if (st != CudnnStatus.SUCCESS) throw failure(st,
          "cudnnConvolutionForward (algo " + CudnnEnums.algoName(ConvDirection.FORWARD, algo) + ")",
          "x", xDesc, "w", wDesc, "conv", conv, "y", yDesc);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** cudnnConvolutionBackwardData: dx = alpha·(∂/∂x of Σ dy·conv(x, w)) + beta·dx. */
  public void convolutionBackwardData(long handle, float alpha, long wDesc, long w, long dyDesc, long dy, long conv,
                                      int algo, long workspace, long workspaceBytes, float beta, long dxDesc, long dx) {
    try (Arena a = scalarArena(alpha, beta)) {
      int st = (int) fns().convolutionBackwardData.invokeExact(p(handle), scalar(alpha, a), p(wDesc), p(w), p(dyDesc),
              p(dy), p(conv), algo, p(workspace), workspaceBytes, scalar(beta, a), p(dxDesc), p(dx));
      if (st != CudnnStatus.SUCCESS) throw failure(st,
          "cudnnConvolutionBackwardData (algo " + CudnnEnums.algoName(ConvDirection.BACKWARD_DATA, algo) + ")",
          "w", wDesc, "dy", dyDesc, "conv", conv, "dx", dxDesc);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** cudnnConvolutionBackwardFilter: dw = alpha·Σ_{n,p,q} dy·x(window) + beta·dw. */
  public void convolutionBackwardFilter(long handle, float alpha, long xDesc, long x, long dyDesc, long dy, long conv,
                                        int algo, long workspace, long workspaceBytes, float beta, long dwDesc,
                                        long dw) {
    try (Arena a = scalarArena(alpha, beta)) {
      int st = (int) fns().convolutionBackwardFilter.invokeExact(p(handle), scalar(alpha, a), p(xDesc), p(x), p(dyDesc),
              p(dy), p(conv), algo, p(workspace), workspaceBytes, scalar(beta, a), p(dwDesc), p(dw));
      if (st != CudnnStatus.SUCCESS) throw failure(st,
          "cudnnConvolutionBackwardFilter (algo " + CudnnEnums.algoName(ConvDirection.BACKWARD_FILTER, algo) + ")",
          "x", xDesc, "dy", dyDesc, "conv", conv, "dw", dwDesc);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // ---- batch normalisation ----------------------------------------------------------------------

  /**
   * cudnnBatchNormalizationForwardTraining. runningMean/runningVar (both or neither 0) are updated as
   * r ← f·batch + (1 − f)·r, the variance unbiased; saveMean/saveInvVariance (both or neither 0)
   * receive μ and 1/sqrt(σ² + ε) for the backward pass.
   */
  public void batchNormalizationForwardTraining(long handle, int mode, float alpha, float beta, long xDesc, long x,
                                                long yDesc, long y, long bnDesc, long scale, long bias,
                                                double exponentialAverageFactor, long runningMean, long runningVar,
                                                double epsilon, long saveMean, long saveInvVariance) {
    try (Arena a = scalarArena(alpha, beta)) {
      int st = (int) fns().batchNormalizationForwardTraining.invokeExact(p(handle), mode, scalar(alpha, a),
              scalar(beta, a), p(xDesc), p(x), p(yDesc), p(y), p(bnDesc), p(scale), p(bias), exponentialAverageFactor,
              p(runningMean), p(runningVar), epsilon, p(saveMean), p(saveInvVariance));
      if (st != CudnnStatus.SUCCESS) throw failure(st,
          "cudnnBatchNormalizationForwardTraining", "x", xDesc, "y", yDesc, "bn", bnDesc);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** cudnnBatchNormalizationForwardInference: y = γ·(x − mean)/sqrt(var + ε) + β with the given statistics. */
  public void batchNormalizationForwardInference(long handle, int mode, float alpha, float beta, long xDesc, long x,
                                                 long yDesc, long y, long bnDesc, long scale, long bias,
                                                 long estimatedMean, long estimatedVariance, double epsilon) {
    try (Arena a = scalarArena(alpha, beta)) {
      int st = (int) fns().batchNormalizationForwardInference.invokeExact(p(handle), mode, scalar(alpha, a),
              scalar(beta, a), p(xDesc), p(x), p(yDesc), p(y), p(bnDesc), p(scale), p(bias), p(estimatedMean),
              p(estimatedVariance), epsilon);
      if (st != CudnnStatus.SUCCESS) throw failure(st,
          "cudnnBatchNormalizationForwardInference", "x", xDesc, "y", yDesc, "bn", bnDesc);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * cudnnBatchNormalizationBackward: dx (blended with alphaDataDiff/betaDataDiff), dScale and dBias
   * (blended with alphaParamDiff/betaParamDiff). savedMean/savedInvVariance both 0: recomputed from x.
   */
  public void batchNormalizationBackward(long handle, int mode, float alphaDataDiff, float betaDataDiff,
                                         float alphaParamDiff, float betaParamDiff, long xDesc, long x, long dyDesc,
                                         long dy, long dxDesc, long dx, long bnDesc, long scale, long dScale,
                                         long dBias, double epsilon, long savedMean, long savedInvVariance) {
    try (Arena a = scalarArena(alphaDataDiff, betaDataDiff, alphaParamDiff, betaParamDiff)) {
      int st = (int) fns().batchNormalizationBackward.invokeExact(p(handle), mode, scalar(alphaDataDiff, a),
              scalar(betaDataDiff, a), scalar(alphaParamDiff, a), scalar(betaParamDiff, a), p(xDesc), p(x),
              p(dyDesc), p(dy), p(dxDesc), p(dx), p(bnDesc), p(scale), p(dScale), p(dBias), epsilon, p(savedMean),
              p(savedInvVariance));
      if (st != CudnnStatus.SUCCESS) throw failure(st,
          "cudnnBatchNormalizationBackward", "x", xDesc, "dy", dyDesc, "dx", dxDesc, "bn", bnDesc);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }
}
