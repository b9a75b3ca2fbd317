package dev.duel.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duel.engine.Buffer;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** allocate, upload, download, fill and copyStrided on cuda-emu against the CPU backend. */
class CudaMemoryOpsTest {
  static java.util.stream.Stream<org.junit.jupiter.api.Named<CudaBackend>> backends() {
    return TestCuda.both();
  }

  @ParameterizedTest
  @MethodSource("backends")
  void allocateGivesZerosAndUploadDownloadRespectOffsets(CudaBackend be) {
    // the stand-in driver fills new memory with 0xFF bytes (NaN), so zeros prove the clearing
    for (int n : new int[] {1, 3, 130, 1 << 12}) {
      try (Buffer b = be.allocate(n)) {
        assertArrayEquals(new float[n], TestCuda.get(be, b), "allocate(" + n + ")");
      }
    }
    float[] src = Compare.uniform(new SplittableRandom(1), 17, -1, 1);
    try (Buffer b = be.allocate(33)) {
      be.upload(src, 3, b, 5, 11);           // b[5..16) = src[3..14)
      float[] got = new float[20];
      be.download(b, 4, got, 2, 13);         // got[2..15) = b[4..17)
      float[] want = new float[20];
      for (int i = 0; i < 11; i++) want[3 + i] = src[3 + i];
      assertArrayEquals(want, got);
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void fillWritesOnlyItsRange(CudaBackend be) {
    float[] x = Compare.uniform(new SplittableRandom(2), 33, -1, 1);
    Twin t = Twin.run(be, new float[][] {x}, (b, buf) -> {
      b.fill(buf[0], 3, 17, -2.5f);
      b.fill(buf[0], 31, 1, Float.NaN);
    });
    Compare.bitwise("fill", t.cpu[0], t.gpu[0]);
  }

  @ParameterizedTest
  @MethodSource("backends")
  void copyStridedTransposesBroadcastsAndPermutes(CudaBackend be) {
    SplittableRandom rng = new SplittableRandom(3);
    float[] src = Compare.uniform(rng, 3 * 17 * 5, -1, 1);
    // contiguous (one memcpy), a 2-D transpose, a broadcast of a row, a 3-D permutation with offsets
    int[][] shapes = {{3, 17, 5}, {17, 3}, {4, 17}, {5, 3, 17}};
    long[][] srcStrides = {{85, 5, 1}, {1, 17}, {0, 1}, {1, 85, 5}};
    long[][] dstStrides = {{85, 5, 1}, {3, 1}, {17, 1}, {51, 17, 1}};
    long[] srcOff = {0, 2, 7, 0};
    long[] dstOff = {0, 0, 3, 1};
    for (int c = 0; c < shapes.length; c++) {
      int cc = c;
      float[] dst = new float[3 * 17 * 5 + 8];
      Twin t = Twin.run(be, new float[][] {src, dst}, (b, buf) -> b.copyStrided(shapes[cc], buf[0], srcOff[cc],
          srcStrides[cc], buf[1], dstOff[cc], dstStrides[cc]));
      Compare.bitwise("copyStrided case " + c, t.cpu[1], t.gpu[1]);
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void copyStridedOfRankTenSlicesOnTheHost(CudaBackend be) {
    // rank 10 with a broadcast dim between non-mergeable ones: more than duel_strided_t's 8 dims
    int[] shape = {2, 2, 3, 2, 2, 3, 2, 2, 3, 2};
    long[] dstStrides = StridedLayout.contiguousStrides(shape);
    long[] srcStrides = new long[10];
    long step = 1;
    for (int d = 9; d >= 0; d--) {
      srcStrides[d] = d == 4 ? 0 : step * 2;   // every other element, and dim 4 broadcast
      if (d != 4) step *= 2L * shape[d];
    }
    long n = StridedLayout.count(shape);
    assertTrue(StridedLayout.of(shape, srcStrides, dstStrides).rank() > 8);
    float[] src = Compare.uniform(new SplittableRandom(4), (int) step + 1, -1, 1);
    Twin t = Twin.run(be, new float[][] {src, new float[(int) n]}, (b, buf) -> b.copyStrided(shape, buf[0], 0,
        srcStrides, buf[1], 0, dstStrides));
    Compare.bitwise("rank-10 copyStrided", t.cpu[1], t.gpu[1]);
  }

  @ParameterizedTest
  @MethodSource("backends")
  void outOfRangeCopiesAreRefusedBeforeTheyReachTheGpu(CudaBackend be) {
    try (Buffer b = be.allocate(8)) {
      assertThrows(IllegalArgumentException.class, () -> be.upload(new float[9], 0, b, 0, 9));
      assertThrows(IllegalArgumentException.class, () -> be.upload(new float[4], 0, b, 6, 4));
      assertThrows(IllegalArgumentException.class, () -> be.download(b, 2, new float[8], 0, 7));
      // a 3×3 view with row stride 3 from offset 1 needs elements [1, 10): past the 8 floats
      assertThrows(IllegalArgumentException.class, () -> be.copyStrided(new int[] {3, 3}, b, 1, new long[] {3, 1}, b, 0,
          new long[] {0, 0}));
      assertThrows(IllegalArgumentException.class, () -> be.binary(dev.duel.engine.BinaryOp.ADD, new int[] {2, 4}, b, 0,
          new long[] {4, 1}, b, 1, new long[] {4, 1}, b));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> be.unary(dev.duel.engine.UnaryOp.NEG, 0, TestCuda.cpu().allocate(8), 0, b, 8));
      assertTrue(e.getMessage().contains("Tensor.to"), e.getMessage());
    }
  }
}
