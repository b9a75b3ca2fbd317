package dev.duel.engine;

/**
 * A Philox4x32-10 stream: a seed and a counter offset. Every draw consumes ⌈n/4⌉ counter blocks, so the
 * same (seed, offset) gives the same numbers on every device, and saving the offset in a checkpoint
 * resumes the stream exactly.
 */
public final class Generator {
  private final long seed;
  private long offset;

  public Generator(long seed) {
    this(seed, 0);
  }

  public Generator(long seed, long offset) {
    this.seed = seed;
    this.offset = offset;
  }

  public long seed() {
    return seed;
  }

  /** The next counter block to be used. */
  public long offset() {
    return offset;
  }

  public void setOffset(long offset) {
    this.offset = offset;
  }

  /** N(mean, std²) samples. */
  public Tensor normal(Backend backend, float mean, float std, int... shape) {
    return draw(backend, Distribution.NORMAL, mean, std, shape);
  }

  /** U[lo, hi) samples. */
  public Tensor uniform(Backend backend, float lo, float hi, int... shape) {
    return draw(backend, Distribution.UNIFORM, lo, hi, shape);
  }

  /** 1 with probability p, else 0. */
  public Tensor bernoulli(Backend backend, float p, int... shape) {
    return draw(backend, Distribution.BERNOULLI, p, 0f, shape);
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates over Philox uniforms, drawn on the host). */
  public int[] permutation(int n) {
    float[] u = new float[n];
    Philox.fill(Distribution.UNIFORM, seed, offset, 0f, 1f, u, 0, 0, n);
    offset += Philox.blocks(n);
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = Math.min(i, (int) (u[i] * (i + 1)));
      int t = p[i]; p[i] = p[j]; p[j] = t;
    }
    return p;
  }

  private Tensor draw(Backend backend, Distribution dist, float a, float b, int... shape) {
    Tensor t = Tensor.empty(backend, shape);
    long n = t.numel();
    backend.random(dist, seed, offset, a, b, t.buffer(), n);
    offset += Philox.blocks(n);
    return t;
  }
}
