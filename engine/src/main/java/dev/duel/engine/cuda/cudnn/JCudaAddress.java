package dev.duel.engine.cuda.cudnn;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The raw address behind a JCuda object ({@code CUdeviceptr}, {@code CUstream}, any
 * {@code jcuda.NativePointerObject}), for passing it to {@link Cudnn}'s {@code long} parameters.
 *
 * <p>JCuda 12.6.0 keeps {@code getNativePointer()} and {@code Pointer.getByteOffset()} protected, so
 * this reads them reflectively (JCuda is not a named module: deep reflection is allowed on the class
 * path and for automatic modules). A device pointer's address is nativePointer + byteOffset, exactly
 * what JCuda itself hands to native code for {@code ptr.withByteOffset(n)}. Resolved once per class
 * loader; no compile-time dependency on JCuda.
 */
public final class JCudaAddress {
  private JCudaAddress() {}

  private record Accessors(Class<?> nativePointerObject, MethodHandle nativePointer, Class<?> pointer,
                           MethodHandle byteOffset) {}

  private static final ClassValue<Accessors> BY_CLASS = new ClassValue<>() {
    @Override
    protected Accessors computeValue(Class<?> type) {
      ClassLoader loader = type.getClassLoader();
      try {
        Class<?> npo = Class.forName("jcuda.NativePointerObject", false, loader);
        Class<?> ptr = Class.forName("jcuda.Pointer", false, loader);
        MethodHandle native_ = MethodHandles.privateLookupIn(npo, MethodHandles.lookup())
            .findVirtual(npo, "getNativePointer", MethodType.methodType(long.class));
        MethodHandle offset = MethodHandles.privateLookupIn(ptr, MethodHandles.lookup())
            .findVirtual(ptr, "getByteOffset", MethodType.methodType(long.class));
        return new Accessors(npo, native_, ptr, offset);
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalArgumentException("JCudaAddress: " + type.getName() + " is not a JCuda NativePointerObject"
            + " that this JCuda version lets Duel read (" + e + ")", e);
      }
    }
  };

  /** nativePointer (+ byteOffset for a jcuda.Pointer such as CUdeviceptr); 0 for a null CUstream. */
  public static long of(Object jcudaObject) {
    if (jcudaObject == null) return 0;
    Accessors a = BY_CLASS.get(jcudaObject.getClass());
    if (!a.nativePointerObject.isInstance(jcudaObject)) {
      throw new IllegalArgumentException("JCudaAddress: " + jcudaObject.getClass().getName()
          + " is not a jcuda.NativePointerObject");
    }
    try {
      long address = (long) a.nativePointer.invoke(jcudaObject);
      if (a.pointer.isInstance(jcudaObject)) address += (long) a.byteOffset.invoke(jcudaObject);
      return address;
    } catch (Throwable t) {
      throw Cudnn.rethrow(t);
    }
  }
}
