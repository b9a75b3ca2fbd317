package dev.duel.engine.cuda;

import dev.duel.engine.ConvShape;
import dev.duel.engine.cuda.cudnn.Cudnn;
import dev.duel.engine.cuda.cudnn.CudnnBatchNorm;
import dev.duel.engine.cuda.cudnn.CudnnConv;
import dev.duel.engine.cuda.cudnn.CudnnConvOptions;
import dev.duel.engine.cuda.cudnn.CudnnHandle;
import dev.duel.engine.cuda.cudnn.WorkspaceProvider;
import java.nio.file.Path;

/**
 * cuDNN 9 ({@code libcudnn.so.9}) for the backend's convolutions and batch norm, through Duel's FFM
 * binding ({@link dev.duel.engine.cuda.cudnn}). {@link #load} never throws: when the library is missing,
 * is not cuDNN 9, or its handle cannot be created, {@link #available()} is false and {@link #reason()}
 * says why. Workspace comes from the caching allocator: one grow-only block, handed out again for every
 * call (stream order makes that safe). Calls are serialised: a cuDNN handle is not thread-safe.
 */
class Dnn {   // not final: tests substitute a cuDNN that fails
  private final CudaDevice device;
  private final Cudnn cudnn;
  private final CudnnHandle handle;
  private final CudnnConv conv;
  private final CudnnBatchNorm bn;
  private volatile String reason;
  private volatile boolean used;
  private String notes = "";   // what was preloaded for cuDNN (NativePreload), for describe()
  private CudaAllocator.Block workspace = new CudaAllocator.Block(0, 0);
  private String workspaceOp = "";
  private final WorkspaceProvider provider = this::workspace;

  /** A stand-in with no library behind it (for tests that override the calls). */
  Dnn(CudaDevice device) {
    this(device, null, null, null, null);
  }

  private Dnn(CudaDevice device, Cudnn cudnn, CudnnHandle handle, CudnnConvOptions options, String reason) {
    this.device = device;
    this.cudnn = cudnn;
    this.handle = handle;
    this.conv = handle == null ? null : new CudnnConv(handle, options);
    this.bn = handle == null ? null : new CudnnBatchNorm(handle);
    this.reason = reason;
  }

  /**
   * cuDNN as {@link CudaLibraries} found it: missing gives an unavailable instance whose reason lists what was
   * searched and the fix; found in a folder, it is loaded from there after what it needs ({@link NativePreload}).
   */
  static Dnn load(CudaDevice device, CudaLibraries.Env env, CudaLibraries.Search s) {
    if (s.found() == null) return new Dnn(device, null, null, null, s.reason());
    java.util.List<String> notes = NativePreload.prepareCudnn(env, s.found());
    Dnn d = s.found().file() != null ? load(device, s.found().file()) : load(device, Cudnn.loadByName());
    d.notes = notes.isEmpty() ? "" : " [" + String.join("; ", notes) + "]";
    if (!d.available()) d.reason = d.reason + d.notes;
    return d;
  }

  /** cuDNN from {@code path}, or (null) from {@code -Dduel.cudnn.path} / the dynamic linker. */
  static Dnn load(CudaDevice device, Path path) {
    return load(device, path != null ? Cudnn.load(path) : Cudnn.load());
  }

  private static Dnn load(CudaDevice device, Cudnn cudnn) {
    if (!cudnn.isAvailable()) return new Dnn(device, cudnn, null, null, cudnn.unavailableReason());
    try {
      return new Dnn(device, cudnn, new CudnnHandle(cudnn), CudaSettings.convOptions(), null);
    } catch (RuntimeException e) {
      return new Dnn(device, cudnn, null, null, Cudnn.LIBRARY + " loaded but cudnnCreate failed: " + e.getMessage());
    }
  }

  /** The cuDNN a backend with options {@code o} uses: null for Duel's kernels (forced, or cuDNN missing: one log line). */
  static Dnn choose(CudaDevice device, CudaOptions o) {
    if (o.conv() == CudaOptions.Conv.KERNELS) return null;
    Dnn d = device.dnn();
    if (d.available()) return d;
    if (o.conv() == CudaOptions.Conv.CUDNN) {
      throw new CudaUnavailableException(device.mode.device, "duel.cuda.conv=cudnn, but " + d.reason()
          + ". Fix: " + CudaLibraries.CUDNN_FIX + "; or use duel.cuda.conv=auto", null);
    }
    CudaLog.once("conv", "libcudnn.so.9 not used (" + d.reason() + "): conv2d runs as im2col + GEMM and batch norm on"
        + " Duel's kernels");
    return null;
  }

  boolean available() {
    return reason == null;
  }

  /** Why cuDNN is not used, or null. */
  String reason() {
    return reason;
  }

  /** True once a call has succeeded (a later failure is then an error, not a reason to fall back). */
  boolean used() {
    return used;
  }

  void markUsed() {
    used = true;
  }

  /** Stops using cuDNN for the rest of the JVM: it failed on first use. */
  void disable(String why) {
    reason = why;
  }

  String describe() {
    return !available() ? "cuDNN not available: " + reason : cudnn != null ? cudnn.describe() + notes
        : "cuDNN (test double)";
  }

  synchronized void convForward(ConvShape s, long x, long w, long y, String op) {
    workspaceOp = op;
    device.ensureCurrent();
    conv.forward(s, x, w, y, provider);
    used = true;
  }

  synchronized void convBackwardData(ConvShape s, long gy, long w, long gx, String op) {
    workspaceOp = op;
    device.ensureCurrent();
    conv.backwardData(s, gy, w, gx, provider);
    used = true;
  }

  synchronized void convBackwardFilter(ConvShape s, long x, long gy, long gw, String op) {
    workspaceOp = op;
    device.ensureCurrent();
    conv.backwardFilter(s, x, gy, gw, provider);
    used = true;
  }

  /** Backend.batchNormForward: (n, c, hw) as cuDNN's N×C×HW×1 spatial batch norm. Needs n·hw ≥ 2. */
  synchronized void batchNormForward(int n, int c, int hw, float eps, long x, long gamma, long beta, long y, long mean,
                                     long invStd, long varUnbiased, String op) {
    workspaceOp = op;
    device.ensureCurrent();
    bn.forwardTrainingBatchStats(n, c, hw, 1, eps, x, gamma, beta, y, mean, invStd, varUnbiased, provider);
    used = true;
  }

  /** Backend.batchNormBackward from the forward's saved mean and invStd (eps is then unused by cuDNN). */
  synchronized void batchNormBackward(int n, int c, int hw, long x, long gy, long gamma, long mean, long invStd, long gx,
                                      long gGamma, long gBeta) {
    device.ensureCurrent();
    bn.backward(n, c, hw, 1, 1e-5, x, gy, gamma, mean, invStd, gx, gGamma, gBeta);
    used = true;
  }

  /** The algorithms chosen so far for a shape (one log line). */
  synchronized String describe(ConvShape s) {
    return conv == null ? "cuDNN not available" : conv.describe(s);
  }

  /** The grow-only workspace: the old block goes back to the cache when a larger one is needed. */
  private long workspace(long bytes) {
    if (bytes > workspace.bytes()) {
      CudaAllocator.Block bigger = device.allocator.allocate(bytes, workspaceOp + " (cuDNN workspace)");
      device.allocator.release(workspace);
      workspace = bigger;
    }
    return workspace.address();
  }
}
