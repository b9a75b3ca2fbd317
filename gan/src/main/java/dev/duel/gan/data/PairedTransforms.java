package dev.duel.gan.data;

import java.util.Arrays;

/**
 * Image-to-image tasks for pix2pix, built from plain images: each returns a {@link Pair} whose target
 * is the image and whose input is a damaged or reduced view of it.
 *
 * <p>Shapes: every batch is N×C×H×W row-major in [−1, 1]; inputs keep C, H, W (the sketch of an RGB
 * image has C = 1). Randomness comes from a caller's {@link SplitMix64}, so a task is reproducible from
 * its seed. The functions allocate their outputs and never modify their arguments.
 */
public final class PairedTransforms {
  private PairedTransforms() {}

  /**
   * An (input, target) pair.
   *
   * @param input         N×inputChannels×H×W
   * @param inputChannels channels of {@code input}
   * @param target        N×C×H×W (the original images, not copied)
   */
  public record Pair(float[] input, int inputChannels, float[] target) {}

  /**
   * Sketch → image. Gray g = the image (C = 1) or its luma 0.299 R + 0.587 G + 0.114 B (C = 3), mapped to
   * [0, 1]; the Sobel gradient Gx = [−1 0 1; −2 0 2; −1 0 1] ∗ g, Gy = Gxᵀ ∗ g with edge pixels replicated;
   * magnitude m = sqrt(Gx² + Gy²) ∈ [0, 4√2]. The sketch is −1 (a dark line) where m > threshold and
   * +1 (paper) elsewhere; one channel. A threshold near 0.5 keeps outlines of Fashion-MNIST items.
   */
  public static Pair edges(float[] images, int n, int c, int h, int w, float threshold) {
    check(images, n, c, h, w);
    if (c != 1 && c != 3) throw new IllegalArgumentException("edges: images must have 1 or 3 channels, got " + c);
    float[] sketch = new float[n * h * w];
    float[] g = new float[h * w];
    for (int i = 0; i < n; i++) {
      gray(images, i, c, h, w, g);
      for (int y = 0; y < h; y++) {
        int ym = Math.max(y - 1, 0), yp = Math.min(y + 1, h - 1);
        for (int x = 0; x < w; x++) {
          int xm = Math.max(x - 1, 0), xp = Math.min(x + 1, w - 1);
          float gx = (g[ym * w + xp] + 2 * g[y * w + xp] + g[yp * w + xp]) - (g[ym * w + xm] + 2 * g[y * w + xm] + g[yp * w + xm]);
          float gy = (g[yp * w + xm] + 2 * g[yp * w + x] + g[yp * w + xp]) - (g[ym * w + xm] + 2 * g[ym * w + x] + g[ym * w + xp]);
          float m = (float) Math.sqrt(gx * gx + gy * gy);
          sketch[(i * h + y) * w + x] = m > threshold ? -1f : 1f;
        }
      }
    }
    return new Pair(sketch, 1, images);
  }

  /**
   * Masked image → image (inpainting): a square hole of side min(hole, H, W) at a uniform random
   * position per image, filled with 0 (mid-gray, distinct from Fashion-MNIST's black background) in
   * every channel.
   */
  public static Pair inpaint(float[] images, int n, int c, int h, int w, int hole, SplitMix64 rng) {
    check(images, n, c, h, w);
    if (hole < 1) throw new IllegalArgumentException("inpaint: hole size must be at least 1, got " + hole);
    int sh = Math.min(hole, h), sw = Math.min(hole, w);
    float[] in = images.clone();
    for (int i = 0; i < n; i++) {
      int y0 = rng.nextInt(h - sh + 1), x0 = rng.nextInt(w - sw + 1);
      for (int ch = 0; ch < c; ch++)
        for (int y = y0; y < y0 + sh; y++) {
          int row = ((i * c + ch) * h + y) * w;
          Arrays.fill(in, row + x0, row + x0 + sw, 0f);
        }
    }
    return new Pair(in, c, images);
  }

  /** 2× super-resolution: {@link #superResolution(float[], int, int, int, int, int)} with factor 2. */
  public static Pair superResolution(float[] images, int n, int c, int h, int w) {
    return superResolution(images, n, c, h, w, 2);
  }

  /**
   * Low resolution → image (s× super-resolution): s×s average pooling to ⌈H/s⌉×⌈W/s⌉ (a block cut by an
   * edge averages the pixels it has), then nearest-neighbour upsampling back to H×W:
   * in[y][x] = mean of the block containing (y, x).
   */
  public static Pair superResolution(float[] images, int n, int c, int h, int w, int s) {
    check(images, n, c, h, w);
    if (s < 1) throw new IllegalArgumentException("superResolution: factor must be at least 1, got " + s);
    float[] in = new float[images.length];
    for (int p = 0; p < n * c; p++) {
      int base = p * h * w;
      for (int by = 0; by < h; by += s)
        for (int bx = 0; bx < w; bx += s) {
          int ye = Math.min(by + s, h), xe = Math.min(bx + s, w);
          float sum = 0;
          for (int y = by; y < ye; y++) for (int x = bx; x < xe; x++) sum += images[base + y * w + x];
          float mean = sum / ((ye - by) * (xe - bx));
          for (int y = by; y < ye; y++) for (int x = bx; x < xe; x++) in[base + y * w + x] = mean;
        }
    }
    return new Pair(in, c, images);
  }

  /** Noisy image → image (denoising): in = clamp(x + σ·z, −1, 1), z ~ N(0, 1) per pixel (Box–Muller). */
  public static Pair denoise(float[] images, int n, int c, int h, int w, float sigma, SplitMix64 rng) {
    check(images, n, c, h, w);
    if (!(sigma >= 0)) throw new IllegalArgumentException("denoise: sigma must be ≥ 0, got " + sigma);
    float[] in = new float[images.length];
    for (int i = 0; i < in.length; i++) {
      float v = images[i] + (float) (sigma * rng.nextGaussian());
      in[i] = Math.max(-1f, Math.min(1f, v));
    }
    return new Pair(in, c, images);
  }

  /** Image i as gray in [0, 1]: (x + 1) / 2 of the single channel, or of the luma of RGB. */
  private static void gray(float[] images, int i, int c, int h, int w, float[] g) {
    int hw = h * w, base = i * c * hw;
    if (c == 1) {
      for (int k = 0; k < hw; k++) g[k] = (images[base + k] + 1f) * 0.5f;
    } else {
      for (int k = 0; k < hw; k++)
        g[k] = (0.299f * images[base + k] + 0.587f * images[base + hw + k] + 0.114f * images[base + 2 * hw + k] + 1f) * 0.5f;
    }
  }

  private static void check(float[] images, int n, int c, int h, int w) {
    if (n < 0 || c < 1 || h < 1 || w < 1 || (long) n * c * h * w != images.length)
      throw new IllegalArgumentException("paired transform: images of " + n + "×" + c + "×" + h + "×" + w
          + " need " + (long) n * c * h * w + " floats, got " + images.length);
  }
}
