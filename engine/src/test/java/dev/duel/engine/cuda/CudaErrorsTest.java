package dev.duel.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Buffer;
import dev.duel.engine.UnaryOp;
import org.junit.jupiter.api.Test;

/** CUDA failures become exceptions that name the op, its shapes, the call and the CUDA error. */
class CudaErrorsTest {

  @Test
  void aFailedLaunchNamesKernelGridAndCudaError() {
    CudaBackend be = TestCuda.kernels();
    try (Buffer x = be.allocate(4)) {
      KernelArgs args = new KernelArgs(Kernel.UNARY_FWD).i(UnaryOp.NEG.ordinal()).f(0f).p(((CudaBuffer) x).address(0))
          .p(((CudaBuffer) x).address(0)).l(4);
      // 2048 threads per block is more than any GPU allows: the driver refuses the launch
      CudaOpException e = assertThrows(CudaOpException.class, () -> be.device().launch(args, 1, 1, 1, 2048, 1, 1));
      assertTrue(e.getMessage().contains("duel_unary_fwd_f32"), e.getMessage());
      assertTrue(e.getMessage().contains("block (2048,1,1)"), e.getMessage());
      assertEquals("cuLaunchKernel duel_unary_fwd_f32 grid (1,1,1) block (2048,1,1)", e.call());
      assertTrue(e.error().startsWith("CUDA_ERROR_INVALID_VALUE"), e.error());
      CudaOpException blamed = e.blame("unary(NEG, n=4)");
      assertTrue(blamed.getMessage().startsWith("cuda: unary(NEG, n=4): cuLaunchKernel"), blamed.getMessage());
      be.unary(UnaryOp.NEG, 0f, x, 0, x, 4);   // the device is still fine
      be.synchronize();
    }
  }

  @Test
  void argumentsOfTheWrongTypeNeverReachTheKernel() {
    // duel_unary_fwd_f32 takes (int, float, ptr, ptr, long long): an int for n would leave 4 bytes undefined
    KernelArgs args = new KernelArgs(Kernel.UNARY_FWD).i(0).f(0f).p(0).p(0);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> args.i(4));
    assertTrue(e.getMessage().contains("ifppl"), e.getMessage());
    IllegalStateException missing = assertThrows(IllegalStateException.class, args::params);
    assertTrue(missing.getMessage().contains("4 of 5"), missing.getMessage());
  }

  @Test
  void synchronisingAfterEachOpStillComputesTheSame() {
    TestCuda.kernels();   // skips when no CUDA device can start
    CudaBackend sync = CudaBackends.get(TestCuda.deviceName(), CudaOptions.kernelsOnly().withSync(true));
    assertTrue(sync.options().syncEachOp());
    float[] x = {-2f, -0.5f, 0.5f, 3f};
    try (Buffer b = TestCuda.of(sync, x)) {
      sync.unary(UnaryOp.LEAKY_RELU, 0.1f, b, 0, b, 4);
      float[] got = TestCuda.get(sync, b);
      assertEquals(-0.2f, got[0], 1e-7f);
      assertEquals(3f, got[3]);
    }
  }

  @Test
  void aBufferIsUnusableAfterCloseAndCloseIsIdempotent() {
    CudaBackend be = TestCuda.kernels();
    Buffer b = be.allocate(10);
    b.close();
    b.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> be.fill(b, 0, 10, 1f));
    assertTrue(e.getMessage().contains("after close"), e.getMessage());
  }

  @Test
  void settingsAreParsedWithAClearErrorForBadValues() {
    String old = System.getProperty(CudaSettings.GEMM);
    try {
      System.setProperty(CudaSettings.GEMM, "Kernels");
      assertEquals(CudaOptions.Gemm.KERNELS, CudaOptions.fromSettings().gemm());
      System.setProperty(CudaSettings.GEMM, "fast");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, CudaOptions::fromSettings);
      assertTrue(e.getMessage().contains("auto, cublas, kernels"), e.getMessage());
    } finally {
      if (old == null) System.clearProperty(CudaSettings.GEMM);
      else System.setProperty(CudaSettings.GEMM, old);
    }
  }

  @Test
  void describeNamesTheDeviceAndWhatRunsMatmulAndConvolution() {
    String lib = TestCuda.library().describe(), own = TestCuda.kernels().describe();
    String device = TestCuda.deviceName();
    assertTrue(lib.startsWith(device + ": ") && lib.contains("matmul: ") && lib.contains("conv/batchnorm: "), lib);
    assertTrue(own.contains("Duel's SGEMM kernel") && own.contains("conv/batchnorm: Duel's kernels"), own);
    java.util.List<String> info = CudaBackends.info();
    // cuda, cuda-emu, then (in a JVM that runs cuda) the cuBLAS and cuDNN lines of CudaLibrariesTest
    assertEquals(device.equals("cuda-emu") ? 2 : 4, info.stream().filter(l -> !l.startsWith("    fix: ")).count(),
        info.toString());
    assertTrue(info.get(0).startsWith("cuda: "), info.get(0));
    assertTrue(info.get(1).startsWith("cuda-emu: "), info.get(1));
    if (device.equals("cuda-emu")) {
      assertTrue(lib.contains("cuBLAS"), lib);
      assertTrue(own.contains("(forced)"), own);
      assertTrue(info.get(0).startsWith("cuda: not available: this JVM runs the emulated GPU"), info.get(0));
    }
  }
}
