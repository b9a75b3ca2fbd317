package dev.duel.gan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duel.engine.Generator;
import dev.duel.engine.cuda.CudaBackend;
import dev.duel.engine.cuda.CudaBackends;
import dev.duel.engine.cuda.CudaOptions;
import dev.duel.engine.cuda.CudaUnavailableException;
import dev.duel.gan.models.Dcgan28;
import dev.duel.nn.Init;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Device memory is returned when the code is done with it, not when a garbage collection happens to
 * find it: DCGAN's init draws a temporary per parameter and must close each one (the soak of
 * docs/reliability.md found 14–18 such buffers per trainer left to the GC).
 */
class CudaEmuLeakTest {
  @Test
  void dcganInitClosesItsTemporaries() {
    CudaBackend emu;
    try {
      emu = (CudaBackend) CudaBackends.get("cuda-emu", CudaOptions.defaults());
    } catch (CudaUnavailableException e) {
      Assumptions.abort("cuda-emu SKIPPED: " + e.getMessage());
      return;
    }
    Generator rng = new Generator(7);
    Dcgan28.G g = new Dcgan28.G(emu, rng, 16, 8);
    Dcgan28.D d = new Dcgan28.D(emu, rng, 8, false);
    long before = emu.allocator().stats().blocksInUse();
    Init.dcgan(g, rng);
    Init.dcgan(d, rng);
    assertEquals(before, emu.allocator().stats().blocksInUse(), "blocks left in use by Init.dcgan: " + emu.allocator().stats());
  }
}
