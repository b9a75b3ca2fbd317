package dev.duel.engine.cpu;

import dev.duel.engine.ConvShape;

/**
 * The direct seven-deep loops of {@link Conv2dCpu}: NCHW, weights K×C×R×S, dilation 1, same arguments.
 * Kept as an algorithmic reference and as a fallback; serial and slow.
 */
public final class Conv2dReference {
  private Conv2dReference() {}

  /** y[n,k,p,q] = Σ_{c,r,s} x[n,c,p·sh+r−ph, q·sw+s−pw] · w[k,c,r,s]. */
  public static void forward(ConvShape s, float[] x, float[] w, float[] y) {
    int P = s.p(), Q = s.q();
    for (int n = 0; n < s.n(); n++)
      for (int k = 0; k < s.k(); k++)
        for (int p = 0; p < P; p++)
          for (int q = 0; q < Q; q++) {
            float acc = 0f;
            for (int c = 0; c < s.c(); c++)
              for (int r = 0; r < s.r(); r++) {
                int ih = p * s.strideH() + r - s.padH();
                if (ih < 0 || ih >= s.h()) continue;
                for (int t = 0; t < s.s(); t++) {
                  int iw = q * s.strideW() + t - s.padW();
                  if (iw < 0 || iw >= s.w()) continue;
                  acc += x[((n * s.c() + c) * s.h() + ih) * s.w() + iw] * w[((k * s.c() + c) * s.r() + r) * s.s() + t];
                }
              }
            y[((n * s.k() + k) * P + p) * Q + q] = acc;
          }
  }

  /** gx = transposed convolution of gy with w. Overwrites gx. */
  public static void backwardData(ConvShape s, float[] gy, float[] w, float[] gx) {
    java.util.Arrays.fill(gx, 0, s.n() * s.c() * s.h() * s.w(), 0f);
    int P = s.p(), Q = s.q();
    for (int n = 0; n < s.n(); n++)
      for (int k = 0; k < s.k(); k++)
        for (int p = 0; p < P; p++)
          for (int q = 0; q < Q; q++) {
            float g = gy[((n * s.k() + k) * P + p) * Q + q];
            for (int c = 0; c < s.c(); c++)
              for (int r = 0; r < s.r(); r++) {
                int ih = p * s.strideH() + r - s.padH();
                if (ih < 0 || ih >= s.h()) continue;
                for (int t = 0; t < s.s(); t++) {
                  int iw = q * s.strideW() + t - s.padW();
                  if (iw < 0 || iw >= s.w()) continue;
                  gx[((n * s.c() + c) * s.h() + ih) * s.w() + iw] += g * w[((k * s.c() + c) * s.r() + r) * s.s() + t];
                }
              }
          }
  }

  /** gw[k,c,r,s] = Σ_{n,p,q} gy[n,k,p,q] · x[n,c,p·sh+r−ph, q·sw+s−pw]. Overwrites gw. */
  public static void backwardFilter(ConvShape s, float[] x, float[] gy, float[] gw) {
    java.util.Arrays.fill(gw, 0, s.k() * s.c() * s.r() * s.s(), 0f);
    int P = s.p(), Q = s.q();
    for (int n = 0; n < s.n(); n++)
      for (int k = 0; k < s.k(); k++)
        for (int p = 0; p < P; p++)
          for (int q = 0; q < Q; q++) {
            float g = gy[((n * s.k() + k) * P + p) * Q + q];
            for (int c = 0; c < s.c(); c++)
              for (int r = 0; r < s.r(); r++) {
                int ih = p * s.strideH() + r - s.padH();
                if (ih < 0 || ih >= s.h()) continue;
                for (int t = 0; t < s.s(); t++) {
                  int iw = q * s.strideW() + t - s.padW();
                  if (iw < 0 || iw >= s.w()) continue;
                  gw[((k * s.c() + c) * s.r() + r) * s.s() + t] += g * x[((n * s.c() + c) * s.h() + ih) * s.w() + iw];
                }
              }
          }
  }
}
