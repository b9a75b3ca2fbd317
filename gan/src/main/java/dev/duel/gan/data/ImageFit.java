package dev.duel.gan.data;

/**
 * Fits a decoded picture to a model's input: its channels, its height × width, and the range [−1, 1].
 * What {@code duel translate} does to any PNG, and what the paired-folder reader does to each half.
 *
 * <ol>
 *   <li><b>Alpha</b> is composited over white: v = α·c + (1 − α)·1 (a sketch drawn on a transparent
 *       layer reads as strokes on paper, the edges task's +1 background).</li>
 *   <li><b>Channels</b>: to 1, gray stays, RGB becomes its luma 0.299 R + 0.587 G + 0.114 B (the weights
 *       {@link PairedTransforms#edges} uses); to 3, gray is copied into R, G and B.</li>
 *   <li><b>Size</b>, each axis on its own (separable), with pixel centres at i + ½: shrinking averages
 *       the source over each output pixel's footprint [j·n/m, (j + 1)·n/m), partial pixels weighted by
 *       their overlap (area resampling, no aliasing); enlarging interpolates linearly at source
 *       coordinate (j + ½)·n/m − ½, clamped to the edge (bilinear, PyTorch's align_corners=False). The
 *       aspect ratio is not kept: a non-square picture is stretched to the model's square.</li>
 *   <li><b>Range</b>: v ∈ [0, 1] ↦ 2v − 1.</li>
 * </ol>
 */
public final class ImageFit {
  private ImageFit() {}

  /** The whole picture as channels×outH×outW floats in [−1, 1]. */
  public static float[] fit(PngDecoder.Image img, int channels, int outH, int outW) {
    return fit(img, 0, img.width(), channels, outH, outW);
  }

  /**
   * Columns [x0, x0 + w) of the picture (its full height), as channels×outH×outW floats in [−1, 1]: the
   * left or right half of a pix2pix pair.
   */
  public static float[] fit(PngDecoder.Image img, int x0, int w, int channels, int outH, int outW) {
    if (channels != 1 && channels != 3) throw new IllegalArgumentException("ImageFit: channels must be 1 or 3, got " + channels);
    if (outH < 1 || outW < 1) throw new IllegalArgumentException("ImageFit: output size " + outH + "×" + outW);
    if (x0 < 0 || w < 1 || x0 + w > img.width()) throw new IllegalArgumentException("ImageFit: columns [" + x0 + ", " + (x0 + w) + ") of a " + img.width() + "-wide picture");
    int h = img.height(), n = img.width() * h;
    float[] p = img.planes();
    int colour = img.isGray() ? 1 : 3;
    float[] src = new float[channels * h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * img.width() + x0 + x;
        float alpha = img.hasAlpha() ? p[colour * n + i] : 1f;
        float r = over(p[i], alpha), g = colour == 3 ? over(p[n + i], alpha) : r, b = colour == 3 ? over(p[2 * n + i], alpha) : r;
        int o = y * w + x;
        if (channels == 1) {
          src[o] = colour == 1 ? r : 0.299f * r + 0.587f * g + 0.114f * b;
        } else {
          src[o] = r;
          src[h * w + o] = g;
          src[2 * h * w + o] = b;
        }
      }
    }
    float[] out = new float[channels * outH * outW];
    Axis ax = Axis.of(w, outW), ay = Axis.of(h, outH);
    float[] rows = new float[h * outW];
    for (int c = 0; c < channels; c++) {
      int base = c * h * w;
      for (int y = 0; y < h; y++) ax.apply(src, base + y * w, 1, rows, y * outW, 1);
      for (int x = 0; x < outW; x++) ay.apply(rows, x, outW, out, c * outH * outW + x, outW);
    }
    for (int i = 0; i < out.length; i++) out[i] = 2f * out[i] - 1f;
    return out;
  }

  private static float over(float c, float alpha) {
    return alpha * c + (1f - alpha);
  }

  /**
   * One axis's resampling from n to m pixels: output j = Σ_k weights[j][k] · src[first[j] + k]; the
   * weights of each output sum to 1.
   */
  record Axis(int[] first, double[][] weights) {
    static Axis of(int n, int m) {
      int[] first = new int[m];
      double[][] w = new double[m][];
      double scale = (double) n / m;
      for (int j = 0; j < m; j++) {
        if (m == n) {
          first[j] = j;
          w[j] = new double[] {1};
        } else if (m < n) {                    // area: overlap of [i, i + 1) with [lo, hi), over hi − lo
          double lo = j * scale, hi = (j + 1) * scale;
          int a = (int) Math.floor(lo), b = Math.min(n, (int) Math.ceil(hi));
          first[j] = a;
          w[j] = new double[b - a];
          for (int i = a; i < b; i++) w[j][i - a] = (Math.min(hi, i + 1) - Math.max(lo, i)) / scale;
        } else {                               // bilinear at s = (j + ½)·n/m − ½, clamped
          double s = Math.max(0, Math.min(n - 1, (j + 0.5) * scale - 0.5));
          int a = Math.min((int) Math.floor(s), n - 1), b = Math.min(a + 1, n - 1);
          double t = s - a;
          first[j] = a;
          w[j] = b == a ? new double[] {1} : new double[] {1 - t, t};
        }
      }
      return new Axis(first, w);
    }

    /** dst[d0 + j·ds] = Σ_k weights[j][k] · src[s0 + (first[j] + k)·ss]. */
    void apply(float[] src, int s0, int ss, float[] dst, int d0, int ds) {
      for (int j = 0; j < first.length; j++) {
        double acc = 0;
        double[] wj = weights[j];
        for (int k = 0; k < wj.length; k++) acc += wj[k] * src[s0 + (first[j] + k) * ss];
        dst[d0 + j * ds] = (float) acc;
      }
    }
  }
}
