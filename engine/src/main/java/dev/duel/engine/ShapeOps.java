package dev.duel.engine;

import java.util.Arrays;

/** Views (reshape, permute, narrow, expand), copies and concatenation, with their gradients. */
final class ShapeOps {
  private ShapeOps() {}

  static Tensor reshape(Tensor x, int... newShape) {
    int[] shape = resolve(x, newShape);
    if (Arrays.equals(shape, x.shape)) return x;
    Tensor src = x.contiguous();
    Tensor v = src.view(src.offset, shape, Shape.contiguousStrides(shape));
    int[] inShape = x.shape;
    return v.recordOp("reshape", g -> new Tensor[] {g.reshape(inShape)}, src);
  }

  private static int[] resolve(Tensor x, int[] newShape) {
    int[] shape = newShape.clone();
    int infer = -1;
    long known = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] == -1) {
        if (infer >= 0) throw new IllegalArgumentException("reshape: only one dimension may be -1 in " + Shape.str(newShape));
        infer = i;
      } else if (shape[i] < 0) {
        throw new IllegalArgumentException("reshape: negative dimension in " + Shape.str(newShape));
      } else {
        known *= shape[i];
      }
    }
    long n = x.numel();
    if (infer >= 0) {
      if (known == 0 || n % known != 0) {
        throw new IllegalArgumentException("reshape: cannot view " + Shape.str(x.shape) + " as " + Shape.str(newShape));
      }
      shape[infer] = (int) (n / known);
    } else if (known != n) {
      throw new IllegalArgumentException("reshape: " + Shape.str(x.shape) + " (" + n + " elements) cannot become "
          + Shape.str(newShape) + " (" + known + " elements)");
    }
    return shape;
  }

  static Tensor transpose(Tensor x, int a, int b) {
    int rank = x.shape.length;
    int[] order = new int[rank];
    for (int i = 0; i < rank; i++) order[i] = i;
    int i0 = Shape.axis("transpose", a, rank), i1 = Shape.axis("transpose", b, rank);
    order[i0] = i1;
    order[i1] = i0;
    return permute(x, order);
  }

  static Tensor permute(Tensor x, int... order) {
    int rank = x.shape.length;
    if (order.length != rank) {
      throw new IllegalArgumentException("permute: order " + Shape.str(order) + " does not match rank " + rank);
    }
    int[] shape = new int[rank];
    long[] strides = new long[rank];
    int[] inverse = new int[rank];
    boolean[] used = new boolean[rank];
    for (int i = 0; i < rank; i++) {
      int src = Shape.axis("permute", order[i], rank);
      if (used[src]) throw new IllegalArgumentException("permute: repeated axis in " + Shape.str(order));
      used[src] = true;
      shape[i] = x.shape[src];
      strides[i] = x.strides[src];
      inverse[src] = i;
    }
    Tensor v = x.view(x.offset, shape, strides);
    return v.recordOp("permute", g -> new Tensor[] {g.permute(inverse)}, x);
  }

  static Tensor narrow(Tensor x, int axis, int start, int length) {
    int ax = Shape.axis("narrow", axis, x.shape.length);
    if (start < 0 || length < 0 || start + length > x.shape[ax]) {
      throw new IllegalArgumentException("narrow: [" + start + ", " + (start + length) + ") out of range for axis "
          + ax + " of size " + x.shape[ax]);
    }
    int[] shape = x.shape.clone();
    shape[ax] = length;
    Tensor v = x.view(x.offset + start * x.strides[ax], shape, x.strides.clone());
    int[] inShape = x.shape;
    return v.recordOp("narrow", g -> new Tensor[] {padInto(g, inShape, ax, start)}, x);
  }

  /** A zero tensor of {@code shape} with g written at [start, start + g.size(ax)) along ax; narrow's adjoint. */
  static Tensor padInto(Tensor g, int[] shape, int ax, int start) {
    Tensor out = Tensor.zeros(g.backend, shape);
    out.narrowNoGrad(ax, start, g.shape[ax]).assign(g);
    int len = g.shape[ax];
    return out.recordOp("narrow_backward", gg -> new Tensor[] {gg.narrow(ax, start, len)}, g);
  }

  static Tensor expand(Tensor x, int... newShape) {
    if (newShape.length < x.shape.length) {
      throw new IllegalArgumentException("expand: cannot expand " + Shape.str(x.shape) + " to fewer dims " + Shape.str(newShape));
    }
    int lead = newShape.length - x.shape.length;
    for (int i = 0; i < x.shape.length; i++) {
      if (x.shape[i] != 1 && x.shape[i] != newShape[lead + i]) {
        throw new IllegalArgumentException("expand: " + Shape.str(x.shape) + " cannot expand to " + Shape.str(newShape));
      }
    }
    if (Arrays.equals(x.shape, newShape)) return x;
    Tensor v = x.view(x.offset, newShape.clone(), Shape.broadcastStrides(x.shape, x.strides, newShape));
    int[] inShape = x.shape;
    return v.recordOp("expand", g -> new Tensor[] {ElementwiseOps.sumTo(g, inShape)}, x);
  }

  /** A contiguous copy. */
  static Tensor copy(Tensor x) {
    Tensor out = Tensor.empty(x.backend, x.shape);
    x.backend.copyStrided(x.shape, x.buffer(), x.offset, x.strides, out.buffer(), 0, out.strides);
    return out.recordOp("copy", g -> new Tensor[] {g}, x);
  }

  /** Joins tensors along an axis; all other dims must match. */
  static Tensor concat(int axis, Tensor... parts) {
    if (parts.length == 0) throw new IllegalArgumentException("concat of no tensors");
    int rank = parts[0].shape.length;
    int ax = Shape.axis("concat", axis, rank);
    int[] shape = parts[0].shape.clone();
    shape[ax] = 0;
    for (Tensor p : parts) {
      for (int d = 0; d < rank; d++) {
        if (d != ax && (p.shape.length != rank || p.shape[d] != parts[0].shape[d])) {
          throw new IllegalArgumentException("concat along axis " + ax + ": shapes " + Shape.str(parts[0].shape)
              + " and " + Shape.str(p.shape) + " differ in another dimension");
        }
      }
      shape[ax] += p.shape[ax];
    }
    Tensor out = Tensor.empty(parts[0].backend, shape);
    int[] starts = new int[parts.length];
    int at = 0;
    for (int i = 0; i < parts.length; i++) {
      starts[i] = at;
      Tensor dst = out.narrowNoGrad(ax, at, parts[i].shape[ax]);
      dst.assign(parts[i]);
      dst.close();
      at += parts[i].shape[ax];
    }
    return out.recordOp("concat", g -> {
      Tensor[] grads = new Tensor[parts.length];
      for (int i = 0; i < parts.length; i++) grads[i] = g.narrow(ax, starts[i], parts[i].shape[ax]);
      return grads;
    }, parts);
  }
}
