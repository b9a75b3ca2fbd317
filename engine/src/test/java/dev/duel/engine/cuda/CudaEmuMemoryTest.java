package dev.duel.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Autograd;
import dev.duel.engine.Buffer;
import dev.duel.engine.FusedUpdates;
import dev.duel.engine.Generator;
import dev.duel.engine.Losses;
import dev.duel.engine.MemoryScope;
import dev.duel.engine.Tensor;
import dev.duel.kernels.FakeCuda;
import org.junit.jupiter.api.Test;

/**
 * The caching allocator on cuda-emu (the flat-memory test also on a GPU): a training loop's device memory is flat after its first steps, and
 * a forced cuMemAlloc failure (the stand-in driver's knob) is a clear exception after which the
 * allocator goes on working.
 */
class CudaEmuMemoryTest {

  @Test
  void thousandAdamStepsOfATwoLayerMlpAllocateNoNewDeviceMemory() {
    CudaBackend be = TestCuda.library();
    FakeCuda fake = TestCuda.fake(be);   // null on a real GPU: the allocator's own counters still apply
    Generator rng = new Generator(7);
    // x: 32×13, y = x·w1 (13×24) -> relu -> ·w2 (24×1) + b2; mse against a fixed target
    Tensor x = rng.normal(be, 0f, 1f, 32, 13), target = rng.normal(be, 0f, 1f, 32, 1);
    Tensor[] params = {rng.normal(be, 0f, 0.3f, 13, 24).requiresGrad(true), Tensor.zeros(be, 24).requiresGrad(true),
        rng.normal(be, 0f, 0.3f, 24, 1).requiresGrad(true), Tensor.zeros(be, 1).requiresGrad(true)};
    Tensor[] m = new Tensor[params.length], v = new Tensor[params.length];
    for (int i = 0; i < params.length; i++) {
      m[i] = Tensor.zeros(be, params[i].shape());
      v[i] = Tensor.zeros(be, params[i].shape());
    }
    float first = Float.NaN, last = Float.NaN;
    long warmAllocations = 0, warmDriverCalls = 0, warmDriverBytes = 0, warmInUse = 0;
    for (int step = 1; step <= 1000; step++) {
      try (MemoryScope scope = MemoryScope.open()) {
        Tensor h = x.matmul(params[0]).add(params[1]).relu();
        Tensor loss = Losses.mse(h.matmul(params[2]).add(params[3]), target);
        Tensor[] grads = Autograd.grad(loss, params, false);
        for (int i = 0; i < params.length; i++) {
          FusedUpdates.adam(params[i], grads[i], m[i], v[i], 1e-2f, 0.9f, 0.999f, 1e-8f, 0f, step);
        }
        if (step == 1) first = loss.item();
        if (step == 1000) last = loss.item();
      }
      if (step == 5) {
        System.gc();
        CudaAllocator.Stats s = be.allocator().stats();
        warmAllocations = s.deviceAllocations();
        warmInUse = s.bytesInUse();
        warmDriverCalls = fake == null ? 0 : fake.allocationCalls();
        warmDriverBytes = fake == null ? 0 : fake.bytesInUse();
      }
    }
    CudaAllocator.Stats s = be.allocator().stats();
    assertEquals(warmAllocations, s.deviceAllocations(), "cuMemAlloc after warm-up: " + s.describe());
    if (fake != null) {
      assertEquals(warmDriverCalls, fake.allocationCalls(), "the stand-in driver saw new allocations");
      assertEquals(warmDriverBytes, fake.bytesInUse(), "device memory held by the driver changed");
    }
    assertTrue(s.bytesInUse() <= warmInUse, "bytes in use grew from " + warmInUse + " to " + s.bytesInUse());
    assertTrue(last < first * 0.5f, "the MLP did not learn: loss " + first + " -> " + last);
  }

  @Test
  void aForcedAllocationFailureIsAClearExceptionAndTheAllocatorStaysUsable() {
    TestCuda.assumeEmulated();
    CudaBackend be = TestCuda.library();
    FakeCuda fake = TestCuda.fake(be);
    CudaAllocator alloc = be.allocator();
    alloc.emptyCache();                         // nothing cached: the failure cannot be retried away
    fake.failNextAllocations(1);
    long floats = (3L << 20) / 4 + 123;         // a size class no other test uses
    CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> be.allocate(floats));
    String msg = e.getMessage();
    assertTrue(msg.contains("allocate(" + floats + " floats)"), msg);
    assertTrue(msg.contains("CUDA_ERROR_OUT_OF_MEMORY"), msg);
    assertTrue(msg.contains("in use"), msg);
    assertTrue(msg.contains("smaller batch"), msg);
    assertEquals(e.bytes(), CudaAllocator.sizeClass(4 * floats));
    try (Buffer ok = be.allocate(floats)) {   // the next allocation works
      be.fill(ok, 0, floats, 1.5f);
      float[] one = new float[1];
      be.download(ok, floats - 1, one, 0, 1);
      assertEquals(1.5f, one[0]);
    }
    // with something cached, one refusal is absorbed: the cache goes back to the driver and the retry succeeds
    long flushes = alloc.stats().cacheFlushes();
    fake.failNextAllocations(1);
    try (Buffer other = be.allocate(floats * 2)) {
      assertEquals(floats * 2, other.size());
    }
    assertEquals(flushes + 1, alloc.stats().cacheFlushes());
  }
}
