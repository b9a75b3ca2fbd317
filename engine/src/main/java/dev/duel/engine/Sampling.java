package dev.duel.engine;

/** Nearest upsampling, embedding lookup and dropout. */
public final class Sampling {
  private Sampling() {}

  /** x: N×C×H×W to N×C×(H·f)×(W·f), each pixel repeated f×f times. */
  public static Tensor upsampleNearest(Tensor x, int f) {
    if (x.dim() != 4 || f < 1) {
      throw new IllegalArgumentException("upsample_nearest: want N×C×H×W and a factor >= 1, got " + Shape.str(x.shape)
          + " and " + f);
    }
    Tensor xc = x.compact();
    int n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
    Tensor y = Tensor.empty(x.backend, n, c, h * f, w * f);
    x.backend.upsampleNearest(n, c, h, w, f, xc.buffer(), y.buffer());
    return y.recordOp("upsample_nearest", g -> new Tensor[] {upsampleNearestBackward(g, n, c, h, w, f)}, xc);
  }

  /** The adjoint of upsampling: the sum over each f×f block. */
  static Tensor upsampleNearestBackward(Tensor g, int n, int c, int h, int w, int f) {
    Tensor gc = g.compact();
    Tensor gx = Tensor.empty(g.backend, n, c, h, w);
    g.backend.upsampleNearestBackward(n, c, h, w, f, gc.buffer(), gx.buffer());
    return gx.recordOp("upsample_nearest_backward", gg -> new Tensor[] {upsampleNearest(gg, f)}, gc);
  }

  /** weight: V×D; out[i, :] = weight[idx[i], :], shape (idx.length, D). */
  public static Tensor embedding(Tensor weight, int[] idx) {
    if (weight.dim() != 2) throw new IllegalArgumentException("embedding: weight must be V×D, got " + Shape.str(weight.shape));
    int vocab = weight.shape[0], dim = weight.shape[1];
    for (int i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= vocab) {
        throw new IllegalArgumentException("embedding: index " + idx[i] + " at position " + i + " out of range [0, " + vocab + ")");
      }
    }
    Tensor wc = weight.compact();
    Tensor out = Tensor.empty(weight.backend, idx.length, dim);
    weight.backend.embeddingGather(wc.buffer(), dim, idx, out.buffer());
    return out.recordOp("embedding", g -> new Tensor[] {embeddingBackward(g, idx, vocab, dim)}, wc);
  }

  static Tensor embeddingBackward(Tensor g, int[] idx, int vocab, int dim) {
    Tensor gc = g.compact();
    Tensor gw = Tensor.zeros(g.backend, vocab, dim);
    g.backend.embeddingScatterAdd(gc.buffer(), dim, idx, gw.buffer());
    return gw.recordOp("embedding_backward", gg -> new Tensor[] {embedding(gg, idx)}, gc);
  }

  /** Inverted dropout: each element zeroed with probability p, survivors scaled by 1/(1 − p). */
  public static Tensor dropout(Tensor x, float p, boolean training, Generator rng) {
    if (p < 0f || p >= 1f) throw new IllegalArgumentException("dropout: p must be in [0, 1), got " + p);
    if (!training || p == 0f) return x;
    Tensor mask = rng.bernoulli(x.backend, 1f - p, x.shape);
    return x.mul(mask.mul(1f / (1f - p)));
  }
}
