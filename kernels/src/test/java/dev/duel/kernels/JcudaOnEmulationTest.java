package dev.duel.kernels;

import static jcuda.driver.JCudaDriver.cuCtxCreate;
import static jcuda.driver.JCudaDriver.cuCtxDestroy;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The unchanged JCuda 12.6 / JCublas 12.6 code path on the emulated CUDA libraries: Duel's fatbin loads
 * through the stand-in libcuda.so.1, kernels launch with JCuda's argument passing (the by-value struct
 * included) and agree with Java references; JCublas2's SGEMM runs on the stand-in libcublas.so.12.
 */
class JcudaOnEmulationTest {
  private static FakeCuda control;
  private static CUcontext context;
  private static CUmodule module;

  @BeforeAll
  static void setUp() {
    NativeBuild.requireNative();
    EmulationLibraries emu = KernelBinaries.emulation();
    control = emu.control();  // loads libcuda.so.1 and libcublas.so.12 before JCuda's natives
    JCudaDriver.setExceptionsEnabled(true);
    JCublas2.setExceptionsEnabled(true);
    cuInit(0);
    CUdevice device = new CUdevice();
    cuDeviceGet(device, 0);
    context = new CUcontext();
    cuCtxCreate(context, 0, device);
    module = new CUmodule();
    cuModuleLoadData(module, KernelBinaries.fatbin());
  }

  @AfterAll
  static void tearDown() {
    if (module != null) cuModuleUnload(module);
    if (context != null) cuCtxDestroy(context);
  }

  private static CUfunction kernel(String name) {
    CUfunction f = new CUfunction();
    cuModuleGetFunction(f, module, name);
    return f;
  }

  private static CUdeviceptr upload(float[] host) {
    CUdeviceptr d = new CUdeviceptr();
    cuMemAlloc(d, (long) host.length * Sizeof.FLOAT);
    cuMemcpyHtoD(d, Pointer.to(host), (long) host.length * Sizeof.FLOAT);
    return d;
  }

  private static float[] download(CUdeviceptr d, int n) {
    float[] host = new float[n];
    cuMemcpyDtoH(Pointer.to(host), d, (long) n * Sizeof.FLOAT);
    return host;
  }

