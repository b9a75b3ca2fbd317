package dev.duel.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Buffer;
import dev.duel.engine.Tensor;
import dev.duel.kernels.FakeCuda;
import org.junit.jupiter.api.Test;

/**
 * {@code allocateForOverwrite} (torch.empty) on the CUDA backend: no zero fill is issued for an op output
 * (counted at the stand-in driver), {@code allocate} still zero-fills, and with the test suite's NaN poison
 * an op output starts as NaN, so the op suite on cuda-emu would see any element an op forgot to write.
 */
class CudaAllocateForOverwriteTest {

  @Test
  void anOpOutputIsNotZeroFilledButAPlainAllocationIs() {
    TestCuda.assumeEmulated();
    CudaBackend be = TestCuda.kernels();
    FakeCuda fake = TestCuda.fake(be);
    boolean poison = CudaBackend.POISON;
    CudaBackend.POISON = false;
    try {
      long before = fake.memset32Calls();
      try (Buffer out = be.allocateForOverwrite(1000)) {
        assertEquals(before, fake.memset32Calls(), "allocateForOverwrite issued a cuMemsetD32");
      }
      long mid = fake.memset32Calls();
      try (Buffer zeros = be.allocate(1000)) {
        assertEquals(mid + 1, fake.memset32Calls(), "allocate must zero-fill once");
        for (float f : TestCuda.get(be, zeros)) assertEquals(0f, f);
      }
      // A whole op: x + y into a torch.empty-style output, one kernel and no fill.
      Tensor x = Tensor.of(be, new float[] {1, 2, 3}, 3), y = Tensor.of(be, new float[] {10, 20, 30}, 3);
      long beforeAdd = fake.memset32Calls();
      Tensor z = x.add(y);
      assertEquals(beforeAdd, fake.memset32Calls(), "add's output was zero-filled before being overwritten");
      assertEquals(33f, z.toArray()[2]);
    } finally {
      CudaBackend.POISON = poison;
    }
  }

  @Test
  void poisonedOutputsStartAsNaN() {
    CudaBackend be = TestCuda.kernels();
    boolean poison = CudaBackend.POISON;
    CudaBackend.POISON = true;
    try (Buffer out = be.allocateForOverwrite(777)) {
      for (float f : TestCuda.get(be, out)) assertTrue(Float.isNaN(f), "a poisoned output holds " + f);
    } finally {
      CudaBackend.POISON = poison;
    }
  }
}
