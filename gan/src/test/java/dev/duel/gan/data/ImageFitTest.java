package dev.duel.gan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Fitting a picture to the model: alpha over white, luma, area shrinking, bilinear enlarging, hand-worked. */
class ImageFitTest {
  static PngDecoder.Image gray(int w, int h, float... v) {
    return new PngDecoder.Image(w, h, 1, 8, v);
  }

  /** [−1, 1] values back to [0, 1] for readable expectations. */
  static float[] unit(float[] x) {
    float[] u = new float[x.length];
    for (int i = 0; i < x.length; i++) u[i] = (x[i] + 1) / 2;
    return u;
  }

  @Test
  void shrinkingAveragesEachFootprint() {
    // 4×1 → 2×1: (0 + 0.2)/2, (0.4 + 1)/2
    assertArrayEquals(new float[] {0.1f, 0.7f}, unit(ImageFit.fit(gray(4, 1, 0, 0.2f, 0.4f, 1), 1, 1, 2)), 1e-6f);
    // 3×1 → 2×1: footprints [0, 1.5) and [1.5, 3): (0 + 0.5·0.6)/1.5 = 0.2, (0.5·0.6 + 0.9)/1.5 = 0.8
    assertArrayEquals(new float[] {0.2f, 0.8f}, unit(ImageFit.fit(gray(3, 1, 0, 0.6f, 0.9f), 1, 1, 2)), 1e-6f);
    // 2×2 → 1×1: the mean
    assertArrayEquals(new float[] {0.25f}, unit(ImageFit.fit(gray(2, 2, 0, 0.5f, 0, 0.5f), 1, 1, 1)), 1e-6f);
  }

  @Test
  void enlargingInterpolatesAtHalfPixelCentres() {
    // 2×1 → 4×1: s = (j + ½)/2 − ½ = −¼ (clamped 0), ¼, ¾, 1¼ (clamped 1): 0, 0.25, 0.75, 1 of the way from 0.2 to 0.6
    assertArrayEquals(new float[] {0.2f, 0.3f, 0.5f, 0.6f}, unit(ImageFit.fit(gray(2, 1, 0.2f, 0.6f), 1, 1, 4)), 1e-6f);
  }

  @Test
  void alphaIsCompositedOverWhiteAndColourBecomesLuma() {
    // one RGBA pixel: (1, 0, 0) at α = 0.5 → (1, 0.5, 0.5); luma 0.299 + 0.587·0.5 + 0.114·0.5
    PngDecoder.Image rgba = new PngDecoder.Image(1, 1, 4, 8, new float[] {1, 0, 0, 0.5f});
    assertArrayEquals(new float[] {1, 0.5f, 0.5f}, unit(ImageFit.fit(rgba, 3, 1, 1)), 1e-6f);
    assertEquals(0.299f + 0.587f * 0.5f + 0.114f * 0.5f, unit(ImageFit.fit(rgba, 1, 1, 1))[0], 1e-6f);
    // gray + alpha 0 is paper white; gray to three channels is copied
    assertArrayEquals(new float[] {1}, unit(ImageFit.fit(new PngDecoder.Image(1, 1, 2, 8, new float[] {0, 0}), 1, 1, 1)), 1e-6f);
    assertArrayEquals(new float[] {0.3f, 0.3f, 0.3f}, unit(ImageFit.fit(gray(1, 1, 0.3f), 3, 1, 1)), 1e-6f);
  }

  @Test
  void aColumnRangeIsOneHalfOfAPair() {
    PngDecoder.Image p = gray(4, 1, 0.1f, 0.2f, 0.7f, 0.8f);
    assertArrayEquals(new float[] {0.7f, 0.8f}, unit(ImageFit.fit(p, 2, 2, 1, 1, 2)), 1e-6f);
    assertArrayEquals(new float[] {0.15f}, unit(ImageFit.fit(p, 0, 2, 1, 1, 1)), 1e-6f);
  }
}