  private static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = r.nextFloat() * 2 - 1;
    return v;
  }

  @Test
  void broadcastAddPassesTheStridedStructByValue() {
    int rows = 33, cols = 31;
    float[] a = random(rows * cols, 1), b = random(cols, 2);
    CUdeviceptr da = upload(a), db = upload(b), dout = new CUdeviceptr();
    cuMemAlloc(dout, (long) rows * cols * Sizeof.FLOAT);
    byte[] strided = KernelOps.encodeStrided(new int[] {rows, cols}, new long[] {cols, 1}, new long[] {0, 1});
    Pointer params = Pointer.to(
        Pointer.to(new int[] {KernelOps.BINARY_ADD}),  // int op
        Pointer.to(da),                                // const float* a
        Pointer.to(db),                                // const float* b
        Pointer.to(dout),                              // float* out
        Pointer.to(strided));                          // duel_strided_t s (200 bytes, by value)
    cuLaunchKernel(kernel("duel_binary_strided_fwd_f32"), (rows * cols + 255) / 256, 1, 1, 256, 1, 1, 0, null, params, null);
    cuCtxSynchronize();
    float[] out = download(dout, rows * cols);
    for (int i = 0; i < rows * cols; i++) assertEquals(a[i] + b[i % cols], out[i], 0f, "element " + i);
    cuMemFree(da);
    cuMemFree(db);
    cuMemFree(dout);
  }

  @Test
  void sgemmKernelMatchesAJavaReference() {
    int m = 37, n = 29, k = 41;  // C = A·Bᵀ, row-major, B stored n×k
    float[] a = random(m * k, 3), b = random(n * k, 4);
    CUdeviceptr da = upload(a), db = upload(b), dc = new CUdeviceptr();
    cuMemAlloc(dc, (long) m * n * Sizeof.FLOAT);
    Pointer params = Pointer.to(
        Pointer.to(new int[] {0}), Pointer.to(new int[] {1}),                  // transA, transB
        Pointer.to(new int[] {m}), Pointer.to(new int[] {n}), Pointer.to(new int[] {k}),
        Pointer.to(new float[] {1f}),                                          // alpha
        Pointer.to(da), Pointer.to(new int[] {k}), Pointer.to(new long[] {0}), // A, lda, strideA
        Pointer.to(db), Pointer.to(new int[] {k}), Pointer.to(new long[] {0}), // B, ldb, strideB
        Pointer.to(new float[] {0f}),                                          // beta
        Pointer.to(dc), Pointer.to(new int[] {n}), Pointer.to(new long[] {0}), // C, ldc, strideC
        Pointer.to(new int[] {1}));                                            // batch
    cuLaunchKernel(kernel("duel_sgemm_f32"), (n + 63) / 64, (m + 63) / 64, 1, 16, 16, 1, 0, null, params, null);
    float[] c = download(dc, m * n);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) s += (double) a[i * k + p] * b[j * k + p];
        assertEquals(s, c[i * n + j], 1e-5, "C[" + i + "][" + j + "]");
      }
    }
    cuMemFree(da);
    cuMemFree(db);
    cuMemFree(dc);
  }

  @Test
  void philoxFillGivesTheJavaReferenceBits() {
    // Philox.fill(UNIFORM, seed 42, offset 7, a = -1.5, b = 2.25) for 11 elements, printed by the engine's reference
    int[] want = {0xbe1fe550, 0x3cf86380, 0xbf94a33f, 0xbf51ed09, 0x3f0e16b4, 0xbf7f0337, 0x3ff2d97c, 0x3ebe3c64, 0xbf004f2a,
        0xbc64ad80, 0x3f98e8e0};
    CUdeviceptr d = new CUdeviceptr();
    cuMemAlloc(d, 11 * Sizeof.FLOAT);
    Pointer params = Pointer.to(Pointer.to(new int[] {KernelOps.DIST_UNIFORM}), Pointer.to(new long[] {42}),
        Pointer.to(new long[] {7}), Pointer.to(new float[] {-1.5f}), Pointer.to(new float[] {2.25f}), Pointer.to(d),
        Pointer.to(new long[] {11}));
    cuLaunchKernel(kernel("duel_random_f32"), 1, 1, 1, 256, 1, 1, 0, null, params, null);
    float[] got = download(d, 11);
    int[] bits = new int[11];
    for (int i = 0; i < 11; i++) bits[i] = Float.floatToRawIntBits(got[i]);
    assertArrayEquals(want, bits);
    cuMemFree(d);
  }

  @Test
  void allocationFailureIsReportedAsOutOfMemory() {
    control.failNextAllocations(1);
    CUdeviceptr d = new CUdeviceptr();
    CudaException e = assertThrows(CudaException.class, () -> cuMemAlloc(d, 1024));
    assertTrue(e.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY"), e.getMessage());
    long before = control.bytesInUse();
    cuMemAlloc(d, 1024);  // the next one succeeds
    assertEquals(before + 1024, control.bytesInUse());
    cuMemFree(d);
    assertEquals(before, control.bytesInUse());
  }

  @Test
  void copyPastTheEndOfABufferIsRefused() {
    CUdeviceptr d = new CUdeviceptr();
    cuMemAlloc(d, 16 * Sizeof.FLOAT);
    CudaException e = assertThrows(CudaException.class, () -> cuMemcpyHtoD(d, Pointer.to(new float[17]), 17 * Sizeof.FLOAT));
    assertTrue(e.getMessage().contains("CUDA_ERROR_INVALID_VALUE"), e.getMessage());
    assertTrue(control.lastError().contains("past the end"), control.lastError());
    cuMemFree(d);
  }

  @Test
  void jcublasSgemmIsColumnMajor() {
    // Row-major C (m×n) = A (m×k) · B (k×n) is column-major Cᵀ = Bᵀ·Aᵀ: cublasSgemm(N, N, n, m, k, B, A)
    int m = 19, n = 23, k = 17;
    float[] a = random(m * k, 5), b = random(k * n, 6);
    CUdeviceptr da = upload(a), db = upload(b), dc = new CUdeviceptr();
    cuMemAlloc(dc, (long) m * n * Sizeof.FLOAT);
    cublasHandle handle = new cublasHandle();
    JCublas2.cublasCreate(handle);
    JCublas2.cublasSgemm(handle, cublasOperation.CUBLAS_OP_N, cublasOperation.CUBLAS_OP_N, n, m, k,
        Pointer.to(new float[] {1f}), db, n, da, k, Pointer.to(new float[] {0f}), dc, n);
    float[] c = download(dc, m * n);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) s += (double) a[i * k + p] * b[p * n + j];
        assertEquals(s, c[i * n + j], 1e-5, "C[" + i + "][" + j + "]");
      }
    }
    // strided batched with a transpose: C_z = A_zᵀ·B (column-major, A_z stored k×m), two items
    float[] a2 = random(2 * k * m, 7);
    CUdeviceptr da2 = upload(a2), dc2 = new CUdeviceptr();
    cuMemAlloc(dc2, 2L * m * n * Sizeof.FLOAT);
    JCublas2.cublasSgemmStridedBatched(handle, cublasOperation.CUBLAS_OP_T, cublasOperation.CUBLAS_OP_N, m, n, k,
        Pointer.to(new float[] {2f}), da2, k, (long) k * m, db, k, 0, Pointer.to(new float[] {0f}), dc2, m, (long) m * n, 2);
    float[] c2 = download(dc2, 2 * m * n);
    for (int z = 0; z < 2; z++) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double s = 0;  // column-major: A_z(p, i) = a2[z·k·m + p + i·k], B(p, j) = b[p + j·k]
          for (int p = 0; p < k; p++) s += (double) a2[z * k * m + p + i * k] * b[p + j * k];
          assertEquals(2 * s, c2[z * m * n + i + j * m], 1e-5, "C_" + z + "(" + i + "," + j + ")");
        }
      }
    }
    JCublas2.cublasDestroy(handle);
    cuMemFree(da);
    cuMemFree(db);
    cuMemFree(dc);
    cuMemFree(da2);
    cuMemFree(dc2);
  }
}
