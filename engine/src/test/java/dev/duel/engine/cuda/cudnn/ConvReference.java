package dev.duel.engine.cuda.cudnn;

import dev.duel.engine.ConvShape;

/**
 * Plain float64 loops for the three convolution computations (cross-correlation, NCHW, dilation 1).
 * Each returns {value, Σ|terms|}; the second bounds the rounding error a float computation may make.
 */
final class ConvReference {
  private ConvReference() {}

  /** Input row of output row p and filter row r, or −1 in the padding. */
  private static int row(ConvShape s, int p, int r) {
    int h = p * s.strideH() - s.padH() + r;
    return h >= 0 && h < s.h() ? h : -1;
  }

  private static int col(ConvShape s, int q, int c) {
    int w = q * s.strideW() - s.padW() + c;
    return w >= 0 && w < s.w() ? w : -1;
  }

  /** y[n,k,p,q] = Σ_{c,r,s} x[n,c,h,w] · w[k,c,r,s]. */
  static double[][] forward(ConvShape s, float[] x, float[] w) {
    int P = s.p(), Q = s.q();
    double[] y = new double[s.n() * s.k() * P * Q], b = new double[y.length];
    for (int n = 0; n < s.n(); n++)
      for (int k = 0; k < s.k(); k++)
        for (int p = 0; p < P; p++)
          for (int q = 0; q < Q; q++) {
            double sum = 0, abs = 0;
            for (int c = 0; c < s.c(); c++)
              for (int r = 0; r < s.r(); r++)
                for (int t = 0; t < s.s(); t++) {
                  int h = row(s, p, r), v = col(s, q, t);
                  if (h < 0 || v < 0) continue;
                  double term = (double) x[((n * s.c() + c) * s.h() + h) * s.w() + v]
                      * w[((k * s.c() + c) * s.r() + r) * s.s() + t];
                  sum += term;
                  abs += Math.abs(term);
                }
            int i = ((n * s.k() + k) * P + p) * Q + q;
            y[i] = sum;
            b[i] = abs;
          }
    return new double[][] {y, b};
  }

  /** gx[n,c,h,w] = Σ gy[n,k,p,q] · w[k,c,r,s] over the (k,p,q,r,s) whose window covers (h,w). */
  static double[][] backwardData(ConvShape s, float[] gy, float[] w) {
    int P = s.p(), Q = s.q();
    double[] gx = new double[s.n() * s.c() * s.h() * s.w()], b = new double[gx.length];
    for (int n = 0; n < s.n(); n++)
      for (int k = 0; k < s.k(); k++)
        for (int p = 0; p < P; p++)
          for (int q = 0; q < Q; q++) {
            double g = gy[((n * s.k() + k) * P + p) * Q + q];
            for (int c = 0; c < s.c(); c++)
              for (int r = 0; r < s.r(); r++)
                for (int t = 0; t < s.s(); t++) {
                  int h = row(s, p, r), v = col(s, q, t);
                  if (h < 0 || v < 0) continue;
                  double term = g * w[((k * s.c() + c) * s.r() + r) * s.s() + t];
                  int i = ((n * s.c() + c) * s.h() + h) * s.w() + v;
                  gx[i] += term;
                  b[i] += Math.abs(term);
                }
          }
    return new double[][] {gx, b};
  }

  /** gw[k,c,r,s] = Σ_{n,p,q} gy[n,k,p,q] · x[n,c,h,w]. */
  static double[][] backwardFilter(ConvShape s, float[] x, float[] gy) {
    int P = s.p(), Q = s.q();
    double[] gw = new double[s.k() * s.c() * s.r() * s.s()], b = new double[gw.length];
    for (int k = 0; k < s.k(); k++)
      for (int c = 0; c < s.c(); c++)
        for (int r = 0; r < s.r(); r++)
          for (int t = 0; t < s.s(); t++) {
            double sum = 0, abs = 0;
            for (int n = 0; n < s.n(); n++)
              for (int p = 0; p < P; p++)
                for (int q = 0; q < Q; q++) {
                  int h = row(s, p, r), v = col(s, q, t);
                  if (h < 0 || v < 0) continue;
                  double term = (double) gy[((n * s.k() + k) * P + p) * Q + q]
                      * x[((n * s.c() + c) * s.h() + h) * s.w() + v];
                  sum += term;
                  abs += Math.abs(term);
                }
            int i = ((k * s.c() + c) * s.r() + r) * s.s() + t;
            gw[i] = sum;
            b[i] = abs;
          }
    return new double[][] {gw, b};
  }
}
