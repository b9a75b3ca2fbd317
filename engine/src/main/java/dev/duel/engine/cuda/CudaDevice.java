package dev.duel.engine.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;

import dev.duel.engine.cuda.cudnn.JCudaAddress;
import dev.duel.kernels.EmulationLibraries;
import dev.duel.kernels.KernelBinaries;
import java.nio.charset.StandardCharsets;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;

/**
 * One GPU through JCuda's driver API: device 0's primary context, Duel's fatbin as one module with a
 * CUfunction per {@link Kernel}, the caching allocator, and checked launches and copies. Everything is
 * queued on the legacy default stream, so work runs in the order it was issued and a download waits for
 * the work before it. Per JVM there is one instance of the real device or of the emulated one
 * ({@link DriverMode}); backends with different {@link CudaOptions} share it.
 *
 * <p>Threads: the context is made current on each thread on its first call; launches and copies may come
 * from any thread. Every call's status is checked; a failure is a {@link CudaOpException}.
 */
final class CudaDevice {
  private static final CUdeviceptr BASE = new CUdeviceptr();
  private static CudaDevice real, emulated;

  final DriverMode mode;
  final String name;
  final int capability;
  final int driverVersion;
  final long totalMemory;
  final EmulationLibraries emulation;   // cuda-emu's stand-in libraries; null on a real GPU
  final CudaAllocator allocator;
  private final CUcontext context = new CUcontext();
  private final CUfunction[] functions = new CUfunction[Kernel.values().length];
  private final ThreadLocal<Boolean> bound = ThreadLocal.withInitial(() -> Boolean.FALSE);
  private Blas blas;
  private Dnn dnn;

  /** The JVM's device for {@code mode}, started on first use. */
  static synchronized CudaDevice get(DriverMode mode) {
    if (mode == DriverMode.EMULATED) {
      if (emulated == null) {
        emulated = new CudaDevice(mode, Emulation.load());
      }
      return emulated;
    }
    if (real == null) {
      Cuda.Probe probe = Cuda.probe();
      if (!probe.available()) throw new CudaUnavailableException("cuda", probe.reason(), null);
      DriverMode.bind(DriverMode.REAL);
      real = new CudaDevice(mode, null);
    }
    return real;
  }

  private CudaDevice(DriverMode mode, EmulationLibraries emulation) {
    this.mode = mode;
    this.emulation = emulation;
    String op = "starting device '" + mode.device + "'";
    try {
      check(cuInit(0), "cuInit", op);
      int[] v = new int[1];
      check(cuDriverGetVersion(v), "cuDriverGetVersion", op);
      driverVersion = v[0];
      String old = Cuda.checkDriver(0, driverVersion);
      if (old != null) throw new CudaUnavailableException(mode.device, old, null);
      check(cuDeviceGetCount(v), "cuDeviceGetCount", op);
      if (v[0] == 0) throw new CudaUnavailableException(mode.device, "the driver sees no GPU", null);
      CUdevice device = new CUdevice();
      check(cuDeviceGet(device, 0), "cuDeviceGet", op);
      byte[] nameBytes = new byte[256];
      check(cuDeviceGetName(nameBytes, nameBytes.length, device), "cuDeviceGetName", op);
      int end = 0;
      while (end < nameBytes.length && nameBytes[end] != 0) end++;
      name = new String(nameBytes, 0, end, StandardCharsets.UTF_8);
      int[] major = new int[1], minor = new int[1];
      check(cuDeviceGetAttribute(major, 75, device), "cuDeviceGetAttribute", op);
      check(cuDeviceGetAttribute(minor, 76, device), "cuDeviceGetAttribute", op);
      capability = major[0] * 10 + minor[0];
      String tooOld = Cuda.checkCapability(name, capability);
      if (tooOld != null) throw new CudaUnavailableException(mode.device, tooOld, null);
      long[] mem = new long[1];
      check(cuDeviceTotalMem(mem, device), "cuDeviceTotalMem", op);
      totalMemory = mem[0];
      check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain", op);
      ensureCurrent();
      CUmodule module = new CUmodule();
      check(cuModuleLoadData(module, KernelBinaries.fatbin()), "cuModuleLoadData(duel.fatbin)", op);
      for (Kernel k : Kernel.values()) {
        CUfunction f = new CUfunction();
        check(cuModuleGetFunction(f, module, k.symbol), "cuModuleGetFunction(" + k.symbol + ")", op);
        functions[k.ordinal()] = f;
      }
    } catch (LinkageError e) {   // UnsatisfiedLinkError, or NoClassDefFoundError after an earlier failure
      throw new CudaUnavailableException(mode.device, "JCuda's native library did not link (" + e
          + "). Use --device cpu.", e);
    }
    allocator = new CudaAllocator(new DriverMemory());
  }

  // ---- context, launches, synchronisation ------------------------------------------------------

  /** Makes the device's context current on the calling thread (once per thread). */
  void ensureCurrent() {
    if (!bound.get()) {
      check(cuCtxSetCurrent(context), "cuCtxSetCurrent", "");
      bound.set(Boolean.TRUE);
    }
  }

