package dev.duel.engine.cuda.cudnn;

import dev.duel.engine.ConvShape;

/**
 * The cuDNN descriptors of one convolution shape and the algorithm chosen for each direction.
 * x: N×C×H×W tensor, w: K×C×R×S filter, y: N×K×P×Q tensor, conv: pad/stride, dilation 1,
 * cross-correlation, FLOAT compute. Owned by {@link CudnnConv}; not thread-safe.
 */
final class ConvPlan implements AutoCloseable {

  /** The algorithm used for one direction and the workspace it needs. */
  record Choice(AlgoPerf perf, long workspaceBytes) {}

  final ConvShape shape;
  final long xDesc;
  final long wDesc;
  final long yDesc;
  final long convDesc;
  private final Cudnn cudnn;
  private final Choice[] choices = new Choice[ConvDirection.values().length];

  /** Creates and sets the four descriptors; on failure destroys what it created and rethrows. */
  ConvPlan(Cudnn cudnn, ConvShape s, int mathType) {
    this.cudnn = cudnn;
    this.shape = s;
    long x = 0, w = 0, y = 0, conv = 0;
    try {
      x = cudnn.createTensorDescriptor();
      cudnn.setTensor4dDescriptor(x, CudnnEnums.TENSOR_NCHW, CudnnEnums.DATA_FLOAT, s.n(), s.c(), s.h(), s.w());
      w = cudnn.createFilterDescriptor();
      cudnn.setFilter4dDescriptor(w, CudnnEnums.DATA_FLOAT, CudnnEnums.TENSOR_NCHW, s.k(), s.c(), s.r(), s.s());
      y = cudnn.createTensorDescriptor();
      cudnn.setTensor4dDescriptor(y, CudnnEnums.TENSOR_NCHW, CudnnEnums.DATA_FLOAT, s.n(), s.k(), s.p(), s.q());
      conv = cudnn.createConvolutionDescriptor();
      cudnn.setConvolution2dDescriptor(conv, s.padH(), s.padW(), s.strideH(), s.strideW(), 1, 1,
          CudnnEnums.CROSS_CORRELATION, CudnnEnums.DATA_FLOAT);
      cudnn.setConvolutionMathType(conv, mathType);
    } catch (RuntimeException e) {
      destroy(cudnn, x, w, y, conv);
      throw e;
    }
    this.xDesc = x;
    this.wDesc = w;
    this.yDesc = y;
    this.convDesc = conv;
  }

  /**
   * The descriptors in the C argument order of the direction's Get/Find/WorkspaceSize calls:
   * FORWARD (x, w, conv, y), BACKWARD_DATA (w, dy, conv, dx), BACKWARD_FILTER (x, dy, conv, dw).
   */
  long[] descriptors(ConvDirection dir) {
    return switch (dir) {
      case FORWARD -> new long[] {xDesc, wDesc, convDesc, yDesc};
      case BACKWARD_DATA -> new long[] {wDesc, yDesc, convDesc, xDesc};
      case BACKWARD_FILTER -> new long[] {xDesc, yDesc, convDesc, wDesc};
    };
  }

  Choice choice(ConvDirection dir) {
    return choices[dir.ordinal()];
  }

  void choose(ConvDirection dir, Choice c) {
    choices[dir.ordinal()] = c;
  }

  @Override
  public void close() {
    destroy(cudnn, xDesc, wDesc, yDesc, convDesc);
  }

  private static void destroy(Cudnn cudnn, long x, long w, long y, long conv) {
    if (x != 0) cudnn.destroyTensorDescriptor(x);
    if (w != 0) cudnn.destroyFilterDescriptor(w);
    if (y != 0) cudnn.destroyTensorDescriptor(y);
    if (conv != 0) cudnn.destroyConvolutionDescriptor(conv);
  }
}
