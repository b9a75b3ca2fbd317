package dev.duel.engine.cuda;

import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * The {@code kernelParams} of one launch, built in the kernel's argument order and checked against its
 * signature ({@link Kernel#signature}): each value is passed as a pointer to its bytes, as
 * {@code cuLaunchKernel} wants (a by-value struct as a pointer to its 200 bytes).
 */
final class KernelArgs {
  private static final CUdeviceptr NULL = new CUdeviceptr();

  final Kernel kernel;
  private final NativePointerObject[] values;
  private int next;

  KernelArgs(Kernel kernel) {
    this.kernel = kernel;
    this.values = new NativePointerObject[kernel.signature.length()];
  }

  /** int */
  KernelArgs i(int v) {
    return put('i', Pointer.to(new int[] {v}));
  }

  /** long long / unsigned long long */
  KernelArgs l(long v) {
    return put('l', Pointer.to(new long[] {v}));
  }

  /** float */
  KernelArgs f(float v) {
    return put('f', Pointer.to(new float[] {v}));
  }

  /** a device address (0: a null pointer) */
  KernelArgs p(long address) {
    return put('p', Pointer.to(address == 0 ? NULL : CudaDevice.pointer(address)));
  }

  /** duel_strided_t by value: its 200 little-endian bytes */
  KernelArgs s(byte[] strided) {
    if (strided.length != 200) throw new IllegalArgumentException(kernel.symbol + ": duel_strided_t is 200 bytes, got " + strided.length);
    return put('s', Pointer.to(strided));
  }

  private KernelArgs put(char type, Pointer value) {
    if (next >= values.length || kernel.signature.charAt(next) != type) {
      throw new IllegalStateException(kernel.symbol + ": argument " + next + " passed as '" + type + "', but the"
          + " signature is '" + kernel.signature + "' (i int, l long long, f float, p pointer, s duel_strided_t)");
    }
    values[next++] = value;
    return this;
  }

  /** The kernelParams array; every argument must have been given. */
  Pointer params() {
    if (next != values.length) {
      throw new IllegalStateException(kernel.symbol + ": " + next + " of " + values.length + " arguments given ('"
          + kernel.signature + "')");
    }
    return Pointer.to(values);
  }
}
