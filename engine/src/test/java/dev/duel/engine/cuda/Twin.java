package dev.duel.engine.cuda;

import dev.duel.engine.Backend;
import dev.duel.engine.Buffer;
import dev.duel.engine.Devices;

/**
 * Runs one Backend op on the CPU backend and on a CUDA backend over buffers made from the same arrays,
 * and hands back every buffer's contents afterwards: {@code cpu[i]} and {@code gpu[i]} for argument i.
 */
final class Twin {
  interface Op {
    void run(Backend be, Buffer[] b);
  }

  final float[][] cpu;
  final float[][] gpu;

  private Twin(float[][] cpu, float[][] gpu) {
    this.cpu = cpu;
    this.gpu = gpu;
  }

  static Twin run(Backend cuda, float[][] inputs, Op op) {
    return new Twin(on(Devices.cpu(), inputs, op), on(cuda, inputs, op));
  }

  private static float[][] on(Backend be, float[][] inputs, Op op) {
    Buffer[] b = new Buffer[inputs.length];
    try {
      for (int i = 0; i < inputs.length; i++) b[i] = TestCuda.of(be, inputs[i]);
      op.run(be, b);
      float[][] out = new float[inputs.length][];
      for (int i = 0; i < inputs.length; i++) out[i] = TestCuda.get(be, b[i]);
      return out;
    } finally {
      for (Buffer x : b) if (x != null) x.close();
    }
  }
}