  /** Launches over {@code work} items with the kernel's {@link Kernel.Shape}. */
  void launch(KernelArgs args, long work) {
    int grid = args.kernel.grid(work);
    launch(args, grid, 1, 1, Kernel.BLOCK, 1, 1);
  }

  void launch(KernelArgs args, int gx, int gy, int gz, int bx, int by, int bz) {
    ensureCurrent();
    int r = cuLaunchKernel(functions[args.kernel.ordinal()], gx, gy, gz, bx, by, bz, 0, null, args.params(), null);
    if (r != CUresult.CUDA_SUCCESS) {
      throw failure(r, "cuLaunchKernel " + args.kernel.symbol + " grid (" + gx + "," + gy + "," + gz + ") block ("
          + bx + "," + by + "," + bz + ")", "");
    }
  }

  /** Waits for all queued work; a failure of that work surfaces here. */
  void synchronize(String op) {
    ensureCurrent();
    check(cuCtxSynchronize(), "cuCtxSynchronize (waiting for the queued work)", op);
  }

  // ---- copies and fills ------------------------------------------------------------------------

  void upload(float[] src, int srcOff, long dst, int n, String op) {
    if (n == 0) return;
    ensureCurrent();
    check(cuMemcpyHtoD(pointer(dst), Pointer.to(src).withByteOffset(4L * srcOff), 4L * n), "cuMemcpyHtoD", op);
  }

  void upload(int[] src, long dst, String op) {
    if (src.length == 0) return;
    ensureCurrent();
    check(cuMemcpyHtoD(pointer(dst), Pointer.to(src), 4L * src.length), "cuMemcpyHtoD", op);
  }

  void download(long src, float[] dst, int dstOff, int n, String op) {
    if (n == 0) return;
    ensureCurrent();
    check(cuMemcpyDtoH(Pointer.to(dst).withByteOffset(4L * dstOff), pointer(src), 4L * n), "cuMemcpyDtoH", op);
  }

  void copy(long src, long dst, long bytes, String op) {
    if (bytes == 0) return;
    ensureCurrent();
    check(cuMemcpyDtoD(pointer(dst), pointer(src), bytes), "cuMemcpyDtoD", op);
  }

  /** n 32-bit words at dst set to {@code bits} (a float's raw bits). */
  void fill32(long dst, int bits, long n, String op) {
    if (n == 0) return;
    ensureCurrent();
    check(cuMemsetD32Async(pointer(dst), bits, n, null), "cuMemsetD32Async", op);
  }

  // ---- libraries -------------------------------------------------------------------------------

  /** cuBLAS, loaded on first request (not when every backend uses Duel's SGEMM). */
  synchronized Blas blas() {
    if (blas == null) {
      ensureCurrent();
      blas = Blas.load(mode);
    }
    return blas;
  }

  /** cuDNN, loaded on first request: cuda-emu's stand-in, or what {@link CudaLibraries} finds. */
  synchronized Dnn dnn() {
    if (dnn == null) {
      ensureCurrent();
      dnn = mode == DriverMode.EMULATED ? Dnn.load(this, Emulation.cudnnPath())
          : Dnn.load(this, CudaLibraries.system(), CudaLibraries.cudnn(CudaLibraries.system(), false));
    }
    return dnn;
  }

  /** One line: the device, the driver, and the libraries loaded so far. */
  String describe() {
    return mode.device + ": " + name + " (compute capability " + capability / 10 + "." + capability % 10 + ", "
        + totalMemory / (1 << 20) + " MiB), driver " + Cuda.versionString(driverVersion);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** A JCuda device pointer to a raw address. */
  static CUdeviceptr pointer(long address) {
    return BASE.withByteOffset(address);
  }

  void check(int result, String call, String op) {
    if (result != CUresult.CUDA_SUCCESS) throw failure(result, call, op);
  }

  CudaOpException failure(int result, String call, String op) {
    String error = CudaErrors.name(result);
    if (emulation != null) {
      String detail = emulation.lastError();
      if (!detail.isEmpty()) error += " (" + detail + ")";
    }
    return new CudaOpException(op, call, error, CudaErrors.hint(result), null);
  }

  /** cuMemAlloc / cuMemFree / cuMemGetInfo for the allocator. */
  private final class DriverMemory implements CudaAllocator.DeviceMemory {
    @Override
    public long allocate(long bytes) {
      ensureCurrent();
      CUdeviceptr p = new CUdeviceptr();
      int r = cuMemAlloc(p, bytes);
      if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
        String detail = emulation != null ? emulation.lastError() : "";
        throw new CudaAllocator.OutOfDeviceMemory(CudaErrors.name(r) + (detail.isEmpty() ? "" : " (" + detail + ")"));
      }
      check(r, "cuMemAlloc of " + CudaAllocator.human(bytes), "");
      return JCudaAddress.of(p);
    }

    @Override
    public void sync() {
      synchronize("returning cached memory to the driver");
    }

    @Override
    public void free(long address) {
      ensureCurrent();
      check(cuMemFree(pointer(address)), "cuMemFree", "returning cached memory to the driver");
    }

    @Override
    public long[] info() {
      ensureCurrent();
      long[] free = new long[1], total = new long[1];
      return cuMemGetInfo(free, total) == CUresult.CUDA_SUCCESS ? new long[] {free[0], total[0]} : null;
    }
  }
}
