package dev.duel.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finite-difference gradient checks of matmul (2-D, batched, 3-D × 2-D, transposed-view operands),
 * conv2d (stride 1/2, padding 0/1/2, R ≠ S, with and without bias) and conv_transpose2d (stride 1/2,
 * padding 0/1, output padding) against float64 references.
 */
class MatmulConvGradTest {
  static final String DEVICES = "dev.duel.engine.TestDevices#all";

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void matmul2d(Backend be) {
    for (int[] mkn : new int[][] {{3, 4, 5}, {1, 3, 1}, {4, 1, 2}, {2, 5, 1}}) {
      RefCheck c = new RefCheck(be, "matmul " + java.util.Arrays.toString(mkn));
      c.run(t -> t[0].matmul(t[1]), n -> NdOps.matmul(n[0], n[1]), c.uniform(mkn[0], mkn[1]), c.uniform(mkn[1], mkn[2]));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void matmulTransposedOperands(Backend be) {
    RefCheck a = new RefCheck(be, "matmul Aᵀ·B");
    a.run(t -> t[0].t().matmul(t[1]), n -> NdOps.matmul(n[0].transpose(0, 1), n[1]), a.uniform(4, 3), a.uniform(4, 5));
    RefCheck b = new RefCheck(be, "matmul A·Bᵀ");
    b.run(t -> t[0].matmul(t[1].t()), n -> NdOps.matmul(n[0], n[1].transpose(0, 1)), b.uniform(3, 4), b.uniform(5, 4));
    RefCheck c = new RefCheck(be, "matmul Aᵀ·Bᵀ");
    c.run(t -> t[0].t().matmul(t[1].t()), n -> NdOps.matmul(n[0].transpose(0, 1), n[1].transpose(0, 1)),
        c.uniform(4, 3), c.uniform(5, 4));
    RefCheck d = new RefCheck(be, "matmul of a column slice");
    d.run(t -> t[0].narrow(1, 1, 3).matmul(t[1]), n -> NdOps.matmul(n[0].narrow(1, 1, 3), n[1]), d.uniform(2, 5), d.uniform(3, 2));
    RefCheck e = new RefCheck(be, "matmul x·xᵀ (one tensor, both sides)");
    e.run(t -> t[0].matmul(t[0].t()), n -> NdOps.matmul(n[0], n[0].transpose(0, 1)), e.uniform(3, 4));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void matmulBatched(Backend be) {
    RefCheck a = new RefCheck(be, "matmul (2,3,4)·(2,4,5)");
    a.run(t -> t[0].matmul(t[1]), n -> NdOps.matmul(n[0], n[1]), a.uniform(2, 3, 4), a.uniform(2, 4, 5));
    RefCheck b = new RefCheck(be, "matmul (3,2,4)·(4,3) 3d x 2d");
    b.run(t -> t[0].matmul(t[1]), n -> NdOps.matmul(n[0], n[1]), b.uniform(3, 2, 4), b.uniform(4, 3));
    RefCheck c = new RefCheck(be, "matmul batched transposes");
    c.run(t -> t[0].transpose(1, 2).matmul(t[1].transpose(-2, -1)),
        n -> NdOps.matmul(n[0].transpose(1, 2), n[1].transpose(1, 2)), c.uniform(2, 4, 3), c.uniform(2, 5, 4));
    RefCheck d = new RefCheck(be, "matmul batch as a permuted view");
    // (m, b, k) permuted to (b, m, k): the batch stride is k, the row stride b·k
    d.run(t -> t[0].permute(1, 0, 2).matmul(t[1]), n -> NdOps.matmul(n[0].permute(1, 0, 2), n[1]),
        d.uniform(3, 2, 4), d.uniform(2, 4, 2));
    RefCheck e = new RefCheck(be, "matmul 3d of a transposed view x 2d");
    e.run(t -> t[0].transpose(1, 2).matmul(t[1]), n -> NdOps.matmul(n[0].transpose(1, 2), n[1]),
        e.uniform(2, 4, 3), e.uniform(4, 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void linearLayer(Backend be) {
    RefCheck c = new RefCheck(be, "linear x·Wᵀ + b");
    c.run(t -> t[0].matmul(t[1].t()).add(t[2]), n -> NdOps.matmul(n[0], n[1].transpose(0, 1)).add(n[2]),
        c.uniform(4, 3), c.uniform(5, 3), c.uniform(5));
  }

  /** {N, C, H, W, K, R, S, stride, pad}. */
  static final int[][] CONVS = {
      {2, 3, 5, 6, 4, 3, 2, 1, 0},   // R ≠ S, no padding
      {2, 2, 6, 5, 3, 3, 3, 2, 1},   // stride 2, padding 1
      {1, 2, 4, 4, 2, 3, 3, 1, 2},   // padding 2 (output larger than input)
      {2, 1, 7, 5, 2, 2, 3, 2, 0},   // stride 2, even×odd kernel, unused trailing rows
      {1, 3, 3, 3, 2, 1, 1, 1, 0},   // 1×1
      {2, 2, 5, 4, 3, 4, 2, 2, 2}};  // stride 2, padding 2, R ≠ S

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void conv2d(Backend be) {
    for (int[] s : CONVS) {
      for (boolean bias : new boolean[] {false, true}) {
        RefCheck c = new RefCheck(be, "conv2d " + java.util.Arrays.toString(s) + (bias ? " bias" : ""));
        int stride = s[7], pad = s[8];
        Nd x = c.uniform(s[0], s[1], s[2], s[3]), w = c.uniform(s[4], s[1], s[5], s[6]);
        if (bias) {
          c.run(t -> Convolution.conv2d(t[0], t[1], t[2], stride, pad), n -> NdOps.conv2d(n[0], n[1], n[2], stride, pad),
              x, w, c.uniform(s[4]));
        } else {
          c.run(t -> Convolution.conv2d(t[0], t[1], null, stride, pad), n -> NdOps.conv2d(n[0], n[1], null, stride, pad),
              x, w);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void conv2dOfAView(Backend be) {
    // the input is a permuted (non-contiguous) view; the weight is used twice
    RefCheck c = new RefCheck(be, "conv2d of a permuted input");
    c.run(t -> Convolution.conv2d(t[0].permute(0, 3, 1, 2), t[1], null, 1, 1).mul(t[2]),
        n -> NdOps.conv2d(n[0].permute(0, 3, 1, 2), n[1], null, 1, 1).mul(n[2]),
        c.uniform(2, 4, 4, 2), c.uniform(3, 2, 3, 3), c.uniform(2, 3, 4, 4));
  }

  /** {N, Cin, H, W, Cout, R, S, stride, pad, outPad}. */
  static final int[][] CONV_TS = {
      {2, 3, 3, 4, 2, 3, 3, 1, 0, 0},
      {2, 2, 3, 3, 3, 4, 4, 2, 1, 0},   // DCGAN's up-sampling layer
      {1, 2, 3, 2, 2, 3, 3, 2, 1, 1},   // output padding
      {2, 2, 2, 3, 2, 4, 3, 2, 0, 0},   // R ≠ S
      {1, 3, 4, 4, 2, 3, 2, 1, 1, 0},   // padding 1, R ≠ S
      {1, 2, 3, 3, 1, 3, 3, 2, 0, 1}};  // output padding, no padding

  @ParameterizedTest(name = "{0}")
  @MethodSource(DEVICES)
  void convTranspose2d(Backend be) {
    for (int[] s : CONV_TS) {
      for (boolean bias : new boolean[] {false, true}) {
        RefCheck c = new RefCheck(be, "conv_transpose2d " + java.util.Arrays.toString(s) + (bias ? " bias" : ""));
        int stride = s[7], pad = s[8], outPad = s[9];
        Nd x = c.uniform(s[0], s[1], s[2], s[3]), w = c.uniform(s[1], s[4], s[5], s[6]);
        if (bias) {
          c.run(t -> Convolution.convTranspose2d(t[0], t[1], t[2], stride, pad, outPad),
              n -> NdOps.convTranspose2d(n[0], n[1], n[2], stride, pad, outPad), x, w, c.uniform(s[4]));
        } else {
          c.run(t -> Convolution.convTranspose2d(t[0], t[1], null, stride, pad, outPad),
              n -> NdOps.convTranspose2d(n[0], n[1], null, stride, pad, outPad), x, w);
        }
      }
    }
  }
}
