package dev.duel.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.ConvShape;
import dev.duel.engine.cuda.cudnn.CudnnException;
import dev.duel.engine.cuda.cudnn.CudnnStatus;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The cuDNN fallback policy, with a cuDNN that fails on purpose: a failure on first use switches the
 * backend to Duel's kernels (and the result is still right); CUDNN_STATUS_NOT_SUPPORTED for one call
 * runs that call on the kernels; after cuDNN has worked, any other failure is an error naming the op.
 */
class CudnnFallbackTest {
  static final ConvShape S = new ConvShape(2, 3, 7, 6, 4, 3, 3, 2, 2, 1, 1);

  /** A cuDNN whose conv forward throws {@code status} (or succeeds, doing nothing, when status is 0). */
  static final class ScriptedDnn extends Dnn {
    int status;
    int calls;

    ScriptedDnn(CudaDevice device, int status) {
      super(device);
      this.status = status;
    }

    @Override
    synchronized void convForward(ConvShape s, long x, long w, long y, String op) {
      calls++;
      if (status != 0) throw new CudnnException("cudnnConvolutionForward", status, "scripted failure");
      markUsed();
    }
  }

  private static float[][] inputs() {
    SplittableRandom rng = new SplittableRandom(5);
    return new float[][] {Compare.uniform(rng, S.n() * S.c() * S.h() * S.w(), -1, 1),
        Compare.uniform(rng, S.k() * S.c() * S.r() * S.s(), -1, 1), new float[S.n() * S.k() * S.p() * S.q()]};
  }

  private static void sameAsCpu(Twin t) {
    float[] bound = new float[t.cpu[2].length];
    java.util.Arrays.fill(bound, S.c() * S.r() * S.s());
    Compare.summed("conv2d after the fallback", t.cpu[2], bound, t.gpu[2], Compare.GEMM);
  }

  @Test
  void aFailureOnFirstUseSwitchesToTheKernels() {
    CudaDevice device = TestCuda.kernels().device();
    ScriptedDnn dnn = new ScriptedDnn(device, CudnnStatus.EXECUTION_FAILED);
    CudaBackend be = new CudaBackend(device, CudaOptions.defaults(), null, dnn);
    assertEquals("cudnn", be.convPath());
    Twin t = Twin.run(be, inputs(), (b, buf) -> b.conv2d(S, buf[0], buf[1], buf[2]));
    sameAsCpu(t);
    assertEquals("kernels", be.convPath());
    assertTrue(dnn.reason().contains("failed on first use"), dnn.reason());
    Twin.run(be, inputs(), (b, buf) -> b.conv2d(S, buf[0], buf[1], buf[2]));
    assertEquals(1, dnn.calls, "cuDNN is not asked again");
  }

  @Test
  void afterCuDnnWorkedNotSupportedFallsBackPerCallAndOtherErrorsThrow() {
    CudaDevice device = TestCuda.kernels().device();
    ScriptedDnn dnn = new ScriptedDnn(device, 0);
    CudaBackend be = new CudaBackend(device, CudaOptions.defaults(), null, dnn);
    Twin.run(be, inputs(), (b, buf) -> b.conv2d(S, buf[0], buf[1], buf[2]));   // works: cuDNN is now "used"
    dnn.status = CudnnStatus.NOT_SUPPORTED;
    sameAsCpu(Twin.run(be, inputs(), (b, buf) -> b.conv2d(S, buf[0], buf[1], buf[2])));
    assertEquals("cudnn", be.convPath(), "one unsupported shape does not switch cuDNN off");
    dnn.status = CudnnStatus.EXECUTION_FAILED;
    CudaOpException e = assertThrows(CudaOpException.class,
        () -> Twin.run(be, inputs(), (b, buf) -> b.conv2d(S, buf[0], buf[1], buf[2])));
    assertTrue(e.getMessage().contains("conv2d") && e.getMessage().contains("n=2, c=3, h=7")
        && e.getMessage().contains("CUDNN_STATUS_EXECUTION_FAILED"), e.getMessage());
  }

  @Test
  void forcingCuDnnTurnsEveryFailureIntoAnError() {
    CudaDevice device = TestCuda.kernels().device();
    ScriptedDnn dnn = new ScriptedDnn(device, CudnnStatus.NOT_SUPPORTED);
    CudaBackend be = new CudaBackend(device, new CudaOptions(CudaOptions.Gemm.AUTO, CudaOptions.Conv.CUDNN, false),
        null, dnn);
    assertThrows(CudaOpException.class, () -> Twin.run(be, inputs(), (b, buf) -> b.conv2d(S, buf[0], buf[1], buf[2])));
    assertEquals("cudnn", be.convPath());
  }
}
