package dev.duel.engine.cuda.cudnn;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * "Device" memory for the stand-in cuDNN: plain native memory, since in emulation device pointers are
 * host pointers. 256-byte aligned like cudaMalloc. Freed all at once by {@link #close()}.
 */
final class HostDeviceMemory implements AutoCloseable {
  private final Arena arena = Arena.ofConfined();

  long upload(float[] data) {
    MemorySegment s = arena.allocate((long) Math.max(1, data.length) * Float.BYTES, 256);
    MemorySegment.copy(data, 0, s, JAVA_FLOAT, 0, data.length);
    return s.address();
  }

  long filled(int n, float value) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, value);
    return upload(a);
  }

  long bytes(long n) {
    return arena.allocate(Math.max(1, n), 256).address();
  }

  static float[] download(long address, int n) {
    return MemorySegment.ofAddress(address).reinterpret((long) n * Float.BYTES).toArray(JAVA_FLOAT);
  }

  /** A workspace provider that records every request and checks a canary past the end of each block. */
  final class Workspace implements WorkspaceProvider {
    static final int CANARY = 64;
    final List<Long> requests = new ArrayList<>();
    private final List<MemorySegment> blocks = new ArrayList<>();

    @Override
    public long address(long bytes) {
      if (bytes <= 0) throw new AssertionError("workspace requested with " + bytes + " bytes");
      requests.add(bytes);
      MemorySegment s = arena.allocate(bytes + CANARY, 256);
      s.asSlice(bytes, CANARY).fill((byte) 0x5A);
      blocks.add(s);
      return s.address();
    }

    /** Throws when any algorithm wrote past the workspace it was given. */
    void assertCanariesIntact() {
      for (MemorySegment s : blocks) {
        MemorySegment canary = s.asSlice(s.byteSize() - CANARY);
        for (long i = 0; i < CANARY; i++) {
          if (canary.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i) != 0x5A) {
            throw new AssertionError("workspace overrun: a " + (s.byteSize() - CANARY)
                + "-byte block was written past its end");
          }
        }
      }
    }
  }

  Workspace workspace() {
    return new Workspace();
  }

  @Override
  public void close() {
    arena.close();
  }
}
